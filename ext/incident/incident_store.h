// Incidents on disk: one state file per incident (ID.state, written atomically), the engineer's
// lessons-learned text beside it (ID.lessons.txt, created from the checklist when the incident
// opens and never overwritten), the worker's per-host memory (hosts.state) and the events other
// xymond channels report (xymond-events.log, appended one kv line per event; the worker reads
// it from the offset it has reached). Default directory /var/lib/xymon/miningrisk/incidents.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "incident/incident.h"
#include "incident/lifecycle.h"
#include "util/expected.h"

namespace mr {

constexpr const char* kIncidentDir = "/var/lib/xymon/miningrisk/incidents";

// An event from the page or enadis channel, for the host's open incident.
struct HostEvent {
    std::string host;
    TimelineEvent event;
};

class IncidentStore {
public:
    explicit IncidentStore(std::string dir) : dir_(std::move(dir)) {}
    const std::string& dir() const { return dir_; }

    // Creates the directory if needed; the reason when it cannot be used.
    Status prepare() const;
    // Every incident in the directory (a file that does not parse is skipped and named in `warnings`).
    std::vector<Incident> load_all(std::vector<std::string>* warnings = nullptr) const;
    Expected<Incident> load(const std::string& id) const;
    // Writes ID.state atomically, and ID.lessons.txt from the checklist when it does not exist.
    // durable=false skips the fsyncs (still atomic): for the routine updates between the
    // moments that matter (opened, relapse, closed).
    Status save(const Incident& inc, bool durable = true) const;
    std::string lessons_path(const std::string& id) const { return dir_ + "/" + id + ".lessons.txt"; }
    std::string state_path(const std::string& id) const { return dir_ + "/" + id + ".state"; }

    std::map<std::string, HostMemo> load_memos() const;
    Status save_memos(const std::map<std::string, HostMemo>& memos, uint64_t events_offset) const;
    uint64_t saved_events_offset() const;

    // Appends one event line (the page/enadis side of the worker). One write(2) with O_APPEND.
    Status append_event(const HostEvent& e) const;
    // The events after `offset` (complete lines only); `offset` moves past them. A file that
    // shrank (rotated) is read from its start.
    std::vector<HostEvent> read_events(uint64_t& offset) const;

private:
    std::string dir_;
};

// Host names become file names: [A-Za-z0-9._-], not starting with '.'.
bool safe_id(const std::string& id);

}  // namespace mr
