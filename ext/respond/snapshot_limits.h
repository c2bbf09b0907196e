// The bounds of one evidence snapshot (issue 11): a snapshot must never hurt the host it
// documents, nor fill its disk, nor take longer than a client cycle can spare.
#pragma once
#include <cstddef>
#include <cstdint>

namespace mr {

struct SnapshotLimits {
    double wall_seconds = 10;                 // everything not done by then is recorded as skipped
    size_t text_bytes = 1u << 20;             // per text artefact; longer ones are truncated
    uint64_t total_bytes = 96ull << 20;       // all files together
    uint64_t exe_bytes = 64ull << 20;         // larger executables are not copied
    uint64_t region_bytes = 64ull << 20;      // memory regions larger than this are not read
    uint64_t memory_bytes = 256ull << 20;     // memory read in all
    size_t max_ioc_hits = 200;                // memory hits kept
    size_t max_listing_entries = 5000;        // per stat-only directory listing
    size_t max_fds = 4096;                    // fd links recorded per process
    size_t max_threads = 1024;                // per-thread stat files
    int max_ancestors = 64;
};

}  // namespace mr
