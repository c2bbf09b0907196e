// Pool indicators (IOCs): the shipped pool-domains.txt / pool-addresses.txt and the merged feed
// list the feed updater writes (issue 6) all use this one format.
//
// FORMAT (plain text, UTF-8/ASCII, one indicator a line):
//   # version: 2024.06.1                 optional header: the list version (first one wins)
//   # any other comment                  '#' at line start or after whitespace starts a comment
//   supportxmr.com        # source ...   domain: matches itself and every subdomain
//   *.nanopool.org                       same as nanopool.org (a leading "*." is accepted)
//   pool.example.org:3333                domain:port: that domain (and subdomains) on that port
//   203.0.113.7                          IPv4 address, any port
//   203.0.113.0/24                       IPv4 CIDR
//   2001:db8::7                          IPv6 address (IPv4-mapped ::ffff:a.b.c.d equals a.b.c.d)
//   2001:db8:1::/48                      IPv6 CIDR
//   198.51.100.9:14444                   IPv4 addr:port
//   [2001:db8::9]:3333                   IPv6 addr:port (brackets required)
// Everything after the indicator on the line must be a comment. Domains are case-insensitive,
// a trailing dot is ignored, at least two labels are required. Any other token is an error
// "FILE:LINE: ..." and the whole list is rejected (the caller keeps its previous list).
// Domains are only ever compared as text: nothing here resolves names.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "util/expected.h"

namespace mr {

class IocList {
public:
    // Parses a whole list, or fails with "FILE:LINE: message".
    static Expected<IocList> parse(std::string_view text, const std::string& file);
    // Adds one indicator, or fails with the reason it is not one of the forms above.
    Status add(std::string_view indicator);
    // Adds every indicator of `other` (the version of `this` is kept).
    void merge(const IocList& other);

    // The listed indicator (as written) matching host name `host` on `port` (0 = any port
    // accepted, i.e. the caller does not know it), or "" for no match. `host` may also be
    // a literal address.
    std::string match_host(std::string_view host, uint16_t port = 0) const;
    // The listed indicator matching printable address `addr` (IPv4 dotted or IPv6) and port.
    std::string match_addr(std::string_view addr, uint16_t port) const;

    const std::string& version() const { return version_; }
    void set_version(std::string v) { version_ = std::move(v); }
    size_t size() const { return count_; }

private:
    using Addr = std::array<uint8_t, 16>;   // IPv4 as ::ffff:a.b.c.d
    struct AddrHash { size_t operator()(const Addr& a) const; };
    // Per indicator key: the entries that name it, any port ("0") or specific ports.
    struct Ports {
        std::string any;                               // entry text if any port matches
        std::vector<std::pair<uint16_t, std::string>> specific;
        const std::string* find(uint16_t port) const;
    };
    static bool parse_addr(std::string_view s, Addr& out);
    static Addr mask(const Addr& a, int bits);

    std::string version_;
    size_t count_ = 0;
    std::unordered_map<std::string, Ports> domains_;
    std::unordered_map<Addr, Ports, AddrHash> addrs_;
    std::map<int, std::unordered_map<Addr, std::string, AddrHash>> cidrs_;  // prefix -> masked
};

// Normalises a host name for comparison: lowercase, no trailing dot. "" if it cannot be a name.
std::string normalize_domain(std::string_view s);

}  // namespace mr
