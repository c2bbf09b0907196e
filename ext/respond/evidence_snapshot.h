// Takes one evidence snapshot of a process (issue 11, section 1): the I/O side. Reads the
// suspect, its threads and its ancestors under a proc root, the executable through
// /proc/PID/exe (works when deleted or memfd; stored byte-swapped), IOC hits in its readable
// memory (never the memory itself), its network namespace's sockets mapped to its fds, and the
// host context (cron, recently changed systemd units, authorized_keys, ld.so.preload, huge
// pages, msr, stat-only listings of /tmp, /var/tmp, /dev/shm and its cwd) under a root path.
// Writes them with manifest.json and SHA256SUMS into a new 0700 directory. Never ptraces, never
// follows a symlink of the host's files, never reads a network file system; stops at the wall
// bound and records what it left out.
#pragma once
#include <cstdint>
#include <string>

#include "model/evidence.h"
#include "respond/snapshot_limits.h"

namespace mr {

class RuleSet;

struct SnapshotRequest {
    std::string proc_root = "/proc";
    std::string root = "/";                 // host files (cron, systemd, passwd) under this root
    std::string evidence_dir = "/var/lib/xymon/miningrisk/evidence";
    std::string host;                        // Xymon host name: part of the directory name
    int pid = 0;
    uint64_t start_ticks = 0;                // 0: not checked
    std::string trigger = "by hand";
    std::string tool = "miningrisk-snapshot";
    SnapshotLimits limits;
    const RuleSet* rules = nullptr;          // IOC lists for the memory scan and persistence
    int64_t now = 0;                         // 0: the clock
};

// The record for the client message; status != "ok" says why nothing (or not all) was taken.
SnapshotRecord take_evidence_snapshot(const SnapshotRequest& req);

// The file in evidence_dir holding the newest manifest's sha256 (the chain's head).
constexpr const char* kChainHeadFile = ".last-manifest";

}  // namespace mr
