// "Is this cycle clean?": the one place that decides whether a host's report counts towards its
// recovery (issue 11, section 3: verified recovery). A cycle is clean when
//   - the scored report has no red or yellow finding and no pool connection (any namespace:
//     the client reads every network namespace's sockets), and the client could see everything;
//   - and, when the client sent its [recovery] facts: the incident's exe sha256 runs in no
//     process and sits at none of the paths its snapshots recorded, every persistence item the
//     snapshots found is gone, and huge pages and the msr module are back as before the incident
//     (not above it). A trace that could not be checked makes the cycle unclean too ("cannot
//     verify ...").
// A client without the [recovery] section (older than this, or no snapshot was taken) is judged
// by the first point only; `verified` says which it was.
// A relapse is the miner back: a red finding, a pool connection, or the sha256 running again.
// It reopens the incident; other unclean cycles only reset the count.
#pragma once
#include <string>
#include <vector>

#include "model/findings.h"
#include "model/recovery.h"

namespace mr {

struct CycleView {
    const std::vector<Finding>* findings = nullptr;  // after the server's policy
    bool visibility_full = true;
    const RecoveryFacts* recovery = nullptr;         // the client's [recovery] section; null = none
    // The exe sha256s of the incident's processes: traces recorded for other executables (a
    // snapshot of a process the policy allows) are not this incident's. Empty = keep all.
    std::vector<std::string> incident_sha256;
};

struct CycleVerdict {
    std::string reason;     // empty when clean; else why not, e.g. "red finding xmrig (pid 4316)"
    bool relapse = false;   // the miner is back (reopens the incident)
    bool verified = false;  // the host's traces were checked (a [recovery] section came)
    // The reason comes from the recovery facts alone (no finding says it): the column must be
    // at least yellow with it, never green.
    bool from_recovery = false;
    bool clean() const { return reason.empty(); }
};

CycleVerdict judge_cycle(const CycleView& c);

inline std::string unclean_reason(const CycleView& c) { return judge_cycle(c).reason; }
inline bool is_clean_cycle(const CycleView& c) { return judge_cycle(c).clean(); }

}  // namespace mr
