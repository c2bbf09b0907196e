// Freezing a process tree (issue 11, containment), the I/O side, run as root by
// miningrisk-contain: the tree (the process and its descendants, never its parent service) moves
// into a cgroup of its own that is frozen: cgroup v2 `cgroup.freeze` when a cgroup2 hierarchy is
// mounted, else the v1 freezer, else SIGSTOP as the last resort (which `kill -CONT` undoes: the
// result says which was used). Success is checked: frozen within 2 s and no CPU time gained.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/expected.h"

namespace mr {

struct FreezeResult {
    bool ok = false;
    std::string method;        // "cgroup2", "cgroup1-freezer", "SIGSTOP"
    std::string cgroup;        // the cgroup directory used, "" for SIGSTOP
    std::string error;
    double ms = 0;             // until the kernel reported the tree frozen
    std::vector<int> pids;     // the tree
};

struct FreezerPaths {
    std::string proc_root = "/proc";
    std::string cgroup2;       // mount point of the cgroup2 hierarchy ("" = none)
    std::string freezer_v1;    // mount point of the v1 freezer ("" = none)
};
// From /proc/mounts.
FreezerPaths find_freezers(const std::string& proc_root = "/proc");

// The process and its descendants (through /proc/PID/task/*/children), pid first.
std::vector<int> process_tree(const std::string& proc_root, int pid);
// utime + stime of the tree's processes, in clock ticks.
uint64_t tree_cpu_ticks(const std::string& proc_root, const std::vector<int>& pids);

// Makes directory `dir` (a cgroup, its parent made too) and moves `pids` into it, unfrozen
// (isolation on its own uses this); fails if a live process could not be moved.
Status move_tree_into(const std::string& dir, const std::vector<int>& pids);

// The cgroup name of one frozen process life: CGROUP2/miningrisk/NAME or FREEZER_V1/miningrisk-NAME.
std::string group_name(int pid, uint64_t start_ticks);

FreezeResult freeze_tree(const FreezerPaths& paths, int pid, uint64_t start_ticks);
// Thaws what freeze_tree froze for this process (whichever method it used).
FreezeResult thaw_tree(const FreezerPaths& paths, int pid, uint64_t start_ticks);

}  // namespace mr
