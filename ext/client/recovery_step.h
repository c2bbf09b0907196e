// The client's part of verified recovery (issue 11, section 3). While the client keeps evidence
// snapshots (its state: the last 7 days), each cycle asks the root helper
// (miningrisk-snapshot --recovery-check, through sudo) whether the traces those snapshots
// recorded are still on the host (respond/trace_check.h), adds the huge pages and msr module now
// and before the incident, and sends it all as the [recovery] section. "Before" is the tuning
// the client saw on its last cycle with no red finding and no snapshot kept (a small state
// file); unknown when the client never saw such a cycle (then not judged).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/evidence.h"
#include "model/model.h"
#include "model/recovery.h"

namespace mr {

struct RecoveryOptions {
    std::string helper = "/usr/lib/xymon/client/ext/miningrisk-snapshot";
    bool use_sudo = true;
    std::string host;             // Xymon host name, with dots
    std::string tuning_file;      // $XYMONTMP/miningrisk-tuning.state; "" = no baseline kept
    double timeout = 10;
};

HostTuning tuning_of(const HostFacts& h);

// The baseline to keep after this cycle (pure): the tuning now while nothing is going on (no
// snapshot kept, no red finding), else the saved one.
HostTuning next_baseline(const HostTuning& saved, const HostTuning& now, bool snapshots_kept, bool red);

// The facts to send, or none when there is nothing to verify (no snapshot kept). A helper that
// cannot run yields one "cannot verify" item with its error: such a cycle is never clean.
std::optional<RecoveryFacts> recovery_step(const RecoveryOptions& opt, const std::vector<SnapshotRecord>& snapshots,
                                           const HostFacts& host, bool red);

}  // namespace mr
