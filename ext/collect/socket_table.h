// TCP/UDP sockets of every network namespace, mapped to the processes that hold them. Each
// namespace's tables are read once, through /proc/PID/net/ of one process inside it, so
// sockets in containers are seen too; owners come from the socket inodes in /proc/PID/fd.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace mr {

// Appends the tcp, tcp6, udp and udp6 tables under dirfd/net/ (dirfd: a /proc/PID or the proc
// root itself), tagging each socket with `netns`. False when no table could be read.
bool read_socket_tables(int dirfd, uint64_t netns, std::vector<SocketInfo>& out);

// Reads every distinct namespace of `procs` once (falling back to the next process of a
// namespace when the first has exited), plus the proc root's own tables when no process
// namespace is known. Namespace `diag_netns` (the caller's own, on the real /proc; 0: none) is
// read through sock_diag netlink, falling back to its text tables. Returns the number of
// namespaces read.
int read_all_sockets(const std::string& proc_root, const std::vector<ProcessInfo>& procs,
                     std::vector<SocketInfo>& out, uint64_t diag_netns = 0);

// Fills SocketInfo::pids from ProcessInfo::socket_inodes (sorted pid list per socket). Sorts
// `sockets` by inode.
void map_socket_owners(const std::vector<ProcessInfo>& procs, std::vector<SocketInfo>& sockets);

}  // namespace mr
