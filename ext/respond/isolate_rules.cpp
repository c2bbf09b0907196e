#include "respond/isolate_rules.h"

#include <arpa/inet.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>

#include "util/text_util.h"

namespace mr {

namespace {

using Bytes = std::array<uint8_t, 16>;

struct Net {
    bool v6 = false;
    Bytes addr{};   // IPv4 in the first 4 bytes
    int len = 0;
    bool operator<(const Net& o) const { return std::tie(v6, addr, len) < std::tie(o.v6, o.addr, o.len); }
};

bool parse_addr(std::string_view s, Net& n) {
    if (s.empty() || s.size() > 45) return false;
    std::string z(s);
    unsigned char buf[16] = {};
    if (inet_pton(AF_INET, z.c_str(), buf) == 1) {
        n.v6 = false;
        n.addr = {};
        std::memcpy(n.addr.data(), buf, 4);
        n.len = 32;
        return true;
    }
    if (inet_pton(AF_INET6, z.c_str(), buf) != 1) return false;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    n.addr = {};
    if (std::memcmp(buf, mapped, 12) == 0) {  // ::ffff:a.b.c.d is IPv4 on the wire
        n.v6 = false;
        std::memcpy(n.addr.data(), buf + 12, 4);
        n.len = 32;
    } else {
        n.v6 = true;
        std::memcpy(n.addr.data(), buf, 16);
        n.len = 128;
    }
    return true;
}

std::string addr_text(const Net& n) {
    char out[INET6_ADDRSTRLEN] = {};
    inet_ntop(n.v6 ? AF_INET6 : AF_INET, n.addr.data(), out, sizeof out);
    return out;
}

std::string net_text(const Net& n) {
    return n.len == (n.v6 ? 128 : 32) ? addr_text(n) : addr_text(n) + "/" + std::to_string(n.len);
}

void mask(Net& n) {
    int bytes = n.v6 ? 16 : 4;
    for (int i = 0; i < bytes; ++i) {
        int keep = std::clamp(n.len - i * 8, 0, 8);
        n.addr[i] &= static_cast<uint8_t>(0xff00 >> keep);
    }
}

// Never a blanket isolation, never the host's own loopback or multicast.
std::string refusal(const Net& n) {
    if (!n.v6) {
        if (n.len < 16) return "wider than /16";
        uint8_t a = n.addr[0];
        if (a == 127 || a == 0) return "loopback or unspecified";
        if (a >= 224) return "multicast or reserved";
        return "";
    }
    if (n.len < 32) return "wider than /32";
    if (n.addr[0] == 0) return "loopback, unspecified or reserved (::/8)";
    if (n.addr[0] == 0xff) return "multicast";
    if (n.addr[0] == 0xfe && (n.addr[1] & 0xc0) == 0x80) return "link-local";
    return "";
}

bool covers(const Net& wide, const Net& n) {
    if (wide.v6 != n.v6 || wide.len > n.len) return false;
    Net m = n;
    m.len = wide.len;
    mask(m);
    return m.addr == wide.addr;
}

// "a.b.c.d:port", "[v6]:port": the address and port; false if it is not that form.
bool split_port(std::string_view tok, std::string_view& addr, uint16_t& port) {
    size_t colon = tok.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string_view a = tok.substr(0, colon), p = tok.substr(colon + 1);
    if (!a.empty() && a.front() == '[') {
        if (a.size() < 3 || a.back() != ']') return false;
        a = a.substr(1, a.size() - 2);
    } else if (a.find(':') != std::string_view::npos) {
        return false;   // a bare IPv6 address
    }
    if (!parse_port(p, port)) return false;
    addr = a;
    return true;
}

std::string refresh(const std::string& set, const std::string& elem, int ttl) {
    std::string add = fmt::format("add element inet {} {} {{ {} timeout {}s }}\n", kIsolateTable, set, elem, ttl);
    return add + fmt::format("delete element inet {} {} {{ {} }}\n", kIsolateTable, set, elem) + add;
}

std::string remove(const std::string& set, const std::string& elem) {
    return fmt::format("add element inet {0} {1} {{ {2} }}\ndelete element inet {0} {1} {{ {2} }}\n", kIsolateTable, set, elem);
}

std::string conn_elem(const TcpConn& c) { return fmt::format("{} . {} . {} . {}", c.local, c.lport, c.remote, c.rport); }

bool conn_ok(const TcpConn& c) {
    bool v6a = false, v6b = false;
    return canonical_address(c.local, &v6a) == c.local && canonical_address(c.remote, &v6b) == c.remote && v6a == c.v6 &&
           v6b == c.v6 && c.lport && c.rport;
}

}  // namespace

std::string canonical_address(std::string_view s, bool* v6) {
    Net n;
    if (!parse_addr(s, n)) return "";
    if (v6) *v6 = n.v6;
    return addr_text(n);
}

PoolTargets pool_targets(std::string_view ioc_text, size_t max) {
    PoolTargets out;
    std::vector<Net> nets;
    std::vector<std::pair<Net, uint16_t>> ports;
    auto refuse = [&](const std::string& why) {
        ++out.skipped;
        if (out.refused.size() < 5) out.refused.push_back(why);
    };
    LineReader lines(ioc_text);
    for (std::string_view line; lines.next(line);) {
        auto words = split_whitespace(line);
        if (words.empty() || words[0].empty() || words[0][0] == '#') continue;
        std::string_view tok = words[0];
        Net n;
        std::string_view a;
        uint16_t port = 0;
        if (size_t slash = tok.find('/'); slash != std::string_view::npos) {
            unsigned long long len = 0;
            if (!parse_addr(tok.substr(0, slash), n) || !parse_decimal(tok.substr(slash + 1), 3, len) ||
                len > (n.v6 ? 128u : 32u)) {
                ++out.skipped;
                continue;
            }
            n.len = static_cast<int>(len);
            mask(n);
        } else if (parse_addr(tok, n)) {
        } else if (split_port(tok, a, port) && parse_addr(a, n)) {
        } else {
            ++out.skipped;  // a domain: matched by name elsewhere, never resolved here
            continue;
        }
        if (std::string why = refusal(n); !why.empty()) {
            refuse(net_text(n) + ": " + why);
            continue;
        }
        if (nets.size() + ports.size() >= max) {
            refuse(fmt::format("more than {} pool addresses", max));
            continue;
        }
        if (port) ports.emplace_back(n, port);
        else nets.push_back(n);
    }
    // widest first, so that a covered network meets its cover before itself
    std::sort(nets.begin(), nets.end(), [](const Net& x, const Net& y) { return std::tie(x.len, x) < std::tie(y.len, y); });
    std::vector<Net> kept;
    for (const Net& n : nets) {
        if (std::any_of(kept.begin(), kept.end(), [&](const Net& k) { return covers(k, n); })) continue;
        kept.push_back(n);
    }
    std::sort(kept.begin(), kept.end());
    for (const Net& n : kept) (n.v6 ? out.nets6 : out.nets4).push_back(net_text(n));
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end(), [](const auto& x, const auto& y) {
                    return !(x.first < y.first) && !(y.first < x.first) && x.second == y.second;
                }), ports.end());
    for (const auto& [n, p] : ports) {
        if (std::any_of(kept.begin(), kept.end(), [&](const Net& k) { return covers(k, n); })) continue;  // every port dropped already
        (n.v6 ? out.ports6 : out.ports4).push_back(addr_text(n) + " . " + std::to_string(p));
    }
    return out;
}

bool valid_cgroup_path(std::string_view path) {
    if (path.empty() || path.size() > 255 || path.front() == '/' || path.back() == '/') return false;
    for (size_t at = 0; at <= path.size();) {
        size_t end = std::min(path.find('/', at), path.size());
        std::string_view name = path.substr(at, end - at);
        if (name.empty() || name == "." || name == "..") return false;
        for (char c : name)
            if (!(is_ascii_alnum(c) || c == '.' || c == '_' || c == '-')) return false;
        at = end + 1;
    }
    return true;
}

std::string isolate_table_batch() {
    const char* t = kIsolateTable;
    std::string b = fmt::format(
        "table inet {0} {{\n"
        "\tset cgroups {{ typeof socket cgroupv2 level 2; flags timeout; }}\n"
        "\tset conns4 {{ typeof ip saddr . tcp sport . ip daddr . tcp dport; flags timeout; }}\n"
        "\tset conns6 {{ typeof ip6 saddr . tcp sport . ip6 daddr . tcp dport; flags timeout; }}\n"
        "\tset pools4 {{ type ipv4_addr; flags interval,timeout; }}\n"
        "\tset pools6 {{ type ipv6_addr; flags interval,timeout; }}\n"
        "\tset poolports4 {{ type ipv4_addr . inet_service; flags timeout; }}\n"
        "\tset poolports6 {{ type ipv6_addr . inet_service; flags timeout; }}\n"
        "\tchain output {{ type filter hook output priority filter; policy accept; }}\n"
        "\tchain input {{ type filter hook input priority filter; policy accept; }}\n"
        "}}\n"
        "flush chain inet {0} output\n"
        "flush chain inet {0} input\n",
        t);
    auto rule = [&](const char* chain, const char* match, const char* why) {
        b += fmt::format("add rule inet {} {} {} counter drop comment \"{}\"\n", t, chain, match, why);
    };
    rule("output", "socket cgroupv2 level 2 @cgroups", "contained tree: new sockets");
    rule("output", "ip saddr . tcp sport . ip daddr . tcp dport @conns4", "contained tree: its connections");
    rule("output", "ip6 saddr . tcp sport . ip6 daddr . tcp dport @conns6", "contained tree: its connections");
    rule("output", "ip daddr @pools4", "listed pool");
    rule("output", "ip6 daddr @pools6", "listed pool");
    rule("output", "ip daddr . tcp dport @poolports4", "listed pool port");
    rule("output", "ip6 daddr . tcp dport @poolports6", "listed pool port");
    rule("input", "ip daddr . tcp dport . ip saddr . tcp sport @conns4", "contained tree: its connections");
    rule("input", "ip6 daddr . tcp dport . ip6 saddr . tcp sport @conns6", "contained tree: its connections");
    rule("input", "ip saddr @pools4", "listed pool");
    rule("input", "ip6 saddr @pools6", "listed pool");
    rule("input", "ip saddr . tcp sport @poolports4", "listed pool port");
    rule("input", "ip6 saddr . tcp sport @poolports6", "listed pool port");
    return b;
}

std::string isolate_batch(const IsolateSpec& s) {
    const int ttl = std::clamp(s.ttl_seconds, 1, 7 * 24 * 3600);
    std::string b = isolate_table_batch();
    if (valid_cgroup_path(s.cgroup)) b += refresh("cgroups", "\"" + s.cgroup + "\"", ttl);
    for (const TcpConn& c : s.conns)
        if (conn_ok(c)) b += refresh(c.v6 ? "conns6" : "conns4", conn_elem(c), ttl);
    // the pool sets hold the host's current list: replaced as a whole in the same batch
    auto pools = [&](const char* set, const std::vector<std::string>& elems) {
        b += fmt::format("flush set inet {} {}\n", kIsolateTable, set);
        for (size_t i = 0; i < elems.size(); i += 500) {
            b += fmt::format("add element inet {} {} {{ ", kIsolateTable, set);
            for (size_t j = i; j < std::min(elems.size(), i + 500); ++j)
                b += (j == i ? "" : ", ") + elems[j] + fmt::format(" timeout {}s", ttl);
            b += " }\n";
        }
    };
    pools("pools4", s.pools.nets4);
    pools("pools6", s.pools.nets6);
    pools("poolports4", s.pools.ports4);
    pools("poolports6", s.pools.ports6);
    return b;
}

std::string unisolate_batch(const IsolateSpec& s) {
    std::string b = isolate_table_batch();
    if (valid_cgroup_path(s.cgroup)) b += remove("cgroups", "\"" + s.cgroup + "\"");
    for (const TcpConn& c : s.conns)
        if (conn_ok(c)) b += remove(c.v6 ? "conns6" : "conns4", conn_elem(c));
    return b;
}

std::string delete_table_batch() {
    // "add" first: deleting a table that is not there is an error, adding one that is, is not
    return fmt::format("table inet {0} {{ }}\ndelete table inet {0}\n", kIsolateTable);
}

bool listing_has_process_elements(std::string_view listing) {
    for (const char* name : {"set cgroups {", "set conns4 {", "set conns6 {"}) {
        size_t at = listing.find(name);
        if (at == std::string_view::npos) continue;
        size_t end = std::min(listing.find("\tset ", at + 1), listing.find("\tchain ", at + 1));
        if (listing.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at).find("elements =") !=
            std::string_view::npos)
            return true;
    }
    return false;
}

}  // namespace mr
