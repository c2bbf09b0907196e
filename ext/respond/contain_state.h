// The client's containment state between cycles (pure): how many cycles in a row each process
// has been red (containment waits for two), and the steps taken (reported for 24 h, and the
// "3 actions per host per day" bound). One kv line per entry in $XYMONTMP.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/evidence.h"

namespace mr {

struct RedStreak {
    int pid = 0;
    uint64_t start_ticks = 0;
    int count = 0;
    int64_t last = 0;   // the cycle that last saw it red
};

struct ContainState {
    std::vector<RedStreak> streaks;
    std::vector<ContainmentRecord> records;
};

// Streaks after this cycle: +1 for a process red again within 2.5 cycles of its last red, 1 for
// a new one; processes not red now are dropped (a streak is consecutive cycles).
std::vector<RedStreak> update_streaks(const std::vector<RedStreak>& prev,
                                      const std::vector<std::pair<int, uint64_t>>& red_now, int64_t now,
                                      int interval_seconds);
int streak_of(const std::vector<RedStreak>& s, int pid, uint64_t start_ticks);

// Processes frozen or isolated (either or both: one action) in the last 24 h.
int actions_in_24h(const std::vector<ContainmentRecord>& records, int64_t now);
// The newest record of this process with this action ("" = any), or nullptr.
const ContainmentRecord* last_record(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks,
                                     const std::string& action = "");
// A verdict record ("none": not contained and why; "observe": what would be done) is said once
// per process: true when the process's newest record of the same action says the same. Orders
// carried out in between do not make it news.
bool verdict_already_said(const std::vector<ContainmentRecord>& records, const ContainmentRecord& verdict);
// What a message reports: the last 24 h, newest first, at most `max`.
std::vector<ContainmentRecord> records_to_report(const std::vector<ContainmentRecord>& records, int64_t now, size_t max);

ContainState parse_contain_state(std::string_view text, int64_t now);
std::string format_contain_state(const ContainState& s, int64_t now);

}  // namespace mr
