// What the miningrisk pages show, worked out from board records: pure, no I/O, no HTML.
#pragma once
#include <ctime>
#include <string>
#include <vector>

#include "xymon/board.h"

namespace mr {

// One host's row on the fleet page / tile on the wall. Text fields are still untrusted.
// Where the host stands after an alarm, against the "clean for N hours" bar incident responders
// use before returning a host to production.
struct CleanStatus {
    enum class Kind {
        Unknown,          // no history to judge from, or the column is clear/purple/blue now
        Alarm,            // red or yellow now
        Watch,            // green, but red/yellow less than bar_hours ago
        CleanEnough,      // green, last red/yellow ended at least bar_hours ago
        NoAlarmOnRecord,  // green, and no red/yellow anywhere in the history file
    };
    Kind kind = Kind::Unknown;
    std::string color;        // current colour
    std::time_t since = 0;    // Watch/CleanEnough: when the last red/yellow ended
    long clean_seconds = 0;   // now - since
    int bar_hours = 24;

    // "clean for long enough", "watch: clean for only 3 h 12 min of 24 h", "not clean: red now", ...
    std::string summary() const;
    // Watch/CleanEnough: "clean since 2026-11-26 22:41 (3 h 12 min); 24 h clean is the usual bar
    // before returning the host to production" ("(over 24 h)" once past the bar); "" otherwise.
    std::string detail() const;
    // CSS class part: "ok", "watch", "alarm", "none", "unknown".
    const char* css() const;
};

struct HostRow {
    std::string host;
    std::string color;
    std::string headline;     // line 1 without the colour word
    std::string process;      // top suspect, e.g. "xmrig (pid 4316, user www-data)"; "" if none
    std::string pool;         // "203.0.113.5:3333" or ""
    double cores = -1;        // suspectcores NCV, else "on N cores" in the headline; -1 unknown
    int score = -1;
    int findings = -1;
    std::time_t since = 0;    // lastchange
    bool acked = false;
    std::string ackmsg;
    CleanStatus clean;        // set by the generator from the history file
    std::string paging;       // red: who alerts.cfg pages, with the rule's line; set by the generator
    std::string paged;        // red, for a wall tile: "Paged: oncall@example.com" or "no paging rule ..."
    std::string incident_id;     // the host's open (else latest) incident; set by the generator
    std::string incident_status; // "recovering: 3 of 12 clean cycles"
};

struct FleetSummary {
    size_t watched = 0;
    size_t red = 0, yellow = 0, purple = 0, clear = 0, blue = 0, green = 0;
    bool all_clear() const { return red + yellow + purple == 0; }
    size_t needing_attention() const { return red + yellow + purple; }
};

// Xymon severity: red 5, yellow 4, purple 3, blue 2, clear 1, green 0, unknown -1.
int color_severity(const std::string& color);

// The value of an NCV line "name : value" in a status body; false when absent.
bool ncv_value(const std::string& message, const std::string& name, double& value);

HostRow make_row(const BoardEntry& e, std::time_t now);

// Rows for `test` only, worst first: colour, then longest in that colour, then most cores, then name.
std::vector<HostRow> fleet_rows(const std::vector<BoardEntry>& board, const std::string& test,
                                std::time_t now);
void sort_worst_first(std::vector<HostRow>& rows);
bool worse_than(const HostRow& a, const HostRow& b);

FleetSummary summarize(const std::vector<HostRow>& rows);

// "45s", "12m", "3h 05m", "2d 4h".
std::string format_duration(long seconds);
// "2026-11-26 22:45" in local time; "-" for 0.
std::string format_time(std::time_t t);
// "2h 05m (since 2026-11-26 22:45)".
std::string since_text(std::time_t since, std::time_t now);
// "1.9" for cores; "" when unknown.
std::string format_cores(double cores);

// ---- Incident follow-up: the evidence Xymon keeps, and "clean for long enough". ----

bool is_alarm_color(const std::string& color);  // red or yellow

// "3 h 12 min", "2 d 4 h", "12 min", "45 s".
std::string human_duration(long seconds);

// `history` newest first (parse_history); `color` and `color_since` are the board's now.
CleanStatus clean_status(const std::string& color, std::time_t color_since,
                         const std::vector<HistoryEvent>& history, bool have_history,
                         std::time_t now, int bar_hours);

// The most recent red/yellow episode that is over (the current one is on the page already);
// nullptr when there is none. The newest event of the file is the current one only when its
// colour is the board's `current_color` (the history worker can lag the board).
const HistoryEvent* last_ended_alarm(const std::vector<HistoryEvent>& history,
                                     const std::string& current_color);

// The name Xymon gives the stored status of a colour change at `t` (local time), which is also
// historylog.sh's TIMEBUF: "Thu_Nov_26_23:00:06_2026", no leading zero on the day
// (xymond_history + lib/timefunc.c histlogtime()).
std::string histlog_time(std::time_t t);
// Xymon's histlogs/ directory for a host: dots become underscores.
std::string histlog_host_dir(const std::string& host);

// A stored status (histlogs/HOST/TEST/TIME): "red headline\nbody" then xymond's own tail
// ("Status unchanged in 0.00 minutes\nMessage received from ...\nClient data ID ..."), cut here.
struct StoredStatus {
    std::string color;
    std::string line1;
    std::string body;
};
bool parse_histlog(const std::string& text, StoredStatus& out);

// A safe file name part for a host: Xymon host names are [A-Za-z0-9._-]; anything else
// (or a name starting with '.') is refused so a page can never be written outside --www.
bool host_file_name_ok(const std::string& host);

}  // namespace mr
