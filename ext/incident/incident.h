// An incident: one host's miner episode from its first red to its recovery, with the processes
// it gathered, a timeline open to events of any source, and the settings its impact is worked
// out with. Plain data; the lifecycle, the state file, the exports and the pages work on it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/findings.h"

namespace mr {

// One line of the timeline. `source` says who saw it: "client" (times the host reported: process
// start, executable mtime/ctime), "worker" (colour changes, clean cycles, recovery), "xymond"
// (paged, acknowledged, disabled/enabled); other sources (e.g. "respond": snapshots,
// containment) slot in with their own kinds.
struct TimelineEvent {
    int64_t time = 0;          // unix seconds, UTC
    std::string source;
    std::string kind;          // short id: first_red, process_start, acknowledged, clean_cycle, ...
    std::string text;          // may hold host text: escape on output
    bool operator==(const TimelineEvent& o) const {
        return time == o.time && source == o.source && kind == o.kind && text == o.text;
    }
};

// Sorted on time; events at the same second keep the order they were added in.
void sort_timeline(std::vector<TimelineEvent>& events);

// One process life (pid + start ticks) that was a red or yellow finding during the incident.
struct IncidentProcess {
    int pid = 0;
    uint64_t start_ticks = 0;
    int64_t start_time = 0;
    std::string comm, exe, user, parent_comm, pool, sha256;
    std::vector<std::string> parent_chain;
    std::vector<std::string> argv;
    std::vector<std::string> signals;     // signal ids seen on it
    Color worst = Color::yellow;
    int64_t first_seen = 0, last_seen = 0;
    double cpu_seconds = -1;              // last reported CPU seconds since start; -1 unknown
    double estimated_core_seconds = 0;    // cores x cycle, summed: used when cpu_seconds is unknown
    int64_t exe_mtime = 0, exe_ctime = 0;
    bool operator==(const IncidentProcess& o) const;
};

// Energy and money per vCPU; defaults are Cloud Carbon Footprint's published averages.
struct ImpactSettings {
    double idle_watts = 0.74;        // per vCPU
    double busy_watts = 3.5;         // per vCPU at 100 %
    double pue = 1.135;
    double price_kwh = 0;            // money per kWh; 0 = not configured
    double price_vcpu_hour = 0;      // cloud hosts: money per vCPU-hour; 0 = not configured
    std::string currency = "EUR";
    bool operator==(const ImpactSettings& o) const;
};

struct IncidentSettings {
    int clean_cycles = 12;           // clean cycles in a row that make a host recovered
    ImpactSettings impact;
};

enum class IncidentState { open, recovering, recovered };
const char* to_string(IncidentState s);
bool parse_incident_state(const std::string& s, IncidentState& out);

struct Incident {
    std::string id;                  // incident_id(host, opened)
    std::string host;
    std::string config_class;
    int64_t opened = 0;              // client report time of the first red
    int64_t first_yellow = 0;        // start of the yellow that led to it; 0 = none
    int64_t closed = 0;              // recovered at; 0 while open
    int64_t last_report = 0;
    IncidentState state = IncidentState::open;
    int clean_cycles = 0;            // clean cycles in a row now
    int clean_needed = 12;
    int relapses = 0;
    int cycles = 0;                  // client reports seen
    std::string last_unclean;        // why the last unclean cycle was not clean ("" = none since the relapse)
    int verified_clean = 0;          // of clean_cycles, those the client verified ([recovery] section)
    bool paged = false;              // the first page is on the timeline
    ImpactSettings impact;
    std::vector<IncidentProcess> processes;
    std::vector<TimelineEvent> timeline;
    std::string lessons;             // the engineer's text (kept in its own file beside the state)
    bool operator==(const Incident& o) const;

    bool is_open() const { return state != IncidentState::recovered; }
    // "recovering: 3 of 12 clean cycles", "recovered at 2026-12-03 06:15 UTC", "open since ...";
    // the reason of the last unclean cycle follows in brackets when there is one.
    std::string status_text() const;
    IncidentProcess* find_process(int pid, uint64_t start_ticks);
};

// Stable across restarts and servers: the host and the first red's time,
// "web01-20261203T061500Z". Host names are [A-Za-z0-9._-] (pages refuse others).
std::string incident_id(const std::string& host, int64_t first_red);

// "2026-12-03 06:15:00 UTC"
std::string utc_time(int64_t t);
// "2026-12-03T06:15:00.000Z" (ECS @timestamp, JSON exports)
std::string iso_utc(int64_t t);

}  // namespace mr
