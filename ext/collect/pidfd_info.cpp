#include "collect/pidfd_info.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace mr {

namespace {
// From linux/pidfd.h (6.13); Debian 12's headers predate it. The first version of the struct
// (64 bytes): the kernel fills what the size in the request number asks for.
struct KernelPidfdInfo {
    uint64_t mask;
    uint64_t cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    uint32_t spare0[1];
};
static_assert(sizeof(KernelPidfdInfo) == 64, "PIDFD_INFO_SIZE_VER0");
constexpr unsigned long kPidfdGetInfo = _IOWR(0xFF, 11, KernelPidfdInfo);
constexpr uint64_t kInfoCreds = 1u << 1;
constexpr uint64_t kInfoCgroupId = 1u << 2;
}  // namespace

bool PidfdReader::read(const Fd& pidfd, PidfdInfo& out) {
    if (!enabled_ || !pidfd.ok()) return false;
    KernelPidfdInfo k{};
    k.mask = kInfoCreds | kInfoCgroupId;
    if (::ioctl(pidfd.get(), kPidfdGetInfo, &k) != 0) {
        if (errno == ENOTTY || errno == EINVAL || errno == ENOSYS) enabled_ = false;
        return false;
    }
    if (!(k.mask & kInfoCreds)) return false;
    out.ruid = k.ruid;
    out.cgroup_id = (k.mask & kInfoCgroupId) ? k.cgroupid : 0;
    return true;
}

bool PidfdReader::open(int pid, Fd& pidfd, PidfdInfo& out) {
    if (!enabled_) return false;
#ifdef SYS_pidfd_open
    pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.ok()) {
        if (errno == ENOSYS) enabled_ = false;
        return false;
    }
    return read(pidfd, out);
#else
    enabled_ = false;
    return false;
#endif
}

bool proc_is_own_pid_namespace(const char* proc_root) {
    std::string path = std::string(proc_root) + "/self";
    char buf[32];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    if (n <= 0) return false;
    buf[n] = 0;
    return std::to_string(::getpid()) == buf;
}

}  // namespace mr
