#include "collect/proc_parse.h"

#include <cstdio>

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mr {

namespace {

void skip_spaces(std::string_view& s) {
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    s.remove_prefix(i);
}

bool take_i64(std::string_view& s, int64_t& v) {
    bool neg = false;
    if (!s.empty() && s[0] == '-') { neg = true; s.remove_prefix(1); }
    uint64_t u = 0;
    if (!take_u64(s, u)) return false;
    v = static_cast<int64_t>(neg ? 0 - u : u);  // unsigned negation: no overflow on garbage
    return true;
}

// Skips n space-separated fields.
bool skip_fields(std::string_view& s, int n) {
    for (int i = 0; i < n; ++i) {
        skip_spaces(s);
        size_t e = s.find(' ');
        if (e == std::string_view::npos) return false;
        s.remove_prefix(e);
    }
    return true;
}

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool hex_u32(std::string_view h, uint32_t& v) {
    if (h.size() != 8) return false;
    v = 0;
    for (char c : h) {
        int x = hexval(c);
        if (x < 0) return false;
        v = (v << 4) | static_cast<uint32_t>(x);
    }
    return true;
}

bool hex_u16(std::string_view h, uint16_t& v) {
    if (h.empty() || h.size() > 4) return false;
    uint32_t x = 0;
    for (char c : h) {
        int d = hexval(c);
        if (d < 0) return false;
        x = (x << 4) | static_cast<uint32_t>(d);
    }
    v = static_cast<uint16_t>(x);
    return true;
}

// The value after "Key:" on the line starting at `key` in a status file, or empty.
std::string_view status_value(std::string_view text, std::string_view key) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
            line[key.size()] == ':')
            return line.substr(key.size() + 1);
        pos = eol + 1;
    }
    return {};
}

bool parse_endpoint(std::string_view ep, bool v6, IpAddr& addr, uint16_t& port) {
    size_t colon = ep.find(':');
    if (colon == std::string_view::npos) return false;
    if (!hex_u16(ep.substr(colon + 1), port)) return false;
    return v6 ? hex_to_ipv6(ep.substr(0, colon), addr) : hex_to_ipv4(ep.substr(0, colon), addr);
}

std::string_view next_token(std::string_view& s) {
    skip_spaces(s);
    size_t e = 0;
    while (e < s.size() && s[e] != ' ' && s[e] != '\t' && s[e] != '\n') ++e;
    std::string_view t = s.substr(0, e);
    s.remove_prefix(e);
    return t;
}

}  // namespace

bool take_u64(std::string_view& s, uint64_t& v) {
    size_t i = 0;
    uint64_t x = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        x = x * 10 + static_cast<uint64_t>(s[i] - '0');
        ++i;
    }
    if (i == 0) return false;
    v = x;
    s.remove_prefix(i);
    return true;
}

bool parse_stat(std::string_view text, StatFields& out) {
    std::string_view s = text;
    uint64_t pid = 0;
    skip_spaces(s);
    if (!take_u64(s, pid)) return false;
    size_t open = text.find('(');
    size_t close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return false;
    out.pid = static_cast<int>(pid);
    out.comm.assign(text.data() + open + 1, close - open - 1);
    s = text.substr(close + 1);
    skip_spaces(s);
    if (s.empty()) return false;
    out.state = s[0];
    s.remove_prefix(1);
    // Fields numbered as in proc(5): we stand after 3 (state).
    int64_t ppid = 0;
    skip_spaces(s);
    if (!take_i64(s, ppid)) return false;                  // 4
    if (!skip_fields(s, 9)) return false;                  // 5..13
    uint64_t utime = 0, stime = 0;
    skip_spaces(s);
    if (!take_u64(s, utime)) return false;                 // 14
    skip_spaces(s);
    if (!take_u64(s, stime)) return false;                 // 15
    if (!skip_fields(s, 3)) return false;                  // 16..18
    int64_t nice = 0, threads = 0;
    skip_spaces(s);
    if (!take_i64(s, nice)) return false;                  // 19
    skip_spaces(s);
    if (!take_i64(s, threads)) return false;               // 20
    if (!skip_fields(s, 1)) return false;                  // 21
    uint64_t start = 0;
    skip_spaces(s);
    if (!take_u64(s, start)) return false;                 // 22
    out.ppid = static_cast<int>(ppid);
    out.utime = utime;
    out.stime = stime;
    out.nice = static_cast<int>(nice);
    out.num_threads = static_cast<int>(threads);
    out.start_ticks = start;
    return true;
}

bool parse_status(std::string_view text, StatusFields& out) {
    out = StatusFields{};
    std::string_view uid = status_value(text, "Uid");
    skip_spaces(uid);
    uint64_t v = 0;
    if (take_u64(uid, v)) {
        out.has_uid = true;
        out.uid = static_cast<uint32_t>(v);
    }
    std::string_view tgid = status_value(text, "Tgid");
    skip_spaces(tgid);
    if (take_u64(tgid, v)) out.tgid = static_cast<int>(v);
    std::string_view ns = status_value(text, "NStgid");
    for (;;) {
        skip_spaces(ns);
        if (!take_u64(ns, v)) break;
        out.nstgid.push_back(static_cast<int>(v));
    }
    std::string_view cap = status_value(text, "CapEff");
    skip_spaces(cap);
    uint64_t c = 0;
    for (char ch : cap) {
        int d = hexval(ch);
        if (d < 0) break;
        c = (c << 4) | static_cast<uint64_t>(d);
    }
    out.cap_eff = c;
    return out.has_uid;
}

std::string pick_cgroup(std::string_view text) {
    std::string_view first;
    bool have_first = false;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        size_t c1 = line.find(':');
        if (c1 == std::string_view::npos) continue;
        size_t c2 = line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        std::string_view path = line.substr(c2 + 1);
        if (line.substr(0, c1) == "0" && c2 == c1 + 1) return std::string(path);
        if (!have_first) { first = path; have_first = true; }
    }
    return std::string(first);
}

std::string container_id_from_cgroup(std::string_view path) {
    std::string_view found;
    size_t i = 0;
    while (i < path.size()) {
        if (hexval(path[i]) < 0) { ++i; continue; }
        size_t j = i;
        while (j < path.size() && hexval(path[j]) >= 0) ++j;
        if (j - i == 64) found = path.substr(i, 64);
        i = j;
    }
    std::string id(found);
    for (char& c : id)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return id;
}

uint64_t parse_ns_link(std::string_view t) {
    size_t open = t.find(":[");
    if (open == std::string_view::npos || t.empty() || t.back() != ']') return 0;
    std::string_view n = t.substr(open + 2, t.size() - open - 3);
    uint64_t v = 0;
    if (!take_u64(n, v) || !n.empty()) return 0;
    return v;
}

uint64_t parse_socket_link(std::string_view t) {
    if (t.size() < 10 || t.compare(0, 8, "socket:[") != 0) return 0;
    return parse_ns_link(t);
}

ExeLink parse_exe_link(std::string_view t) {
    ExeLink e;
    static constexpr std::string_view deleted = " (deleted)";
    if (t.size() >= deleted.size() && t.substr(t.size() - deleted.size()) == deleted) {
        e.deleted = true;
        t.remove_suffix(deleted.size());
    }
    e.memfd = t.compare(0, 7, "/memfd:") == 0;
    e.path.assign(t);
    return e;
}

bool hex_to_ipv4(std::string_view hex, IpAddr& out) {
    uint32_t w = 0;
    if (!hex_u32(hex, w)) return false;
    // The word was printed as a host-order integer of network-order bytes: on little-endian
    // the low byte is the first octet.
    unsigned char b[4] = {static_cast<unsigned char>(w), static_cast<unsigned char>(w >> 8),
                          static_cast<unsigned char>(w >> 16), static_cast<unsigned char>(w >> 24)};
    out = IpAddr::v4(b);
    return true;
}

bool hex_to_ipv6(std::string_view hex, IpAddr& out) {
    if (hex.size() != 32) return false;
    unsigned char bytes[16];
    for (int word = 0; word < 4; ++word) {
        uint32_t w = 0;
        if (!hex_u32(hex.substr(static_cast<size_t>(word) * 8, 8), w)) return false;
        for (int k = 0; k < 4; ++k) bytes[word * 4 + k] = static_cast<unsigned char>(w >> (8 * k));
    }
    out = IpAddr::v6(bytes);
    return true;
}

bool hex_to_ipv4(std::string_view hex, std::string& out) {
    IpAddr a;
    if (!hex_to_ipv4(hex, a)) return false;
    out = a.to_string();
    return true;
}

bool hex_to_ipv6(std::string_view hex, std::string& out) {
    IpAddr a;
    if (!hex_to_ipv6(hex, a)) return false;
    out = a.to_string();
    return true;
}

const char* tcp_state_name(int st) {
    static const char* const names[] = {"UNKNOWN",   "ESTABLISHED", "SYN_SENT",   "SYN_RECV",
                                        "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",  "CLOSE",
                                        "CLOSE_WAIT", "LAST_ACK",   "LISTEN",     "CLOSING",
                                        "NEW_SYN_RECV"};
    if (st < 0 || st >= static_cast<int>(sizeof names / sizeof names[0])) return "UNKNOWN";
    return names[st];
}

const char* udp_state_name(int st) {
    return st == 1 ? "ESTABLISHED" : "UNCONN";
}

bool parse_net_line(std::string_view line, SocketProto proto, SocketInfo& out) {
    const bool v6 = proto == SocketProto::tcp6 || proto == SocketProto::udp6;
    std::string_view s = line;
    std::string_view sl = next_token(s);
    if (sl.empty() || sl.back() != ':') return false;
    if (!parse_endpoint(next_token(s), v6, out.local_addr, out.local_port)) return false;
    if (!parse_endpoint(next_token(s), v6, out.remote_addr, out.remote_port)) return false;
    std::string_view st = next_token(s);
    uint16_t state = 0;
    if (!hex_u16(st, state)) return false;
    next_token(s);  // tx_queue:rx_queue
    next_token(s);  // tr:tm->when
    next_token(s);  // retrnsmt
    std::string_view uid = next_token(s);
    uint64_t v = 0;
    if (!take_u64(uid, v)) return false;
    out.uid = static_cast<uint32_t>(v);
    next_token(s);  // timeout
    std::string_view inode = next_token(s);
    if (!take_u64(inode, v)) return false;
    out.inode = v;
    out.proto = proto;
    out.state = (proto == SocketProto::tcp || proto == SocketProto::tcp6) ? SockState::from_tcp(state)
                                                                         : SockState::from_udp(state);
    return true;
}

bool parse_proc_stat(std::string_view text, CpuTotals& out) {
    out = CpuTotals{};
    bool have = false;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.compare(0, 6, "btime ") == 0) {
            std::string_view b = line.substr(6);
            skip_spaces(b);
            take_u64(b, out.btime);
            continue;
        }
        if (line.compare(0, 3, "cpu") != 0) continue;
        if (line.size() > 3 && line[3] >= '0' && line[3] <= '9') { ++out.cpus; continue; }
        if (line.size() < 4 || line[3] != ' ') continue;
        std::string_view s = line.substr(3);
        uint64_t f[10] = {};
        int n = 0;
        for (; n < 10; ++n) {
            skip_spaces(s);
            if (!take_u64(s, f[n])) break;
        }
        if (n < 4) return false;
        uint64_t total = 0;
        // guest and guest_nice (9, 10) are already counted in user and nice.
        for (int i = 0; i < n && i < 8; ++i) total += f[i];
        out.total = total;
        out.busy = total - f[3] - (n > 4 ? f[4] : 0);
        have = true;
    }
    return have;
}

bool parse_uptime(std::string_view text, double& out) {
    uint64_t whole = 0;
    std::string_view s = text;
    if (!take_u64(s, whole)) return false;
    double frac = 0, scale = 0.1;
    if (!s.empty() && s[0] == '.') {
        s.remove_prefix(1);
        while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
            frac += (s[0] - '0') * scale;
            scale /= 10;
            s.remove_prefix(1);
        }
    }
    out = static_cast<double>(whole) + frac;
    return true;
}

std::string_view take_line(std::string_view& s) {
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    s.remove_prefix(nl == std::string_view::npos ? s.size() : nl + 1);
    return line;
}

bool take_space_u64(std::string_view& s, uint64_t& v) {
    if (s.empty() || s[0] != ' ') return false;
    s.remove_prefix(1);
    return take_u64(s, v);
}

void append_space_u64(std::string& out, uint64_t v) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, " %llu", static_cast<unsigned long long>(v));
    out.append(buf, static_cast<size_t>(n));
}

}  // namespace mr
