// What the client tells the server about one evidence snapshot (issue 11): enough to prove later
// what was saved (the manifest's sha256, chained to the previous one) and to act on it (process
// tree, hashes, persistence, what was skipped), so the record survives the host being wiped.
// Plain data; every string came from the monitored host and is attacker-controlled.
#pragma once
#include <cstdint>
#include <string>

namespace mr {

struct SnapshotRecord {
    std::string id;               // the evidence directory's name: HOST-YYYYmmddTHHMMSSZ-PID
    int64_t time = 0;             // unix seconds when it was taken
    int pid = 0;
    uint64_t start_ticks = 0;     // with pid: which process
    std::string comm;
    std::string exe;
    std::string sha256;           // of the original executable bytes ("" when not copied)
    std::string manifest_sha256;  // sha256 of manifest.json
    std::string prev_manifest;    // sha256 of the previous snapshot's manifest.json ("" = first)
    int files = 0;
    uint64_t bytes = 0;
    double seconds = 0;           // wall time it took
    std::string trigger;          // "first red", "by hand", "order ID"
    std::string tree;             // "1 systemd > 512 bash > 4316 xmrig"
    std::string persistence;      // "; "-joined items found (FILE:LINE: text)
    std::string skipped;          // "; "-joined artefacts left out and why
    int ioc_hits = 0;             // memory hits kept
    std::string hits;             // the first few, "kind value @region+offset; ..."
    std::string status = "ok";    // "ok", or what failed
};

// One containment step on a process (issue 11, section 2): done, refused, planned (observe) or
// off (a key missing), with the reason the drill-down page shows.
struct ContainmentRecord {
    int64_t time = 0;
    int pid = 0;
    uint64_t start_ticks = 0;
    std::string comm;
    std::string action;           // freeze, thaw, observe, none
    std::string result;           // done, failed, refused, planned, off
    std::string method;           // cgroup2, cgroup1-freezer, SIGSTOP
    std::string reason;
    std::string by = "policy";    // policy, or the operator's name
    std::string order;            // the order id, if any
    std::string pids;             // the tree acted on, "4316,4320"
    double ms = 0;                // until frozen
    uint64_t cpu_ticks = 0;       // freeze: the tree's CPU time when frozen (the next cycle checks it)
};

}  // namespace mr
