// What one collection reads and how: the paths (fixture trees in tests), the CPU state file and
// which kernel interfaces to use. Its own header so that the collector's parts (host facts, CPU
// state) take the options without including the collector.
#pragma once
#include <string>

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

}  // namespace mr
