// TCP and UDP sockets of the collector's own network namespace through NETLINK_SOCK_DIAG
// (inet_diag): binary records straight from the kernel's socket tables, instead of having the
// kernel format 100,000 lines of /proc/net/tcp (4 KB per read) and parsing them back. A netlink
// socket sees only its own namespace: the others stay on /proc/PID/net/*.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/model.h"

namespace mr {

// Appends every TCP and UDP socket, IPv4 and IPv6, in every state, tagged with `netns`.
// False, with `out` as it was, when any dump fails (no inet_diag modules, a seccomp filter,
// a timeout): the caller then reads the text tables.
bool read_sock_diag(uint64_t netns, std::vector<SocketInfo>& out);

// Pure: one received buffer of netlink messages answering the dump request `seq` of `proto`
// (tcp/udp for AF_INET, tcp6/udp6 for AF_INET6). Appends one SocketInfo per inet_diag_msg;
// malformed or foreign messages are an error, never an overread.
enum class DiagStatus { more, done, error };
DiagStatus parse_inet_diag(const void* buf, size_t len, uint32_t seq, SocketProto proto, uint64_t netns,
                           std::vector<SocketInfo>& out);

}  // namespace mr
