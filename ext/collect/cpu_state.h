// CPU counters carried from one client cycle to the next, so CPU is measured over the whole
// cycle instead of a short sample. Keyed by (pid, start ticks) and (tid, start ticks): a reused
// pid is a different process and never inherits the old counters. The file is plain text,
// written to a temp file and renamed; a missing or corrupt file simply means "no state".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace mr {

struct CpuThreadEntry {
    int tid = 0;
    uint64_t start_ticks = 0;
    uint64_t cpu_ticks = 0;
};

struct CpuProcEntry {
    int pid = 0;
    uint64_t start_ticks = 0;
    uint64_t cpu_ticks = 0;
    uint32_t first_thread = 0;   // index into CpuState::threads
    uint32_t thread_count = 0;   // 0: threads not recorded
};

struct CpuState {
    std::string boot_id;         // a reboot invalidates every counter
    double uptime = 0;           // seconds since boot when taken
    uint64_t host_total_ticks = 0, host_busy_ticks = 0;
    std::vector<CpuProcEntry> procs;      // sorted by pid (finish() sorts)
    std::vector<CpuThreadEntry> threads;

    void add_proc(int pid, uint64_t start, uint64_t ticks);
    // Threads of the process added last.
    void add_thread(int tid, uint64_t start, uint64_t ticks);
    void finish();   // sorts procs by pid; call before find()

    const CpuProcEntry* find(int pid, uint64_t start_ticks) const;
    const CpuThreadEntry* find_thread(const CpuProcEntry& p, int tid, uint64_t start_ticks) const;
};

std::string serialize_cpu_state(const CpuState& st);
// False (and `out` unusable) on any malformed line: a corrupt file is no state.
bool parse_cpu_state(std::string_view text, CpuState& out);

bool load_cpu_state(const std::string& path, CpuState& out);
// temp file + rename, so a reader never sees half a file.
Status save_cpu_state(const std::string& path, const CpuState& st);

// Ticks used since `prev` (0 when the counter went backwards).
inline uint64_t ticks_since(uint64_t now, uint64_t prev) { return now > prev ? now - prev : 0; }

// Share of one core: ticks over (clock ticks per second x seconds). 0 for a non-positive span.
double cores_used(uint64_t delta_ticks, long hz, double seconds);

// The span a counter without a baseline was accumulated over: a process that started after
// the baseline was taken used all of its ticks since its start, so its age (floored at one
// second, against dividing by nothing) when that is shorter than the interval; the interval
// otherwise. Returns a negative number when the process is older than the baseline and so
// has no usable delta.
double span_without_baseline(double interval, double now_uptime, double baseline_uptime,
                             uint64_t start_ticks, long hz);

// ---- One process's and one thread's CPU over the cycle (pure: counters in, cores out) ----

// What this cycle's counters are measured against.
struct CpuBaseline {
    const CpuState* base = nullptr;  // null: no baseline at all (no state, no sample)
    double interval = 0;             // seconds between the baseline and now
    double now_uptime = 0;           // seconds since boot now
    long hz = 100;                   // clock ticks per second
};

struct ProcessCpu {
    const CpuProcEntry* prev = nullptr;  // its own baseline entry (same pid and start time)
    double cores = 0;
    // It ran since the baseline; without an entry of its own, it ran at all. Its threads are
    // worth reading then.
    bool used_cpu = false;
};

// A process with an entry of its own uses its delta over the interval; a process without one
// (new, or a reused pid: another start time) all its ticks over its age when it started after
// the baseline, and counts as 0 cores when it is older (its share is unknown).
ProcessCpu process_cpu(const CpuBaseline& b, int pid, uint64_t start_ticks, uint64_t cpu_ticks);

struct ThreadCpu {
    double cores = 0;
    bool needs_sample = false;  // older than the baseline without an entry: unknown share
};

// The same for a thread of the process whose baseline entry is `prev` (null: none).
ThreadCpu thread_cpu(const CpuBaseline& b, const CpuProcEntry* prev, int tid, uint64_t start_ticks,
                     uint64_t cpu_ticks);

}  // namespace mr
