// Drives incidents and SIEM events from the worker: each scored report moves the host's
// incident on (incident/lifecycle.h) and is stored (incident/incident_store.h); the events it
// makes (status change, findings, incident timeline) go out as ECS lines (siem/). Events that
// other xymond channels saw (paged, acknowledged, disabled/enabled; see xymond_miningrisk
// --incident-events) are read from the store's events file and join the host's open incident.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "incident/incident_store.h"
#include "model/evidence.h"
#include "incident/lifecycle.h"
#include "siem/siem_output.h"
#include "util/expected.h"

namespace mr {

struct ScoredReport {
    std::string host, config_class;
    int64_t time = 0;                 // the client's report time
    int interval = 300;
    Color color = Color::green;
    bool visibility_full = true;
    const std::vector<Finding>* findings = nullptr;
    const RecoveryFacts* recovery = nullptr;   // the client's [recovery] section; null = none
    const std::vector<SnapshotRecord>* snapshots = nullptr;  // [snapshots]: the exe sha256 of a process
    const std::vector<ContainmentRecord>* containment = nullptr;  // [containment]: what was done
    std::string headline;
    std::string agent, ioc_version;
};

struct IncidentLink {
    std::string id;                   // "" when the host has no open or recently recovered incident
    std::string status;               // Incident::status_text()
    // An unclean cycle that only the host's [recovery] facts show (an incident trace left, huge
    // pages or msr not back): the column is yellow with it, not green.
    std::string recovery_warning;
};

// How long the column keeps showing "recovered at ..." after an incident closed.
constexpr int64_t kRecoveredShownSeconds = 24 * 3600;

class IncidentDriver {
public:
    IncidentDriver(std::string incidents_dir, std::string siem_config_path);
    ~IncidentDriver() { flush_memos(); }
    IncidentDriver(const IncidentDriver&) = delete;
    IncidentDriver& operator=(const IncidentDriver&) = delete;
    // Loads the incidents and host memory; the reason (logged by the caller) when the directory is unusable.
    Status init();
    // Re-reads the SIEM config when it changed; a broken one keeps the previous settings.
    void maybe_reload_config(std::time_t now);
    IncidentLink observe(const ScoredReport& r, const IncidentSettings& settings);
    // Merges the events other channels appended since the last call.
    void poll_side_events();
    // Writes the host memory and the open incidents' counters if they changed (observe() does
    // it at most every few seconds; the destructor and shutdown call it).
    void flush_memos();
    // Log lines (I/O failures) for the caller's log, taken once.
    std::vector<std::string> take_log();
    bool enabled() const { return enabled_; }

private:
    void emit_timeline_delta(const Incident& inc, const std::vector<TimelineEvent>& before, const ScoredReport* r);
    void save(const Incident& inc, bool durable);
    void maybe_save_memos();
    void flush();

    IncidentStore store_;
    std::string siem_path_;
    bool enabled_ = false;
    std::map<std::string, Incident> open_;
    std::map<std::string, IncidentLink> recovered_;   // the last closed incident per host (recent)
    std::map<std::string, int64_t> recovered_at_;
    std::map<std::string, HostMemo> memos_;
    uint64_t events_offset_ = 0;
    SiemOutput siem_;
    long long siem_mtime_ = -1;
    std::time_t last_config_check_ = 0;
    std::vector<SiemRecord> pending_;
    bool memos_dirty_ = false;
    std::set<std::string> dirty_hosts_;   // open incidents whose counters changed since their last save
    std::time_t memos_saved_ = 0;
    std::vector<std::string> log_;
};

}  // namespace mr
