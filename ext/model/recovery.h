// What the client found on the host this cycle about the incident's traces (issue 11, section 3,
// verified recovery): for each exe sha256, path and persistence item its evidence snapshots
// recorded, whether it is still there; and the huge pages and msr module now and before the
// incident. The client sends it as the [recovery] section (xymon/recovery_codec.h); the server's
// clean-cycle judgement (incident/clean_cycle.h) reads it. Every string came from the host.
#pragma once
#include <string>
#include <vector>

namespace mr {

enum class TracePresence { gone, present, unknown };  // unknown: could not be checked

struct RecoveryItem {
    std::string kind;     // "running" (the sha256 in a process), "file" (the exe at a recorded
                          // path), "persistence" (FILE: line), or another check's name
    std::string what;     // the sha256, the path, "FILE: line"
    TracePresence presence = TracePresence::unknown;
    std::string detail;   // "pid 4316", or why it could not be checked
    std::string of;       // the exe sha256 of the snapshot that recorded it ("" = not known)
};

// Huge pages and the msr module: -1 = unknown. msr: 0 not loaded, 1 loaded, 2 loaded and
// allow_writes on (what miners switch on).
struct HostTuning {
    long hugepages = -1;
    int msr = -1;
};

struct RecoveryFacts {
    std::vector<RecoveryItem> items;
    HostTuning now, before;   // before: the last client cycle without a red, before the snapshot
};

const char* to_string(TracePresence p);
const char* msr_text(int msr);  // "not loaded", "loaded", "loaded with allow_writes", "unknown"

}  // namespace mr
