// Pure parsers for the text files of /proc. No I/O, no exceptions: every input is attacker-
// influenced (process names, argv) or could be truncated by a racing exit, so every function
// either fills its output or returns false, whatever the bytes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace mr {

// /proc/PID/stat (and /proc/PID/task/TID/stat).
struct StatFields {
    int pid = 0;
    std::string comm;          // between the first '(' and the LAST ')': comm may hold ") ("
    char state = '?';
    int ppid = 0;
    uint64_t utime = 0, stime = 0;
    int nice = 0;
    int num_threads = 0;
    uint64_t start_ticks = 0;
};
bool parse_stat(std::string_view text, StatFields& out);

// /proc/PID/status: the real uid and the tgid (a thread id's status shows its leader's tgid).
struct StatusFields {
    bool has_uid = false;
    uint32_t uid = 0;
    int tgid = 0;
    std::vector<int> nstgid;   // tgid in each nested pid namespace, outermost first
    uint64_t cap_eff = 0;
};
bool parse_status(std::string_view text, StatusFields& out);

// /proc/PID/cgroup: the unified hierarchy's path ("0::/path"), else the first line's path.
std::string pick_cgroup(std::string_view text);
// The container id a cgroup path implies: the last run of exactly 64 hex digits (docker,
// containerd, cri-o, podman/libpod, kubepods all embed it), or "".
std::string container_id_from_cgroup(std::string_view path);

// Link targets.
uint64_t parse_ns_link(std::string_view target);      // "net:[4026531992]" -> 4026531992, else 0
uint64_t parse_socket_link(std::string_view target);  // "socket:[123]" -> 123, else 0
struct ExeLink {
    std::string path;   // without the " (deleted)" suffix
    bool deleted = false;
    bool memfd = false;
};
ExeLink parse_exe_link(std::string_view target);

// /proc/net/{tcp,tcp6,udp,udp6}: one table line (not the header) into `out` (its pids are
// left as they are).
bool parse_net_line(std::string_view line, SocketProto proto, SocketInfo& out);
// "0100007F" -> "127.0.0.1"; 32 hex digits -> compressed IPv6. The kernel prints each 32-bit
// word in host (little-endian) order.
bool hex_to_ipv4(std::string_view hex, std::string& out);
bool hex_to_ipv6(std::string_view hex, std::string& out);
bool hex_to_ipv4(std::string_view hex, IpAddr& out);
bool hex_to_ipv6(std::string_view hex, IpAddr& out);
const char* tcp_state_name(int st);
const char* udp_state_name(int st);

// /proc/stat: the aggregate "cpu" line and the number of "cpuN" lines.
struct CpuTotals {
    uint64_t total = 0;
    uint64_t busy = 0;   // total less idle and iowait
    int cpus = 0;
    uint64_t btime = 0;  // "btime": boot time in unix seconds (process start times), 0 unknown
};
bool parse_proc_stat(std::string_view text, CpuTotals& out);

// /proc/uptime first field, seconds.
bool parse_uptime(std::string_view text, double& out);

// Unsigned decimal at the start of s; false when none. Advances s past the digits.
bool take_u64(std::string_view& s, uint64_t& v);

// Small pieces of the line-based state files (cpu_state, fd_cache).
std::string_view take_line(std::string_view& s);                 // up to '\n', consumed
bool take_space_u64(std::string_view& s, uint64_t& v);            // " 123"
void append_space_u64(std::string& out, uint64_t v);              // appends " 123"

}  // namespace mr
