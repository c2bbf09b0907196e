#include "rules/ioc_list.h"

#include <arpa/inet.h>

#include <cstring>

#include "rules/rule_text.h"
#include "util/expected.h"
#include "util/text_util.h"

namespace mr {
namespace {

// A CIDR prefix length, up to 3 digits (the caller checks it against the family).
bool parse_prefix_length(std::string_view s, int& out) {
    unsigned long long v;
    if (!parse_decimal(s, 3, v)) return false;
    out = int(v);
    return true;
}

}  // namespace

std::string normalize_domain(std::string_view s) {
    if (s.size() >= 2 && s[0] == '*' && s[1] == '.') s.remove_prefix(2);
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty() || s.size() > 253) return "";
    std::string out;
    out.reserve(s.size());
    size_t label = 0, labels = 1;
    bool last_label_alpha = false;
    for (char c : s) {
        if (c == '.') {
            if (label == 0) return "";
            label = 0;
            ++labels;
            last_label_alpha = false;
            out += c;
            continue;
        }
        c = to_lower_ascii(c);
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63) return "";
        if (c < '0' || c > '9') last_label_alpha = true;
        out += c;
    }
    // "a.b" at least, and the top label is not numeric (that would be an address).
    if (label == 0 || labels < 2 || !last_label_alpha) return "";
    return out;
}

size_t IocList::AddrHash::operator()(const Addr& a) const {
    uint64_t x = 1469598103934665603ull;
    for (uint8_t b : a) x = (x ^ b) * 1099511628211ull;
    return size_t(x);
}

const std::string* IocList::Ports::find(uint16_t port) const {
    if (!any.empty()) return &any;
    for (const auto& p : specific)
        if (port == 0 || p.first == port) return &p.second;
    return nullptr;
}

bool IocList::parse_addr(std::string_view s, Addr& out) {
    if (s.empty() || s.size() > 45) return false;
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = 0;
    in_addr v4;
    if (inet_pton(AF_INET, buf, &v4) == 1) {
        out.fill(0);
        out[10] = out[11] = 0xff;
        std::memcpy(&out[12], &v4, 4);
        return true;
    }
    in6_addr v6;
    if (inet_pton(AF_INET6, buf, &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        return true;
    }
    return false;
}

IocList::Addr IocList::mask(const Addr& a, int bits) {
    Addr m{};
    for (int i = 0; i < 16; ++i) {
        int keep = bits - 8 * i;
        if (keep >= 8) m[i] = a[i];
        else if (keep > 0) m[i] = uint8_t(a[i] & (0xff << (8 - keep)));
    }
    return m;
}

Status IocList::add(std::string_view s) {
    auto put = [](Ports& p, uint16_t port, std::string_view entry) {
        if (port == 0) p.any = std::string(entry);
        else p.specific.emplace_back(port, std::string(entry));
    };
    Addr a;
    // [v6]:port
    if (!s.empty() && s[0] == '[') {
        size_t close = s.find("]:");
        uint16_t port;
        if (close == std::string_view::npos || !parse_addr(s.substr(1, close - 1), a) ||
            !parse_port(s.substr(close + 2), port)) {
            return fail("bad [IPv6]:port");
        }
        put(addrs_[a], port, s);
        ++count_;
        return {};
    }
    // CIDR
    if (size_t slash = s.find('/'); slash != std::string_view::npos) {
        int bits;
        if (!parse_addr(s.substr(0, slash), a) || !parse_prefix_length(s.substr(slash + 1), bits)) {
            return fail("bad CIDR");
        }
        bool v4 = s.substr(0, slash).find(':') == std::string_view::npos;
        if (bits > (v4 ? 32 : 128)) {
            return fail("CIDR prefix too long");
        }
        if (v4) bits += 96;
        cidrs_[bits][mask(a, bits)] = std::string(s);
        ++count_;
        return {};
    }
    size_t colons = 0;
    for (char c : s) colons += c == ':';
    if (colons >= 2) {  // bare IPv6
        if (!parse_addr(s, a)) {
            return fail("bad IPv6 address");
        }
        put(addrs_[a], 0, s);
        ++count_;
        return {};
    }
    std::string_view host = s;
    uint16_t port = 0;
    if (colons == 1) {
        size_t c = s.find(':');
        host = s.substr(0, c);
        if (!parse_port(s.substr(c + 1), port)) {
            return fail("bad port");
        }
    }
    if (parse_addr(host, a)) {
        put(addrs_[a], port, s);
        ++count_;
        return {};
    }
    std::string d = normalize_domain(host);
    if (d.empty()) {
        return fail("not a domain, address, CIDR or addr:port");
    }
    put(domains_[d], port, s);
    ++count_;
    return {};
}

void IocList::merge(const IocList& o) {
    for (const auto& [k, p] : o.domains_) {
        Ports& mine = domains_[k];
        if (!p.any.empty()) mine.any = p.any;
        mine.specific.insert(mine.specific.end(), p.specific.begin(), p.specific.end());
    }
    for (const auto& [k, p] : o.addrs_) {
        Ports& mine = addrs_[k];
        if (!p.any.empty()) mine.any = p.any;
        mine.specific.insert(mine.specific.end(), p.specific.begin(), p.specific.end());
    }
    for (const auto& [bits, m] : o.cidrs_)
        for (const auto& [k, e] : m) cidrs_[bits][k] = e;
    count_ += o.count_;
}

std::string IocList::match_addr(std::string_view addr, uint16_t port) const {
    Addr a;
    if (!parse_addr(addr, a)) return "";
    if (auto it = addrs_.find(a); it != addrs_.end())
        if (const std::string* e = it->second.find(port)) return *e;
    for (const auto& [bits, m] : cidrs_) {
        auto it = m.find(mask(a, bits));
        if (it != m.end()) return it->second;
    }
    return "";
}

std::string IocList::match_host(std::string_view host, uint16_t port) const {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty() || host.size() > 253) return "";
    Addr a;
    if (parse_addr(host, a)) return match_addr(host, port);
    if (domains_.empty()) return "";
    std::string d = normalize_domain(host);
    if (d.empty()) return "";
    // The name itself, then each parent domain: a listed domain covers its subdomains.
    for (size_t pos = 0; pos != std::string::npos;) {
        auto it = domains_.find(pos ? d.substr(pos) : d);
        if (it != domains_.end())
            if (const std::string* e = it->second.find(port)) return *e;
        size_t dot = d.find('.', pos);
        pos = dot == std::string::npos ? dot : dot + 1;
    }
    return "";
}

Expected<IocList> IocList::parse(std::string_view text, const std::string& file) {
    RuleText rt = split_rule_text(text);
    IocList list;
    list.version_ = rt.version;
    for (const RuleLine& l : rt.lines) {
        if (l.fields.size() != 1)
            return fail_at(file, l.line, "one indicator per line expected, then a # comment");
        if (Status added = list.add(l.fields[0]); !added)
            return fail_at(file, l.line, added.error().message + ": " + quote_for_error(l.fields[0]));
    }
    return list;
}

}  // namespace mr
