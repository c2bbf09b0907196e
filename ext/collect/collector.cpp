// One pass over /proc into a Snapshot. CPU is a delta against a baseline: the previous cycle's
// state file when it is valid, else a light reading taken sample_seconds earlier.
#include "collect/collector.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "collect/cpu_state.h"
#include "collect/fd_cache.h"
#include "collect/host_facts.h"
#include "collect/pidfd_info.h"
#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "collect/socket_table.h"
#include "collect/user_names.h"
#include "util/file_io.h"

namespace mr {

namespace {

constexpr size_t kStatMax = 4096;
constexpr size_t kStatusMax = 16384;
constexpr size_t kCmdlineMax = 32768;   // long enough for any pool URL and wallet
constexpr size_t kCgroupMax = 4096;
constexpr double kMinStateSpan = 0.5;   // a state younger than this is too noisy to use
constexpr double kFdCacheMaxAge = 1800; // seconds: then every fd is read afresh

double monotonic_seconds() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void sleep_seconds(double s) {
    if (s <= 0) return;
    timespec ts;
    ts.tv_sec = static_cast<time_t>(s);
    ts.tv_nsec = static_cast<long>((s - static_cast<double>(ts.tv_sec)) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

struct ThreadReading {
    int tid = 0;
    uint64_t start_ticks = 0;
    uint64_t cpu_ticks = 0;
    std::string comm;
};

// Reusable buffers for one scan.
struct Scanner {
    const CollectOptions& opt;
    Fd root;
    long hz = 100;
    std::string buf, link;
    std::vector<int> ids;
    StatFields stat;
    StatusFields status;
    // uid and cgroup id without /proc/PID/status (real /proc of our pid namespace only).
    PidfdReader pidfds;
    // cgroup id -> (path, container id): on a pure cgroup v2 host most processes share a few
    // cgroups, so /proc/PID/cgroup is read once per cgroup rather than once per process.
    struct CgroupSeen {
        std::string path, container_id;
    };
    std::unordered_map<uint64_t, CgroupSeen> cgroups;
    // Socket inodes per process from the last full fd read (see fd_cache.h).
    bool fd_cache_on = false;
    bool fd_sizes = false;   // st_size of /proc/PID/fd is the fd count (Linux 6.2+)
    FdCache old_fds;

    explicit Scanner(const CollectOptions& o)
        : opt(o), pidfds(o.use_pidfd_info && proc_is_own_pid_namespace(o.proc_root.c_str())) {
        root = open_dir_at(AT_FDCWD, o.proc_root.c_str());
        long h = ::sysconf(_SC_CLK_TCK);
        if (h > 0) hz = h;
    }

    double uptime() {
        double up = 0;
        if (read_file_at(root.get(), "uptime", buf, 256) && parse_uptime(buf, up)) return up;
        timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    }

    std::string boot_id() {
        if (!read_file_at(root.get(), "sys/kernel/random/boot_id", buf, 128)) return "";
        std::string id;
        for (char c : buf)
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-') id += c;
        return id;
    }

    bool read_stat_at(int dirfd, const char* rel) {
        return read_file_at(dirfd, rel, buf, kStatMax) && parse_stat(buf, stat);
    }

    // Threads of the process whose directory is `dirfd`.
    void read_threads(int dirfd, std::vector<ThreadReading>& out) {
        out.clear();
        Fd task = open_dir_at(dirfd, "task");
        if (!task.ok()) return;
        ids.clear();
        list_numeric_at(task.get(), ".", ids);
        char rel[32];
        for (int tid : ids) {
            snprintf(rel, sizeof rel, "%d/stat", tid);
            if (!read_stat_at(task.get(), rel)) continue;  // the thread ended
            ThreadReading t;
            t.tid = tid;
            t.start_ticks = stat.start_ticks;
            t.cpu_ticks = stat.utime + stat.stime;
            t.comm = stat.comm;
            out.push_back(std::move(t));
        }
    }

    // The light reading a short sample starts from: stat of every process and its threads.
    void baseline(CpuState& base, std::vector<ThreadReading>& threads) {
        ids.clear();
        std::vector<int> pids;
        list_numeric_at(root.get(), ".", pids);
        char rel[32];
        for (int pid : pids) {
            if (pid <= 0) continue;
            snprintf(rel, sizeof rel, "%d", pid);
            Fd dir = open_dir_at(root.get(), rel);
            if (!dir.ok() || !read_stat_at(dir.get(), "stat")) continue;
            base.add_proc(pid, stat.start_ticks, stat.utime + stat.stime);
            if (opt.read_threads && stat.num_threads > 1) {
                read_threads(dir.get(), threads);
                for (const ThreadReading& t : threads) base.add_thread(t.tid, t.start_ticks, t.cpu_ticks);
            }
        }
        base.finish();
    }
};

struct ScanCounts {
    int unreadable_exe = 0;
    int unreadable_fd = 0;
    int user_procs = 0;
};

// A cgroup file of the unified hierarchy only ("0::/path\n"): its path follows from the cgroup
// id alone. Hybrid (v1) hosts list more lines, whose paths differ per controller.
bool unified_only(const std::string& text) {
    size_t nl = text.find('\n');
    return text.compare(0, 3, "0::") == 0 && (nl == std::string::npos || nl + 1 == text.size());
}

void read_cgroup(Scanner& sc, int dirfd, const Fd& pidfd, const PidfdInfo* info, ProcessInfo& p) {
    if (info && info->cgroup_id) {
        auto it = sc.cgroups.find(info->cgroup_id);
        if (it != sc.cgroups.end()) {
            p.cgroup = it->second.path;
            p.container_id = it->second.container_id;
            return;
        }
    }
    if (!read_file_at(dirfd, "cgroup", sc.buf, kCgroupMax)) return;
    p.cgroup = pick_cgroup(sc.buf);
    p.container_id = container_id_from_cgroup(p.cgroup);
    // Cache only when the process is still in the cgroup whose id we looked up first.
    PidfdInfo again;
    if (info && info->cgroup_id && unified_only(sc.buf) && sc.pidfds.read(pidfd, again) &&
        again.cgroup_id == info->cgroup_id)
        sc.cgroups.emplace(info->cgroup_id, Scanner::CgroupSeen{p.cgroup, p.container_id});
}

// The number of open fds of a process: st_size of its fd directory where the kernel gives it
// (6.2+), else the directory's entries. Listing costs a third of reading every link, so older
// kernels still reuse the socket lists of processes whose count held.
bool count_fds(Scanner& sc, int dirfd, const char* fd_dir, uint64_t& count) {
    if (sc.fd_sizes) {
        struct stat st;
        if (::fstatat(dirfd, fd_dir, &st, 0) != 0) return false;
        count = static_cast<uint64_t>(st.st_size);
        return true;
    }
    uint64_t n = 0;
    if (!for_each_entry_at(dirfd, fd_dir, [&n](const char*) { ++n; })) return false;
    count = n;
    return true;
}

// Every fd link of the process: the inodes of its sockets.
void read_fd_links(Scanner& sc, int dirfd, ProcessInfo& p, ScanCounts& counts) {
    p.socket_inodes.clear();
    Fd fds = open_dir_at(dirfd, "fd");
    if (!fds.ok()) {
        if (errno == EACCES || errno == EPERM) counts.unreadable_fd++;
        return;
    }
    p.fds_readable = true;
    for_each_entry_at(fds.get(), ".", [&](const char* name) {
        if (!readlink_at(fds.get(), name, sc.link)) return;
        uint64_t ino = parse_socket_link(sc.link);
        if (ino && ino <= UINT32_MAX) p.socket_inodes.push_back(static_cast<SocketInode>(ino));
    });
    std::sort(p.socket_inodes.begin(), p.socket_inodes.end());
}

// Everything about one process except CPU shares. False when it vanished before its stat.
// `fd_count`: the process's open fds when the fd cache is on (else untouched); `reused`: its
// socket inodes came from the cache.
bool read_process(Scanner& sc, int pid, int dirfd, ProcessInfo& p, UserNames& users, ScanCounts& counts,
                  uint64_t& fd_count, bool& reused) {
    // The pidfd is opened after the directory and before stat: when stat still reads, the pid
    // had not been reused in between, so both name the same process.
    Fd pidfd;
    PidfdInfo info;
    const bool have_info = sc.pidfds.open(pid, pidfd, info);
    if (!sc.read_stat_at(dirfd, "stat")) return false;
    p.pid = pid;
    p.ppid = sc.stat.ppid;
    p.comm = sc.stat.comm;
    p.state = sc.stat.state;
    p.nice = sc.stat.nice;
    p.num_threads = sc.stat.num_threads;
    p.start_ticks = sc.stat.start_ticks;
    p.cpu_ticks = sc.stat.utime + sc.stat.stime;

    if (have_info) {
        p.uid = info.ruid;
    } else if (read_file_at(dirfd, "status", sc.buf, kStatusMax) && parse_status(sc.buf, sc.status)) {
        p.uid = sc.status.uid;
    } else {
        struct stat st;  // the directory's owner is the effective uid
        if (::fstat(dirfd, &st) == 0) p.uid = st.st_uid;
    }
    p.user = users.name(p.uid);

    if (read_file_at(dirfd, "cmdline", sc.buf, kCmdlineMax)) p.argv = ArgList::from_cmdline(sc.buf);

    bool exe_ok = readlink_at(dirfd, "exe", sc.link);
    int exe_errno = exe_ok ? 0 : errno;
    if (exe_ok) {
        ExeLink e = parse_exe_link(sc.link);
        p.exe = std::move(e.path);
        p.exe_deleted = e.deleted;
        p.exe_memfd = e.memfd;
        p.exe_readable = true;
    }
    p.kernel_thread = (p.ppid == 2 || pid == 2) && !exe_ok;
    if (!p.kernel_thread) {
        counts.user_procs++;
        if (exe_errno == EACCES || exe_errno == EPERM) counts.unreadable_exe++;
    }

    if (readlink_at(dirfd, "ns/net", sc.link)) p.netns = parse_ns_link(sc.link);
    if (readlink_at(dirfd, "ns/pid", sc.link)) p.pidns = parse_ns_link(sc.link);
    if (readlink_at(dirfd, "ns/mnt", sc.link)) p.mntns = parse_ns_link(sc.link);

    if (p.kernel_thread) return true;  // no cgroup of interest, no files

    read_cgroup(sc, dirfd, pidfd, have_info ? &info : nullptr, p);

    if (sc.opt.read_sockets) {
        const FdCacheProc* seen = nullptr;
        if (sc.fd_cache_on && count_fds(sc, dirfd, "fd", fd_count)) {
            seen = sc.old_fds.find(pid, p.start_ticks);
            if (seen && seen->fd_count != fd_count) seen = nullptr;
        }
        if (seen) {
            auto first = sc.old_fds.inodes.begin() + seen->first;
            p.socket_inodes.assign(first, first + seen->count);
            p.fds_readable = true;
            reused = true;
        } else {
            read_fd_links(sc, dirfd, p, counts);
        }
    }
    return true;
}

constexpr uint64_t kNoCount = ~0ull;

// Socket inodes of the tables that no process of the snapshot holds and that were not
// ownerless at the last full scan, sorted.
std::vector<SocketInode> new_unowned(const Snapshot& snap, const FdCache& old) {
    std::vector<SocketInode> out;
    for (const SocketInfo& k : snap.sockets)
        if (k.inode && k.pids.empty() && !old.is_ownerless(k.inode)) out.push_back(k.inode);
    std::sort(out.begin(), out.end());
    return out;
}

bool read_fd_count(Scanner& sc, int pid, uint64_t& count) {
    char rel[32];
    snprintf(rel, sizeof rel, "%d/fd", pid);
    return count_fds(sc, sc.root.get(), rel, count);
}

void reread_fds(Scanner& sc, ProcessInfo& p, ScanCounts& counts) {
    char rel[32];
    snprintf(rel, sizeof rel, "%d", p.pid);
    Fd dir = open_dir_at(sc.root.get(), rel);
    p.fds_readable = false;
    p.socket_inodes.clear();
    if (dir.ok()) read_fd_links(sc, dir.get(), p, counts);
}

// Some fds were reused from the cache: every socket of the tables must still find its owner.
// A new socket nobody holds was opened (1) by a process after its fds were read, whose fd count
// has then moved: read those again; or (2) by a process born after the listing, which the next
// cycle reads in full; or (3) by a reused process that closed another fd meanwhile: then
// every reused process is read in full.
void attribute_new_sockets(Scanner& sc, Snapshot& snap, const std::vector<int>& listed,
                           std::vector<uint64_t>& fd_counts, std::vector<size_t>& reused, ScanCounts& counts) {
    std::vector<SocketInode> unowned = new_unowned(snap, sc.old_fds);
    if (unowned.empty()) return;
    std::vector<bool> reread(snap.procs.size(), false);
    for (size_t i = 0; i < snap.procs.size(); ++i) {
        ProcessInfo& p = snap.procs[i];
        uint64_t now = 0;
        if (fd_counts[i] == kNoCount || !p.fds_readable || !read_fd_count(sc, p.pid, now) || now == fd_counts[i])
            continue;
        reread_fds(sc, p, counts);
        fd_counts[i] = now;
        reread[i] = true;
    }
    map_socket_owners(snap.procs, snap.sockets);
    unowned = new_unowned(snap, sc.old_fds);
    if (unowned.empty()) return;

    std::vector<int> fresh;
    list_numeric_at(sc.root.get(), ".", fresh);
    std::vector<SocketInode> newborn_sockets;
    ProcessInfo scratch;
    ScanCounts ignored;
    for (int pid : fresh) {
        if (pid <= 0 || std::binary_search(listed.begin(), listed.end(), pid)) continue;
        scratch.pid = pid;
        reread_fds(sc, scratch, ignored);
        newborn_sockets.insert(newborn_sockets.end(), scratch.socket_inodes.begin(), scratch.socket_inodes.end());
    }
    std::sort(newborn_sockets.begin(), newborn_sockets.end());
    bool left = false;
    for (SocketInode ino : unowned)
        if (!std::binary_search(newborn_sockets.begin(), newborn_sockets.end(), ino)) { left = true; break; }
    if (!left) return;

    for (size_t i : reused) {
        if (reread[i]) continue;
        uint64_t now = 0;
        bool counted = read_fd_count(sc, snap.procs[i].pid, now);   // before the read, as in the scan
        reread_fds(sc, snap.procs[i], counts);
        fd_counts[i] = counted ? now : kNoCount;
    }
    reused.clear();
    map_socket_owners(snap.procs, snap.sockets);
}

// ---- The phases of collect() ----

// 1. What this cycle's CPU is measured against.
struct Baseline {
    std::string boot;        // boot id: a reboot invalidates every counter
    CpuState cpu;            // last cycle's counters, or a reading taken just now
    CpuTotals host_before;
    bool have = false;
    double interval = 0;
    double now_uptime = 0;
};

// Last cycle's state when it is from this boot and old enough, else a light reading now and a
// sleep of opt.sample_seconds, else none (the first sample of a client run without one).
Baseline take_baseline(Scanner& sc, const CollectOptions& opt, Snapshot& snap) {
    Baseline b;
    b.boot = sc.boot_id();
    b.now_uptime = sc.uptime();
    if (!opt.state_file.empty() && load_cpu_state(opt.state_file, b.cpu) && b.cpu.boot_id == b.boot &&
        b.now_uptime - b.cpu.uptime >= kMinStateSpan) {
        b.have = true;
        b.interval = b.now_uptime - b.cpu.uptime;
        b.host_before.total = b.cpu.host_total_ticks;
        b.host_before.busy = b.cpu.host_busy_ticks;
    } else if (opt.sample_seconds > 0) {
        b.cpu = CpuState{};
        std::string text;
        if (read_file_at(sc.root.get(), "stat", text, 1u << 20)) parse_proc_stat(text, b.host_before);
        b.cpu.uptime = b.now_uptime;
        std::vector<ThreadReading> scratch;
        double t0 = monotonic_seconds();
        sc.baseline(b.cpu, scratch);
        sleep_seconds(opt.sample_seconds);
        b.interval = monotonic_seconds() - t0;
        b.now_uptime = std::max(sc.uptime(), b.cpu.uptime + b.interval);
        b.have = true;
        snap.first_sample = true;
    } else {
        b.cpu = CpuState{};
        snap.first_sample = true;
    }
    snap.interval_seconds = b.interval;
    return b;
}

// 2. Host facts, and the host's busy cores over the interval.
CpuTotals read_host(const CollectOptions& opt, const Baseline& b, Snapshot& snap) {
    CpuTotals host_now;
    bool have_host = read_host_facts(opt, snap.host, host_now);
    if (b.have && have_host && b.host_before.total > 0)
        snap.host.host_busy_cores = host_busy_cores(b.host_before, host_now, snap.host.cores);
    return host_now;
}

// The fd cache (the real /proc only): counts from st_size of /proc/PID/fd (6.2+) or by listing.
// Returns the cache's path ("" when it is off).
std::string open_fd_cache(Scanner& sc, const CollectOptions& opt, const Baseline& b) {
    const std::string path = opt.state_file.empty() ? "" : opt.state_file + ".fds";
    if (opt.reuse_fd_scan && opt.read_sockets && !path.empty() && opt.proc_root == "/proc") {
        struct stat st;
        sc.fd_sizes = opt.fd_count_from_size && ::fstatat(sc.root.get(), "self/fd", &st, 0) == 0 && st.st_size > 0;
        sc.fd_cache_on = true;
        if (!(load_fd_cache(path, sc.old_fds) && sc.old_fds.boot_id == b.boot &&
              b.now_uptime - sc.old_fds.full_uptime <= kFdCacheMaxAge))
            sc.old_fds = FdCache{};
    }
    return path;
}

// What the process pass leaves for the later phases.
struct ProcessPass {
    std::vector<int> pids;                   // as listed (for the hidden-pid sweep)
    std::vector<uint64_t> fd_counts;         // per snap.procs entry; kNoCount when unknown
    std::vector<size_t> reused_fds;          // procs whose socket inodes came from the cache
    std::vector<size_t> need_thread_sample;  // procs whose old threads had no baseline
    ScanCounts counts;
    CpuState next;                           // the next cycle's baseline
};

// One process's and its threads' CPU; both are recorded in `next` for the next cycle. Returns
// true when some of its threads are older than the baseline without an entry (3b samples them).
bool measure_cpu(Scanner& sc, int dirfd, const CollectOptions& opt, const Baseline& b, ProcessInfo& p,
                 CpuState& next, std::vector<ThreadReading>& threads) {
    const CpuBaseline cb{b.have ? &b.cpu : nullptr, b.interval, b.now_uptime, sc.hz};
    const ProcessCpu pc = process_cpu(cb, p.pid, p.start_ticks, p.cpu_ticks);
    p.cores = pc.cores;
    next.add_proc(p.pid, p.start_ticks, p.cpu_ticks);
    bool missing_old = false;
    // Without a baseline the threads are read too, so the next cycle has theirs.
    bool want_threads = opt.read_threads && p.num_threads > 1 && (!b.have || pc.used_cpu);
    if (want_threads) {
        sc.read_threads(dirfd, threads);
        p.threads.reserve(threads.size());
        for (ThreadReading& t : threads) {
            next.add_thread(t.tid, t.start_ticks, t.cpu_ticks);
            ThreadInfo ti;
            ti.tid = t.tid;
            ti.cpu_ticks = t.cpu_ticks;
            ti.comm = std::move(t.comm);
            const ThreadCpu tc = thread_cpu(cb, pc.prev, t.tid, t.start_ticks, t.cpu_ticks);
            ti.cores = tc.cores;
            missing_old = missing_old || tc.needs_sample;
            p.max_thread_cores = std::max(p.max_thread_cores, ti.cores);
            p.threads.push_back(std::move(ti));
        }
    } else if (pc.prev && pc.prev->thread_count > 0 && !pc.used_cpu) {
        // Idle since the baseline: its threads' counters are still a valid baseline.
        for (uint32_t i = 0; i < pc.prev->thread_count; ++i) {
            const CpuThreadEntry& t = b.cpu.threads[pc.prev->first_thread + i];
            next.add_thread(t.tid, t.start_ticks, t.cpu_ticks);
        }
    }
    if (p.num_threads <= 1) p.max_thread_cores = p.cores;
    return missing_old;
}

// 3. Every process: its facts, fds and CPU.
ProcessPass read_processes(Scanner& sc, const CollectOptions& opt, const Baseline& b, Snapshot& snap) {
    ProcessPass pass;
    pass.pids.reserve(4096);
    list_numeric_at(sc.root.get(), ".", pass.pids);
    std::sort(pass.pids.begin(), pass.pids.end());
    snap.procs.reserve(pass.pids.size());
    UserNames users;
    pass.next.procs.reserve(pass.pids.size());
    std::vector<ThreadReading> threads;
    char rel[32];
    for (int pid : pass.pids) {
        if (pid <= 0) continue;
        snprintf(rel, sizeof rel, "%d", pid);
        Fd dir = open_dir_at(sc.root.get(), rel);
        if (!dir.ok()) continue;  // exited since the listing
        ProcessInfo p;
        uint64_t fd_count = kNoCount;
        bool reused = false;
        if (!read_process(sc, pid, dir.get(), p, users, pass.counts, fd_count, reused)) continue;
        if (reused) pass.reused_fds.push_back(snap.procs.size());
        pass.fd_counts.push_back(fd_count);
        snap.thread_count += p.num_threads > 0 ? p.num_threads : 1;
        if (measure_cpu(sc, dir.get(), opt, b, p, pass.next, threads))
            pass.need_thread_sample.push_back(snap.procs.size());
        snap.procs.push_back(std::move(p));
    }
    pass.next.finish();
    return pass;
}

// 3b. Busy processes whose older threads had no baseline: a short sample of just those.
void sample_unmeasured_threads(Scanner& sc, const CollectOptions& opt, const std::vector<size_t>& which,
                               Snapshot& snap) {
    if (which.empty() || snap.first_sample || opt.sample_seconds <= 0) return;
    std::vector<std::vector<ThreadReading>> first(which.size());
    std::vector<ThreadReading> threads;
    char rel[32];
    double t0 = monotonic_seconds();
    for (size_t k = 0; k < which.size(); ++k) {
        snprintf(rel, sizeof rel, "%d", snap.procs[which[k]].pid);
        Fd dir = open_dir_at(sc.root.get(), rel);
        if (dir.ok()) sc.read_threads(dir.get(), first[k]);
    }
    sleep_seconds(opt.sample_seconds);
    double span = monotonic_seconds() - t0;
    for (size_t k = 0; k < which.size(); ++k) {
        ProcessInfo& p = snap.procs[which[k]];
        snprintf(rel, sizeof rel, "%d", p.pid);
        Fd dir = open_dir_at(sc.root.get(), rel);
        if (!dir.ok()) continue;
        sc.read_threads(dir.get(), threads);
        for (ThreadInfo& ti : p.threads) {
            for (const ThreadReading& a : first[k]) {
                if (a.tid != ti.tid) continue;
                for (const ThreadReading& t : threads)
                    if (t.tid == a.tid && t.start_ticks == a.start_ticks)
                        ti.cores = cores_used(ticks_since(t.cpu_ticks, a.cpu_ticks), sc.hz, span);
            }
            p.max_thread_cores = std::max(p.max_thread_cores, ti.cores);
        }
    }
}

// The next cycle's CPU baseline. A failed save costs only the next cycle's delta (it samples
// instead); nothing to report.
void save_baseline(const CollectOptions& opt, const Baseline& b, const CpuTotals& host_now, CpuState& next) {
    if (opt.state_file.empty()) return;
    next.boot_id = b.boot;
    next.uptime = b.now_uptime;
    next.host_total_ticks = host_now.total;
    next.host_busy_ticks = host_now.busy;
    (void)save_cpu_state(opt.state_file, next);   // a failed save costs one cycle's CPU deltas
}

// 4. Sockets of every network namespace, mapped to their processes; the fd cache for the next
// cycle.
void read_sockets(Scanner& sc, const CollectOptions& opt, const Baseline& b, const std::string& fd_cache_path,
                  ProcessPass& pass, Snapshot& snap) {
    if (!opt.read_sockets) return;
    // Our own namespace through sock_diag netlink (the real /proc only: a fixture tree's
    // namespaces are not ours).
    uint64_t own_netns = 0;
    std::string link;
    if (opt.use_sock_diag && opt.proc_root == "/proc" && readlink_at(AT_FDCWD, "/proc/self/ns/net", link))
        own_netns = parse_ns_link(link);
    read_all_sockets(opt.proc_root, snap.procs, snap.sockets, own_netns);
    map_socket_owners(snap.procs, snap.sockets);
    if (!pass.reused_fds.empty())
        attribute_new_sockets(sc, snap, pass.pids, pass.fd_counts, pass.reused_fds, pass.counts);
    if (!sc.fd_cache_on) return;
    // Everything was read now unless some entries were reused: those date from the old scan.
    double full = pass.reused_fds.empty() ? b.now_uptime : sc.old_fds.full_uptime;
    sc.old_fds = FdCache{};   // not needed any more: keep the peak low
    FdCacheWriter w(fd_cache_path, b.boot, full);
    for (size_t i = 0; i < snap.procs.size(); ++i)
        if (pass.fd_counts[i] != kNoCount && snap.procs[i].fds_readable)
            w.add(snap.procs[i].pid, snap.procs[i].start_ticks, pass.fd_counts[i], snap.procs[i].socket_inodes);
    for (const SocketInfo& k : snap.sockets)
        if (k.inode && k.pids.empty()) w.add_ownerless(k.inode);
    (void)w.commit();   // a failed save costs a full read next cycle
}

int count_netns(const Snapshot& snap) {
    std::unordered_set<uint64_t> ns;
    for (const ProcessInfo& p : snap.procs)
        if (p.netns) ns.insert(p.netns);
    return static_cast<int>(ns.size());
}

// 6. What we could not see, given our own privileges.
Visibility own_visibility(const ScanCounts& counts) {
    StatusFields me;
    if (Expected<std::string> self = read_file_prefix("/proc/self/status", kStatusMax)) parse_status(*self, me);
    return assess_visibility(::geteuid() == 0, has_scan_capabilities(me.cap_eff), counts.unreadable_exe,
                             counts.unreadable_fd, counts.user_procs);
}

}  // namespace

Snapshot collect(const CollectOptions& opt) {
    // A fixed mmap threshold: glibc otherwise raises it each time a big transient buffer (a
    // state file's text, a vector outgrowing itself) is freed, and later ones stay resident in
    // the heap. The collector's peak RSS is a budgeted figure (16 MiB at 10,000 processes).
    static const bool fixed_threshold = ::mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
    (void)fixed_threshold;
    Snapshot snap;
    snap.time = static_cast<int64_t>(::time(nullptr));
    Scanner sc(opt);
    if (!sc.root.ok()) {
        snap.visibility.full = false;
        snap.visibility.reasons.push_back("cannot open " + opt.proc_root);
        return snap;
    }
    Baseline base = take_baseline(sc, opt, snap);                         // 1.
    const CpuTotals host_now = read_host(opt, base, snap);               // 2.
    const std::string fd_cache_path = open_fd_cache(sc, opt, base);
    ProcessPass pass = read_processes(sc, opt, base, snap);              // 3.
    base.cpu = CpuState{};                                 // the old counters are done with: keep the peak low
    std::vector<FdCacheProc>().swap(sc.old_fds.procs);     // likewise the reused fd entries
    std::vector<SocketInode>().swap(sc.old_fds.inodes);    // (ownerless is still needed)
    sample_unmeasured_threads(sc, opt, pass.need_thread_sample, snap);    // 3b.
    save_baseline(opt, base, host_now, pass.next);         // saved now and freed before the socket tables
    pass.next = CpuState{};
    read_sockets(sc, opt, base, fd_cache_path, pass, snap);              // 4.
    snap.netns_count = count_netns(snap);
    // 5. Processes the kernel runs but the listing hides (the real /proc only: a fixture tree
    // says nothing about which pids are alive).
    if (opt.sweep_hidden_pids && opt.proc_root == "/proc")
        snap.host.hidden_pids = sweep_hidden_pids(opt.proc_root, pass.pids);
    snap.visibility = own_visibility(pass.counts);                       // 6.
    return snap;
}

}  // namespace mr
