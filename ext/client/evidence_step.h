// The client's part of the evidence snapshot (issue 11): after detection, the worst red process
// that has no snapshot yet (respond/snapshot_trigger.h) is handed to the root helper, and the
// snapshots of the last 24 h go into the message. Several red processes get theirs in one
// cycle while its snapshot budget (`timeout`, about 13 s) lasts; the rest wait a cycle.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/evidence.h"
#include "model/findings.h"
#include "model/model.h"

namespace mr {

struct EvidenceOptions {
    bool enabled = true;
    std::string helper = "/usr/lib/xymon/client/ext/miningrisk-snapshot";
    bool use_sudo = true;        // false when the client itself runs as root
    std::string state_file;      // $XYMONTMP/miningrisk-snapshots.state; "" = no state (no automatic snapshot)
    std::string host;            // Xymon host name, with dots
    double timeout = 13;         // budget of one cycle's snapshots; each helper run gets what is left
};

// Runs the helper for one process; the record says what happened (status != "ok" on failure).
SnapshotRecord run_snapshot_helper(const EvidenceOptions& opt, int pid, uint64_t start_ticks,
                                   const std::string& trigger);

// Takes the snapshot that is due (if any), records it in the state file, and returns the
// snapshots to report in this cycle's message.
std::vector<SnapshotRecord> evidence_step(const EvidenceOptions& opt, const std::vector<Finding>& findings,
                                          const Snapshot& snap, int64_t now);

// Every snapshot in the state file (7 days): containment needs to know one was taken.
std::vector<SnapshotRecord> all_snapshots(const EvidenceOptions& opt, int64_t now);

// Adds a record to the state file (a snapshot taken by hand is reported by the next cycle).
void remember_snapshot(const EvidenceOptions& opt, const SnapshotRecord& rec, int64_t now);

}  // namespace mr
