// Host-wide facts: CPU totals, ld.so.preload, huge pages, the msr module (miners use it to
// tune the CPU), and processes the kernel knows but the /proc listing does not show.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "collect/collect_options.h"
#include "model/model.h"
#include "collect/proc_parse.h"

namespace mr {

// Fills cores, CPU totals (cpu_total_ticks / cpu_busy_ticks), ld.so.preload, hugepages, msr.
// `totals` gets the raw /proc/stat reading (false when unreadable).
bool read_host_facts(const CollectOptions& opt, HostFacts& out, CpuTotals& totals);

// Busy cores between two /proc/stat readings: the busy share of all ticks times the CPUs.
double host_busy_cores(const CpuTotals& before, const CpuTotals& after, int cores);

// Pure core of the hidden-pid sweep: pids in [1, limit] for which `alive` is true but that are
// not in `listed` (sorted ascending).
std::vector<int> hidden_pid_candidates(const std::vector<int>& listed, int limit,
                                       const std::function<bool(int)>& alive);

// The sweep on the real /proc: pids missing from the getdents listing for which kill(pid, 0)
// succeeds (EPERM counts as alive); each candidate is re-checked against a fresh listing (a
// process born during the scan is not hidden) and must be a thread-group leader when its
// /proc/PID/status is readable (a thread id answers kill() and lookups too). Bounded by pid_max and by the highest pid allocated so far plus a margin.
std::vector<int> sweep_hidden_pids(const std::string& proc_root, const std::vector<int>& listed);

}  // namespace mr

namespace mr {

// CAP_DAC_READ_SEARCH (2) and CAP_SYS_PTRACE (19): what reading every /proc/PID/exe and fd needs.
bool has_scan_capabilities(uint64_t cap_eff);

// Whether the scan saw everything. Without root or the capabilities, or when exe/fd links of
// many processes could not be read, visibility is limited and `reasons` says why and how to fix.
// `user_procs`: processes that are not kernel threads.
Visibility assess_visibility(bool root, bool caps, int unreadable_exe, int unreadable_fd,
                             int user_procs);

}  // namespace mr
