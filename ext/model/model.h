// The snapshot of one host: what the collector saw in one pass over /proc.
// Plain data, no I/O: the rules, the message builder and the tests all work on this.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "model/arg_list.h"

namespace mr {

// The kernel numbers sockets with 32-bit inodes (get_next_ino): half the memory of 64 bits on
// a host with 100,000 sockets.
using SocketInode = uint32_t;

struct ThreadInfo {
    int tid = 0;
    std::string comm;
    uint64_t cpu_ticks = 0;   // utime + stime since the thread started
    double cores = 0;         // share of one core over the cycle (1.0 = pegged)
};

// Fields are ordered small to large so that 10,000 of them carry no padding.
struct ProcessInfo {
    int pid = 0;
    int ppid = 0;
    uint32_t uid = 0;
    int nice = 0;
    int num_threads = 0;
    char state = '?';
    bool exe_readable = false;        // false: no permission or kernel thread
    bool exe_deleted = false;
    bool exe_memfd = false;           // exe is "/memfd:..."
    bool kernel_thread = false;       // a child of kthreadd (or kthreadd itself) with no exe
    bool fds_readable = false;
    uint64_t start_ticks = 0;         // field 22 of stat: with pid, the process identity
    uint64_t cpu_ticks = 0;           // utime + stime
    double cores = 0;                 // cores used over the cycle
    double max_thread_cores = 0;      // the busiest thread's share of one core
    uint64_t netns = 0, pidns = 0, mntns = 0;  // namespace inode numbers, 0 = unknown
    std::string user;                 // resolved from uid, or the number
    std::string comm;                 // /proc/PID/stat name (attacker-controlled, may hold anything)
    ArgList argv;                     // /proc/PID/cmdline, argument by argument (attacker-controlled)
    std::string exe;                  // readlink /proc/PID/exe, without " (deleted)"
    std::string cgroup;               // the unified (or first) cgroup path
    std::string container_id;         // 64-hex id found in the cgroup path, or ""
    std::vector<ThreadInfo> threads;  // read only for processes that used CPU
    std::vector<SocketInode> socket_inodes;    // inodes of the sockets it holds, sorted
    // The entries of /proc/PID/environ ("NAME=value") that the rules look at, bounded; empty
    // when unreadable or not read. Attacker-controlled. For detection (pool_env, ld_preload_env).
    ArgList env;
};

enum class SocketProto : uint8_t { tcp, tcp6, udp, udp6 };

// An IPv4 or IPv6 address in binary (17 bytes instead of a heap string: a busy host has
// 100,000 sockets). Text in and out: to_string() prints IPv4 dotted and IPv6 compressed
// (v4-mapped as "::ffff:1.2.3.4"), as inet_ntop does.
struct IpAddr {
    uint8_t bytes[16] = {};   // network order; IPv4 uses the first 4
    uint8_t family = 0;       // 0: none, 4 or 6

    static IpAddr v4(const void* four_bytes);
    static IpAddr v6(const void* sixteen_bytes);
    // "1.2.3.4", "::1", "fe80::1%eth0" (the scope is dropped); false (and no address) otherwise.
    bool parse(std::string_view text);
    IpAddr& operator=(std::string_view text) { parse(text); return *this; }
    std::string to_string() const;   // "" when there is no address
    IpAddr unmapped() const;         // "::ffff:1.2.3.4" as the IPv4 address it carries
    bool operator==(const IpAddr& o) const;
    bool operator!=(const IpAddr& o) const { return !(*this == o); }
    // Hidden friends: found only for an IpAddr operand, so they never hijack other comparisons.
    friend bool operator==(const IpAddr& a, std::string_view text) { return a.to_string() == text; }
    friend bool operator!=(const IpAddr& a, std::string_view text) { return !(a == text); }
    friend std::ostream& operator<<(std::ostream& os, const IpAddr& a) { return print(os, a); }

private:
    static std::ostream& print(std::ostream& os, const IpAddr& a);
};

// A socket state as the kernel names it, in one byte. TCP codes are the kernel's; UDP sockets
// are "ESTABLISHED" (connected) or "UNCONN".
class SockState {
public:
    enum Code : uint8_t {
        unknown = 0, established, syn_sent, syn_recv, fin_wait1, fin_wait2, time_wait, close,
        close_wait, last_ack, listen, closing, new_syn_recv, unconn
    };
    constexpr SockState(Code c = unknown) : code_(c) {}
    // From a name ("LISTEN", ...); an unknown name is `unknown`.
    SockState(std::string_view name);
    SockState(const char* name) : SockState(std::string_view(name ? name : "")) {}
    SockState(const std::string& name) : SockState(std::string_view(name)) {}
    static SockState from_tcp(int kernel_state);   // 1..12, else unknown
    static SockState from_udp(int kernel_state);   // 1 (TCP_ESTABLISHED) connected, else unconn
    Code code() const { return code_; }
    const char* name() const;
    bool operator==(Code c) const { return code_ == c; }
    bool operator!=(Code c) const { return code_ != c; }
    // Hidden friends (see IpAddr).
    friend bool operator==(SockState s, std::string_view name) { return name == std::string_view(s.name()); }
    friend bool operator!=(SockState s, std::string_view name) { return !(s == name); }
    friend std::ostream& operator<<(std::ostream& os, SockState s) { return print(os, s); }

private:
    static std::ostream& print(std::ostream& os, SockState s);
    Code code_;
};

// The pids owning one socket: almost always one, kept inline in 8 bytes; more (a socket
// shared after fork) go to a heap block. Reads like a std::vector<int>.
class PidList {
public:
    PidList() { set_inline(0, 0); }
    PidList(std::initializer_list<int> l) : PidList() { assign(l.begin(), l.end()); }
    PidList(const std::vector<int>& v) : PidList() { assign(v.data(), v.data() + v.size()); }
    PidList(const PidList& o) : PidList() { assign(o.begin(), o.end()); }
    PidList(PidList&& o) noexcept { half_[0] = o.half_[0]; half_[1] = o.half_[1]; o.set_inline(0, 0); }
    PidList& operator=(const PidList& o);
    PidList& operator=(PidList&& o) noexcept;
    PidList& operator=(const std::vector<int>& v) { assign(v.data(), v.data() + v.size()); return *this; }
    PidList& operator=(std::initializer_list<int> l) { assign(l.begin(), l.end()); return *this; }
    ~PidList() { release(); }

    void push_back(int pid);
    void clear();
    size_t size() const { return is_inline() ? static_cast<size_t>(static_cast<uint32_t>(half_[kTag]) >> 1) : heap()->size; }
    bool empty() const { return size() == 0; }
    const int* begin() const { return is_inline() ? &half_[kPid] : heap()->pids; }
    const int* end() const { return begin() + size(); }
    int operator[](size_t i) const { return begin()[i]; }
    std::vector<int> to_vector() const { return std::vector<int>(begin(), end()); }
    friend bool operator==(const PidList& a, const std::vector<int>& b) { return equals(a, b); }
    friend bool operator!=(const PidList& a, const std::vector<int>& b) { return !equals(a, b); }
    friend std::ostream& operator<<(std::ostream& os, const PidList& p) { return print(os, p); }

private:
    struct Block {
        uint32_t size, cap;
        int pids[1];   // cap of them (allocated longer)
    };
    // Two 32-bit halves (4-byte alignment keeps SocketInfo at 60 bytes). Inline: the half that
    // overlaps a pointer's low bits holds an odd tag (1 | count << 1), the other the pid.
    // Heap: an aligned Block pointer (low bit 0), copied in and out with memcpy.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    static constexpr int kTag = 1, kPid = 0;
#else
    static constexpr int kTag = 0, kPid = 1;
#endif
    static_assert(sizeof(Block*) == 8 || sizeof(Block*) == 4, "a pointer fits two halves");
    bool is_inline() const { return (half_[kTag] & 1) != 0; }
    Block* heap() const {
        Block* b = nullptr;
        std::memcpy(&b, half_, sizeof b);
        return b;
    }
    void set_heap(Block* b) {
        half_[0] = half_[1] = 0;
        std::memcpy(half_, &b, sizeof b);
    }
    void set_inline(int count, int pid) {
        half_[kTag] = 1 | (count << 1);
        half_[kPid] = pid;
    }
    void release();
    void assign(const int* b, const int* e);
    static bool equals(const PidList& a, const std::vector<int>& b);
    static std::ostream& print(std::ostream& os, const PidList& p);
    int32_t half_[2];
};

// 60 bytes and no heap for the usual socket with one owner (100,000 sockets: 6 MB).
struct SocketInfo {
    SocketProto proto = SocketProto::tcp;
    SockState state;          // ESTABLISHED, SYN_SENT, LISTEN, ... (UDP: "UNCONN" or "ESTABLISHED")
    uint16_t local_port = 0;
    uint16_t remote_port = 0;
    IpAddr local_addr;
    IpAddr remote_addr;
    uint32_t uid = 0;
    // The kernel numbers namespaces and sockets with 32-bit inodes (proc_alloc_inum, get_next_ino).
    uint32_t netns = 0;       // namespace the table was read from
    SocketInode inode = 0;    // 0: no owner any more (TIME_WAIT, orphaned)
    PidList pids;             // owning processes (a socket can be shared after fork)
};

struct HostFacts {
    int cores = 0;                     // online CPUs
    uint64_t cpu_total_ticks = 0;      // all ticks of the "cpu" line of /proc/stat
    uint64_t cpu_busy_ticks = 0;       // total less idle and iowait
    double host_busy_cores = 0;        // over the cycle
    int64_t boot_time = 0;             // /proc/stat btime, unix seconds; 0 = unknown
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
