// A process's real uid and cgroup id through a pidfd (PIDFD_GET_INFO, Linux 6.13+): one ioctl
// instead of having the kernel format all of /proc/PID/status (~12 us) for one number, and a
// cgroup id that lets /proc/PID/cgroup be read once per cgroup instead of once per process.
// Older kernels answer ENOTTY once, and the reader switches itself off.
#pragma once
#include <cstdint>

#include "collect/proc_reader.h"

namespace mr {

struct PidfdInfo {
    uint32_t ruid = 0;
    uint64_t cgroup_id = 0;   // 0: unknown (no unified hierarchy)
};

class PidfdReader {
public:
    // Only for the real /proc of our own pid namespace: pids must mean the same to both.
    explicit PidfdReader(bool enabled) : enabled_(enabled) {}
    bool enabled() const { return enabled_; }
    // Opens a pidfd for `pid` (kept in `pidfd` for a later re-check) and reads its info.
    bool open(int pid, Fd& pidfd, PidfdInfo& out);
    // Reads the info again through an open pidfd.
    bool read(const Fd& pidfd, PidfdInfo& out);

private:
    bool enabled_;
};

// True when `proc_root` is the procfs of the caller's pid namespace (/proc/self is our pid).
bool proc_is_own_pid_namespace(const char* proc_root);

}  // namespace mr
