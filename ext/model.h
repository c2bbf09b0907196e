// The snapshot of one host: what the collector saw in one pass over /proc.
// Plain data, no I/O: the rules, the message builder and the tests all work on this.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mr {

struct ThreadInfo {
    int tid = 0;
    std::string comm;
    uint64_t cpu_ticks = 0;   // utime + stime since the thread started
    double cores = 0;         // share of one core over the cycle (1.0 = pegged)
};

struct ProcessInfo {
    int pid = 0;
    int ppid = 0;
    uint32_t uid = 0;
    std::string user;                 // resolved from uid, or the number
    std::string comm;                 // /proc/PID/stat name (attacker-controlled, may hold anything)
    std::vector<std::string> argv;    // /proc/PID/cmdline split on NUL (attacker-controlled)
    std::string exe;                  // readlink /proc/PID/exe, without " (deleted)"
    bool exe_readable = false;        // false: no permission or kernel thread
    bool exe_deleted = false;
    bool exe_memfd = false;           // exe is "/memfd:..."
    char state = '?';
    int nice = 0;
    int num_threads = 0;
    uint64_t start_ticks = 0;         // field 22 of stat: with pid, the process identity
    uint64_t cpu_ticks = 0;           // utime + stime
    double cores = 0;                 // cores used over the cycle
    double max_thread_cores = 0;      // the busiest thread's share of one core
    std::vector<ThreadInfo> threads;  // read only for processes that used CPU
    bool kernel_thread = false;       // a child of kthreadd (or kthreadd itself) with no exe
    std::string cgroup;               // the unified (or first) cgroup path
    std::string container_id;         // 64-hex id found in the cgroup path, or ""
    uint64_t netns = 0, pidns = 0, mntns = 0;  // namespace inode numbers, 0 = unknown
    std::vector<uint64_t> socket_inodes;       // inodes of the sockets it holds
    bool fds_readable = false;
    // /proc/PID/environ split on NUL ("NAME=value"), bounded; empty when unreadable or not read.
    // Attacker-controlled. Added for detection (pool_env, ld_preload_env).
    std::vector<std::string> env;
};

enum class SocketProto { tcp, tcp6, udp, udp6 };

struct SocketInfo {
    SocketProto proto = SocketProto::tcp;
    std::string local_addr;   // printable address (IPv4 dotted, IPv6 compressed)
    uint16_t local_port = 0;
    std::string remote_addr;
    uint16_t remote_port = 0;
    std::string state;        // ESTABLISHED, SYN_SENT, LISTEN, ... (UDP: "UNCONN" or "ESTABLISHED")
    uint64_t inode = 0;
    uint64_t netns = 0;       // namespace the table was read from
    uint32_t uid = 0;
    std::vector<int> pids;    // owning processes (a socket can be shared after fork)
};

struct HostFacts {
    int cores = 0;                     // online CPUs
    uint64_t cpu_total_ticks = 0;      // all ticks of the "cpu" line of /proc/stat
    uint64_t cpu_busy_ticks = 0;       // total less idle and iowait
    double host_busy_cores = 0;        // over the cycle
    bool ld_so_preload_present = false;
    std::string ld_so_preload;         // its contents, bounded
    long hugepages_total = 0;          // /proc/sys/vm/nr_hugepages
    bool msr_loaded = false;           // /sys/module/msr present
    bool msr_allow_writes = false;     // /sys/module/msr/parameters/allow_writes == on
    std::vector<int> hidden_pids;      // alive (kill(0)/stat works) but absent from the /proc listing
};

// What the scan could not see: a client without its capabilities is "limited", never green.
struct Visibility {
    bool full = true;
    std::vector<std::string> reasons;
    int unreadable_exe = 0;
    int unreadable_fd = 0;
};

struct Snapshot {
    int64_t time = 0;                 // unix seconds
    double interval_seconds = 0;      // the span CPU was measured over
    bool first_sample = false;        // true: CPU came from a short sample, no earlier state
    std::vector<ProcessInfo> procs;
    std::vector<SocketInfo> sockets;
    HostFacts host;
    Visibility visibility;
    int netns_count = 0;
    int thread_count = 0;
};

const char* to_string(SocketProto p);

}  // namespace mr
