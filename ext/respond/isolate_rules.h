// Network isolation (issue 11, containment), pure: the nftables batches that miningrisk-contain
// feeds to `nft -f -`. One table of miningrisk's own, `table inet miningrisk` (IPv4 and IPv6),
// whose rules never change: they drop what is in its sets, and every set element has a timeout,
// so the kernel itself forgets an isolation that the next cycle does not renew (a host whose
// client stopped is not cut off for ever). Never a blanket isolation: only
//   - new sockets of the contained tree's cgroup (`socket cgroupv2 level 2`: the cgroup a socket
//     was made in, so the tree's connections that already exist are listed one by one too),
//   - those existing TCP connections (both ends and ports: another process's connection to the
//     same pool address and port keeps going),
//   - the pool addresses of the IOC list (literal addresses and networks, never wider than /16 or
//     /32 for IPv6, never loopback, unspecified or multicast).
// Everything put into a batch comes from validate_* below: attacker-controlled text (a process's
// cgroup path, a feed line) never reaches nft as it was read.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

constexpr int kIsolateTtlSeconds = 4 * 3600;
constexpr const char* kIsolateTable = "miningrisk";   // family inet
constexpr size_t kMaxPoolTargets = 20000;

// One TCP connection of the contained tree, as the tree's own network namespace sees it.
struct TcpConn {
    std::string local, remote;   // canonical text (inet_ntop), IPv4 or IPv6
    uint16_t lport = 0, rport = 0;
    bool v6 = false;
};

// Pool indicators that can be dropped by address: canonical "a.b.c.d/len" / "x::/len" networks
// (len 32/128 written without it) and "addr . port" pairs (nft's concatenation syntax).
struct PoolTargets {
    std::vector<std::string> nets4, nets6, ports4, ports6;
    size_t skipped = 0;          // lines that were no address (domains) or were refused
    std::vector<std::string> refused;  // why, for the first few refused ones (canonical text only)
    size_t size() const { return nets4.size() + nets6.size() + ports4.size() + ports6.size(); }
};

// From IOC list text (ioc_list.h's format: one indicator a line, '#' comments): the addresses,
// networks and addr:port entries; domains are skipped (nothing here resolves names). Networks
// covered by a wider listed one are left out (nft interval sets refuse overlaps). At most `max`.
PoolTargets pool_targets(std::string_view ioc_text, size_t max = kMaxPoolTargets);

// "1.2.3.4" / "2001:db8::1" / "::ffff:1.2.3.4" (then IPv4): the canonical text, or "" if not one.
std::string canonical_address(std::string_view s, bool* v6 = nullptr);

// A cgroup path for nft's `socket cgroupv2` match, relative to /sys/fs/cgroup (nft 1.0.6 looks
// it up there): letters, digits, '.', '_', '-', '/' separated names, no "..", at most 255 bytes.
bool valid_cgroup_path(std::string_view path);

struct IsolateSpec {
    std::string cgroup;          // valid_cgroup_path, "" = no cgroup match (none available)
    std::vector<TcpConn> conns;  // validated by canonical_address
    PoolTargets pools;
    int ttl_seconds = kIsolateTtlSeconds;
};

// The table, its sets and its fixed rules, created if missing (the rules flushed and written
// again, so a batch is idempotent).
std::string isolate_table_batch();
// Isolate or renew: (re)adds this tree's cgroup and connections with a fresh timeout, and the
// pool sets replaced by `pools` (one list for the whole host), all in one atomic batch.
std::string isolate_batch(const IsolateSpec& spec);
// Removes this tree's cgroup and connections (absent ones are no error).
std::string unisolate_batch(const IsolateSpec& spec);
// The whole table away (when nothing is isolated any more).
std::string delete_table_batch();

// From `nft list table inet miningrisk`: does any set still hold a process's cgroup or
// connection (the pool sets alone do not keep the table)?
bool listing_has_process_elements(std::string_view listing);

}  // namespace mr
