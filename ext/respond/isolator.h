// Network isolation of a process tree (issue 11, containment), the I/O side, run as root by
// miningrisk-contain: the tree goes into a cgroup2 group of its own (the frozen one when it is
// frozen already: moving it would thaw it), its current TCP connections are read from its
// network namespace, and the batch from isolate_rules.h goes to `nft -f -` inside that same
// namespace (where the tree's packets are), with a fixed argument list and no shell.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "respond/freezer.h"
#include "respond/isolate_rules.h"

namespace mr {

struct IsolateResult {
    bool ok = false;
    std::string method;          // "nftables", with what it matched: "cgroup2 + 1 connection + 3 pool addresses"
    std::string cgroup;          // the cgroup2 directory, "" when none could be used
    std::string error;
    std::string note;            // what was left out and why (refused pool lines, no cgroup match)
    double ms = 0;               // nft's run
    std::vector<int> pids;
    size_t conns = 0, pools = 0;
};

// The tree's TCP connections (neither listening nor closed), in the root pid's namespace.
std::vector<TcpConn> tree_tcp_conns(const std::string& proc_root, const std::vector<int>& pids);

// Isolate (or renew: the same, with fresh timeouts) the tree of `pid`; `pool_list` is IOC list
// text (validated by pool_targets).
IsolateResult isolate_tree(const FreezerPaths& paths, int pid, uint64_t start_ticks, const std::string& pool_list,
                           int ttl_seconds);
// Takes the tree's elements out again; the table goes once no tree is left in it.
IsolateResult unisolate_tree(const FreezerPaths& paths, int pid, uint64_t start_ticks);

}  // namespace mr
