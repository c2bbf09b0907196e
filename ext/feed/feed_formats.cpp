#include "feed/feed_formats.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "util/text_util.h"

namespace mr {

namespace {

// A feed line's blanks: printable-only lines leave just space and tab inside; '\r' ends lines
// of files written on Windows.
constexpr std::string_view kBlanks = " \t";
constexpr std::string_view kLineBlanks = " \t\r";

std::string_view trim_line(std::string_view s) { return trim(s, kLineBlanks); }

std::string_view first_token(std::string_view s) { return s.substr(0, s.find_first_of(kBlanks)); }

// Reads a port into FeedEntry::port.
bool parse_entry_port(std::string_view s, int& port) {
    uint16_t p;
    if (!parse_port(s, p)) return false;
    port = p;
    return true;
}

// Parses a bare IPv4/IPv6 address into `e` (family, addr, host).
bool parse_address(std::string_view s, FeedEntry& e) {
    if (s.empty() || s.size() > 45) return false;
    std::string str(s);
    unsigned char buf[16] = {};
    char out[INET6_ADDRSTRLEN] = {};
    if (str.find(':') == std::string::npos) {
        if (inet_pton(AF_INET, str.c_str(), buf) != 1) return false;
        e.family = 4;
        std::memcpy(e.addr, buf, 4);
        inet_ntop(AF_INET, buf, out, sizeof out);
    } else {
        if (inet_pton(AF_INET6, str.c_str(), buf) != 1) return false;
        e.family = 6;
        std::memcpy(e.addr, buf, 16);
        inet_ntop(AF_INET6, buf, out, sizeof out);
    }
    e.host = out;
    e.prefix = e.family == 4 ? 32 : 128;
    return true;
}

bool valid_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Lower-cases and checks a domain; strips a trailing dot and a leading "*." / ".".
Expected<std::string> parse_domain(std::string_view s) {
    std::string d = to_lower_ascii(s);
    if (d == "*" || d == "*.") return std::string("*");  // kept as an entry so validation can name it
    if (d.size() >= 2 && d[0] == '*' && d[1] == '.') d.erase(0, 2);
    else if (!d.empty() && d[0] == '.') d.erase(0, 1);
    if (!d.empty() && d.back() == '.') d.pop_back();
    if (d.empty()) return fail("empty domain");
    if (d.size() > 253) return fail("domain longer than 253 characters");
    std::size_t label_len = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        char c = d[i];
        if (c == '.') {
            if (label_len == 0) return fail("empty label in domain");
            label_len = 0;
            continue;
        }
        if (!valid_label_char(c)) return fail("invalid character in domain");
        if (++label_len > 63) return fail("domain label longer than 63 characters");
    }
    // An all-numeric dotted name is a malformed address, not a domain.
    if (d.find_first_not_of("0123456789.") == std::string::npos) return fail("malformed IP address");
    return d;
}

void mask_host_bits(FeedEntry& e) {
    int bits = e.family == 4 ? 32 : 128;
    for (int i = 0; i < bits / 8; ++i) {
        int keep = e.prefix - i * 8;
        if (keep >= 8) continue;
        unsigned char mask = keep <= 0 ? 0 : static_cast<unsigned char>(0xFF << (8 - keep));
        e.addr[i] &= mask;
    }
}

std::string address_text(const FeedEntry& e) {
    char out[INET6_ADDRSTRLEN] = {};
    inet_ntop(e.family == 4 ? AF_INET : AF_INET6, e.addr, out, sizeof out);
    return out;
}

// Strips a "#" comment (maltrail puts them after entries too) and surrounding blanks.
std::string_view strip_comment(std::string_view line) {
    std::size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    return trim_line(line);
}

bool is_comment(std::string_view line) {
    return line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '!';
}

// Names every hosts file carries that are not indicators.
bool hosts_boilerplate(std::string_view name) {
    static const char* const names[] = {"localhost", "localhost.localdomain", "local",
                                        "broadcasthost", "ip6-localhost", "ip6-loopback",
                                        "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes",
                                        "ip6-allrouters", "ip6-allhosts", "0.0.0.0"};
    std::string l = to_lower_ascii(name);
    for (const char* n : names)
        if (l == n) return true;
    return false;
}

enum class LineResult { Entry, Skipped, Bad };

struct LineOutcome {
    LineResult result = LineResult::Bad;
    std::vector<FeedEntry> entries;
    std::string reason;
};

LineOutcome parse_token(std::string_view token) {
    LineOutcome o;
    if (auto e = parse_ioc_entry(token)) {
        o.result = LineResult::Entry;
        o.entries.push_back(std::move(*e));
    } else {
        o.reason = e.error().message;
    }
    return o;
}

// maltrail: URLs give their host (and port); bare paths ("/xmrig/") are not network indicators.
LineOutcome parse_maltrail(std::string_view token) {
    std::string l = to_lower_ascii(token);
    std::string_view t = token;
    if (l.rfind("http://", 0) == 0) t.remove_prefix(7);
    else if (l.rfind("https://", 0) == 0) t.remove_prefix(8);
    if (!t.empty() && t[0] == '/') return {LineResult::Skipped, {}, ""};
    std::size_t slash = t.find('/');
    if (slash != std::string_view::npos) {
        std::string_view before = t.substr(0, slash);
        std::string_view after = t.substr(slash + 1);
        bool cidr = !after.empty() && after.find_first_not_of("0123456789") == std::string_view::npos;
        if (!cidr) t = before;  // "host/path": the host is the indicator
    }
    return parse_token(t);
}

// A list of one kind of indicator: an entry of another kind is a bad line, saying `expected`.
LineOutcome only_kinds(LineOutcome o, EntryKind a, EntryKind b, const char* expected) {
    if (o.result == LineResult::Entry && o.entries[0].kind != a && o.entries[0].kind != b)
        return {LineResult::Bad, {}, expected};
    return o;
}

LineOutcome parse_line(std::string_view line, FeedFormat format) {
    switch (format) {
        case FeedFormat::Hosts: {
            auto toks = split_whitespace(line, kBlanks);
            LineOutcome o;
            FeedEntry sink;
            if (toks.size() < 2 || !parse_address(toks[0], sink)) {
                o.reason = "expected 'ADDRESS DOMAIN'";
                return o;
            }
            o.result = LineResult::Skipped;
            for (std::size_t i = 1; i < toks.size(); ++i) {
                if (hosts_boilerplate(toks[i])) continue;
                auto domain = parse_domain(toks[i]);
                if (!domain) return {LineResult::Bad, {}, domain.error().message};
                auto e = parse_ioc_entry(*domain);
                if (e) o.entries.push_back(std::move(*e));
            }
            if (!o.entries.empty()) o.result = LineResult::Entry;
            return o;
        }
        case FeedFormat::Domains: {
            auto toks = split_whitespace(line, kBlanks);
            if (toks.size() != 1) return {LineResult::Bad, {}, "expected one domain"};
            return only_kinds(parse_token(toks[0]), EntryKind::Domain, EntryKind::Address,
                              "expected a domain");
        }
        case FeedFormat::Ips:
            return only_kinds(parse_token(first_token(line)), EntryKind::Address, EntryKind::Cidr,
                              "expected an IP address or CIDR");
        case FeedFormat::IpPort:
            return only_kinds(parse_token(first_token(line)), EntryKind::AddressPort,
                              EntryKind::DomainPort, "expected ADDRESS:PORT");
        case FeedFormat::Maltrail: return parse_maltrail(first_token(line));
        case FeedFormat::Ioc: {
            auto toks = split_whitespace(line, kBlanks);
            if (toks.size() != 1) return {LineResult::Bad, {}, "expected one entry"};
            return parse_token(toks[0]);
        }
    }
    return {};
}

}  // namespace

std::optional<FeedFormat> feed_format_from_name(std::string_view name) {
    std::string n = to_lower_ascii(name);
    if (n == "domains" || n == "list") return FeedFormat::Domains;
    if (n == "hosts") return FeedFormat::Hosts;
    if (n == "ips") return FeedFormat::Ips;
    if (n == "ipport") return FeedFormat::IpPort;
    if (n == "maltrail") return FeedFormat::Maltrail;
    if (n == "ioc") return FeedFormat::Ioc;
    return std::nullopt;
}

const char* feed_format_name(FeedFormat f) {
    switch (f) {
        case FeedFormat::Domains: return "domains";
        case FeedFormat::Hosts: return "hosts";
        case FeedFormat::Ips: return "ips";
        case FeedFormat::IpPort: return "ipport";
        case FeedFormat::Maltrail: return "maltrail";
        case FeedFormat::Ioc: return "ioc";
    }
    return "?";
}

Expected<FeedEntry> parse_ioc_entry(std::string_view token) {
    token = trim_line(token);
    if (token.empty()) return fail("empty entry");
    if (token.size() > 260) return fail("entry too long");
    FeedEntry e;
    if (token[0] == '[') {  // [v6]:port
        std::size_t close = token.find(']');
        if (close == std::string_view::npos) return fail("missing ']' in [IPv6]:port");
        if (!parse_address(token.substr(1, close - 1), e) || e.family != 6)
            return fail("bad IPv6 address in [IPv6]:port");
        std::string_view rest = token.substr(close + 1);
        if (rest.size() < 2 || rest[0] != ':' || !parse_entry_port(rest.substr(1), e.port))
            return fail("bad port");
        e.kind = EntryKind::AddressPort;
        e.text = "[" + e.host + "]:" + std::to_string(e.port);
        return e;
    }
    std::size_t slash = token.find('/');
    if (slash != std::string_view::npos) {
        if (!parse_address(token.substr(0, slash), e)) return fail("bad address in CIDR");
        std::string_view p = token.substr(slash + 1);
        int max = e.family == 4 ? 32 : 128;
        unsigned long long digits;
        if (!parse_decimal(p, 3, digits)) return fail("bad CIDR prefix length");
        int prefix = int(digits);
        if (prefix > max) return fail("CIDR prefix length too long");
        e.prefix = prefix;
        mask_host_bits(e);
        e.host = address_text(e);
        if (prefix == max) {
            e.kind = EntryKind::Address;
            e.text = e.host;
        } else {
            e.kind = EntryKind::Cidr;
            e.text = e.host + "/" + std::to_string(prefix);
        }
        return e;
    }
    if (parse_address(token, e)) {
        e.kind = EntryKind::Address;
        e.text = e.host;
        return e;
    }
    std::size_t colon = token.find(':');
    if (colon != std::string_view::npos) {
        if (token.find(':', colon + 1) != std::string_view::npos) return fail("bad IPv6 address");
        std::string_view host = token.substr(0, colon);
        if (!parse_entry_port(token.substr(colon + 1), e.port)) return fail("bad port");
        if (parse_address(host, e)) {
            e.kind = EntryKind::AddressPort;
        } else {
            auto domain = parse_domain(host);
            if (!domain) return fail(domain.error());
            if (*domain == "*") return fail("bad host before port");
            e.host = *domain;
            e.kind = EntryKind::DomainPort;
            e.family = 0;
        }
        e.text = e.host + ":" + std::to_string(e.port);
        return e;
    }
    auto domain = parse_domain(token);
    if (!domain) return fail(domain.error());
    e.host = *domain;
    e.kind = EntryKind::Domain;
    e.family = 0;
    e.prefix = -1;
    e.text = e.host;
    return e;
}

ParsedFeed parse_feed(std::string_view body, FeedFormat format) {
    ParsedFeed out;
    for (unsigned char c : body) {
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
            out.binary = true;
            break;
        }
    }
    LineReader lines(body);
    auto bad = [&](std::string reason) {
        ++out.bad_count;
        if (out.bad.size() < kMaxBadLinesKept) out.bad.push_back({lines.number(), std::move(reason)});
    };
    for (std::string_view raw; lines.next(raw);) {
        std::string_view line = trim_line(raw);
        if (is_comment(line)) continue;
        line = strip_comment(line);
        if (line.empty()) continue;
        ++out.lines;
        if (raw.size() > kMaxLineLength) {
            bad("line longer than " + std::to_string(kMaxLineLength) + " characters");
            continue;
        }
        bool printable = std::all_of(line.begin(), line.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return (u >= 0x20 && u < 0x7F) || c == '\t';
        });
        if (!printable) {
            bad("non-ASCII or control characters");
            continue;
        }
        LineOutcome o = parse_line(line, format);
        switch (o.result) {
            case LineResult::Entry:
                for (auto& e : o.entries) out.entries.push_back(std::move(e));
                break;
            case LineResult::Skipped: ++out.skipped; break;
            case LineResult::Bad: bad(o.reason.empty() ? "unrecognised entry" : o.reason); break;
        }
    }
    return out;
}

bool address_in_cidr(const FeedEntry& a, const FeedEntry& cidr) {
    if (a.family == 0 || a.family != cidr.family || cidr.prefix < 0) return false;
    if (a.prefix >= 0 && a.prefix < cidr.prefix) return false;  // a wider range is not inside
    int full = cidr.prefix / 8, rest = cidr.prefix % 8;
    if (std::memcmp(a.addr, cidr.addr, full) != 0) return false;
    if (rest == 0) return true;
    unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
    return (a.addr[full] & mask) == (cidr.addr[full] & mask);
}

bool ranges_overlap(const FeedEntry& a, const FeedEntry& b) {
    return address_in_cidr(a, b) || address_in_cidr(b, a);
}

bool domain_covered_by(std::string_view domain, std::string_view parent) {
    if (parent.empty() || domain.size() < parent.size()) return false;
    if (domain == parent) return true;
    return domain.size() > parent.size() &&
           domain.substr(domain.size() - parent.size()) == parent &&
           domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace mr
