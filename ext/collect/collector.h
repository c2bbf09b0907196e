// One pass over /proc (and a few host files) into a Snapshot. All paths come from the options
// so unit tests run on fixture trees; nothing here decides what is suspicious (see detect.h).
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace mr {

struct CollectOptions {
    std::string proc_root = "/proc";
    std::string sys_root = "/sys";                     // for /sys/module/msr
    std::string ld_so_preload = "/etc/ld.so.preload";
    // CPU over the cycle: the previous run's counters live here (keyed by pid + start time so a
    // reused pid starts afresh). Empty: no state, always sample.
    std::string state_file;
    // With no usable earlier state, CPU is measured over a short sample of this length.
    double sample_seconds = 1.0;
    bool read_threads = true;
    bool read_sockets = true;
    bool sweep_hidden_pids = true;   // compare kill(pid,0) with the listing (real /proc only)
    // Faster kernel interfaces for the real /proc, each with the text files as fallback: the
    // collector's own network namespace through sock_diag netlink instead of /proc/net/*, and
    // uid + cgroup id through PIDFD_GET_INFO instead of /proc/PID/status. Off: text only.
    bool use_sock_diag = true;
    bool use_pidfd_info = true;
    // Reuse a process's socket inodes from the last cycle when its fd count is unchanged
    // (state_file + ".fds"; real /proc only; see fd_cache.h).
    bool reuse_fd_scan = true;
    // The fd count from st_size of /proc/PID/fd (Linux 6.2+) when the kernel gives it; false:
    // always count by listing the directory, as older kernels must (for tests and benchmarks).
    bool fd_count_from_size = true;
};

Snapshot collect(const CollectOptions& opt);

}  // namespace mr

namespace mr {

// Reads /proc/PID/environ (bounded) for the processes worth a closer look: those using at least
// `min_cores`, or running from a deleted, memfd or temporary/hidden location. The environment
// of every process would cost a read per process per cycle for little gain. Only the entries
// `keep` accepts are stored: after a deploy, thousands of workers can run a deleted binary, and
// their whole environments would cost tens of megabytes.
void read_candidate_environments(Snapshot& snap, const std::string& proc_root,
                                 const std::function<bool(std::string_view)>& keep, double min_cores = 0.1);

}  // namespace mr
