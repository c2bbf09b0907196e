// IOC feed formats: pure parsers that turn a downloaded feed body into pool indicators.
// Formats modelled on real blocklists: CoinBlockerLists' "list" (one domain a line) and "hosts"
// (`0.0.0.0 domain`) files, IP/CIDR lists, `IP:port` lists, and maltrail's trail files (a mix of
// domains, IPs, `IP:port` and URLs, with `#` comments, also trailing). Every parser works on
// attacker-reachable input: bounded, no exceptions, each bad line counted with its line number.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace mr {

enum class FeedFormat { Domains, Hosts, Ips, IpPort, Maltrail, Ioc };

// "domains", "hosts", "ips", "ipport", "maltrail", "ioc" (the merged list's own format).
std::optional<FeedFormat> feed_format_from_name(std::string_view name);
const char* feed_format_name(FeedFormat f);

enum class EntryKind { Domain, Address, Cidr, AddressPort, DomainPort };

// One indicator in canonical form. `text` is the line written to the merged list:
// "pool.example.org", "203.0.113.5", "198.51.100.0/24", "203.0.113.5:3333",
// "[2001:db8::1]:3333", "pool.example.org:3333".
struct FeedEntry {
    EntryKind kind = EntryKind::Domain;
    std::string host;        // domain (lower case, no trailing dot) or canonical address
    int family = 0;          // 4 or 6 for addresses/CIDRs, 0 for domains
    unsigned char addr[16] = {};  // network-order address bytes (first 4 for IPv4)
    int prefix = -1;         // CIDR prefix length; full length for a single address
    int port = 0;            // 1..65535 for *Port kinds
    std::string text;        // canonical line

    bool is_address() const { return family != 0; }
    bool operator==(const FeedEntry& o) const { return text == o.text; }
    bool operator<(const FeedEntry& o) const { return text < o.text; }
};

struct BadLine {
    std::size_t line = 0;    // 1-based
    std::string reason;
};

struct ParsedFeed {
    std::vector<FeedEntry> entries;
    std::vector<BadLine> bad;      // at most kMaxBadLinesKept kept; bad_count has the total
    std::size_t bad_count = 0;
    std::size_t skipped = 0;       // well-formed lines that carry no usable indicator (URL paths...)
    std::size_t lines = 0;         // non-blank, non-comment lines seen
    bool binary = false;           // NUL or other control bytes: not a text list at all
};

constexpr std::size_t kMaxBadLinesKept = 20;
constexpr std::size_t kMaxLineLength = 1024;

// Parses one indicator in the merged-list syntax (domain, address, CIDR, addr:port, [v6]:port,
// domain:port). Fails with the reason when it is not one.
Expected<FeedEntry> parse_ioc_entry(std::string_view token);

// Parses a whole feed body in the given format.
ParsedFeed parse_feed(std::string_view body, FeedFormat format);

// Helpers shared with validation, merge and export.
bool address_in_cidr(const FeedEntry& addr, const FeedEntry& cidr);  // addr covered by cidr
bool ranges_overlap(const FeedEntry& a, const FeedEntry& b);         // address/CIDR ranges meet
bool domain_covered_by(std::string_view domain, std::string_view parent);  // equal or subdomain

}  // namespace mr
