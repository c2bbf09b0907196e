// The incident lifecycle, pure: each scored client report of a host moves its incident on.
//   - the first red opens an incident (id from host + that report's time);
//   - while open, every red/yellow finding joins it (one entry per process life: pid + start);
//   - a clean cycle (clean_cycle.h) counts "recovering: K of N"; N in a row close it
//     ("recovered"). A relapse (red, a pool connection, the exe sha256 running again) reopens
//     it (state open, count 0); any other unclean cycle (a yellow finding, a trace of the
//     incident still on the host, huge pages or msr not back) resets the count and is kept as
//     the "last unclean cycle" reason.
// Events of other sources (xymond's acks, Respond's actions) are added with add_event().
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "incident/clean_cycle.h"
#include "incident/incident.h"
#include "model/evidence.h"

namespace mr {

// What the worker remembers of a host between reports (kept in a state file too).
struct HostMemo {
    Color last_color = Color::clear;
    bool known = false;              // last_color is from a report
    int64_t first_yellow = 0;        // start of the current yellow streak before any red
    int64_t last_change = 0;
};

struct CycleInput {
    std::string host, config_class;
    int64_t time = 0;                // the client's report time
    int interval = 300;
    Color color = Color::green;      // the column's colour after the policy
    bool visibility_full = true;
    const std::vector<Finding>* findings = nullptr;  // after the policy
    const RecoveryFacts* recovery = nullptr;         // the client's [recovery] section; null = none
    const std::vector<ContainmentRecord>* containment = nullptr;  // [containment]; null = none
};

struct LifecycleResult {
    bool changed = false;            // the incident must be saved
    bool opened = false, closed = false, relapsed = false, clean_cycle = false;
    bool color_changed = false;
    CycleVerdict verdict;                // the clean-cycle judgement (empty reason: clean or just opened)
    Color previous_color = Color::clear;
    std::vector<size_t> new_processes;   // indices into Incident::processes
};

// Moves `open` (the host's open incident, or none) on by one report. On close, `open` keeps
// the closed incident for the caller to store; the next red then opens a new one.
LifecycleResult advance(std::optional<Incident>& open, HostMemo& memo, const CycleInput& in,
                        const IncidentSettings& settings);

// Adds an event of any source; false when it is already there (the same time, source, kind, text):
// merged events (acks, process starts, containment records) are reported more than once.
bool add_event(Incident& inc, TimelineEvent ev);
// Adds one cycle's own event even when an identical one is there: two cycles in the same second
// may say the same words ("clean cycle 1 of 3" before and after a reset), and each counts.
bool add_cycle_event(Incident& inc, TimelineEvent ev);

// Caps: an incident is a report, not an archive.
constexpr size_t kMaxIncidentProcesses = 200;
constexpr size_t kMaxTimelineEvents = 2000;

}  // namespace mr
