#include "server/agentless.h"

#include <cstdlib>
#include <set>
#include <tuple>

#include "xymon/client_sections.h"

namespace mr {

namespace {
constexpr size_t kMaxProcs = 100000;
constexpr size_t kMaxSockets = 100000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string_view> tokens(std::string_view s, size_t max, size_t* end_of_last = nullptr) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size() && out.size() < max) {
        while (i < s.size() && is_space(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    if (end_of_last) *end_of_last = i;
    return out;
}

bool parse_int(std::string_view s, long& out) {
    if (s.empty() || s.size() > 18) return false;
    long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool is_month(std::string_view s) {
    return s.size() == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z';
}

// Removes ps's forest drawing: runs of spaces, "|" and "\_ " before the command.
std::string_view strip_forest(std::string_view cmd) {
    while (!cmd.empty()) {
        if (cmd[0] == ' ' || cmd[0] == '|') cmd.remove_prefix(1);
        else if (cmd.substr(0, 3) == "\\_ ") cmd.remove_prefix(3);
        else break;
    }
    return cmd;
}

std::string basename_of(std::string_view path) {
    size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}
}  // namespace

std::vector<ProcessInfo> parse_ps_section(std::string_view content, int* skipped) {
    std::vector<ProcessInfo> procs;
    int bad = 0;
    for (std::string_view line : split_lines(content)) {
        std::vector<std::string_view> head = tokens(line, 3);
        long pid = 0, ppid = 0;
        if (head.size() < 3 || !parse_int(head[0], pid) || !parse_int(head[1], ppid)) {
            // The column header ("PID PPID ...") and blank lines are expected; others are not.
            if (!line.empty() && !(head.size() > 0 && head[0] == "PID")) ++bad;
            continue;
        }
        // STARTED is "HH:MM:SS", "Mmm dd" (two tokens) or a year: find where it ends, then
        // S PRI %CPU TIME %MEM RSZ VSZ, then the command with its own spacing.
        size_t after_user = 0;
        tokens(line, 3, &after_user);
        std::string_view rest = line.substr(after_user);
        std::vector<std::string_view> start_tok = tokens(rest, 2);
        size_t start_count = (!start_tok.empty() && is_month(start_tok[0])) ? 2 : 1;
        size_t end = 0;
        std::vector<std::string_view> cols = tokens(rest, start_count + 7, &end);
        if (cols.size() < start_count + 7 || end >= rest.size()) {
            ++bad;
            continue;
        }
        if (procs.size() >= kMaxProcs) break;
        ProcessInfo p;
        p.pid = static_cast<int>(pid);
        p.ppid = static_cast<int>(ppid);
        p.user = std::string(head[2]);
        p.state = cols[start_count].empty() ? '?' : cols[start_count][0];
        p.cores = std::strtod(std::string(cols[start_count + 2]).c_str(), nullptr) / 100.0;
        if (!(p.cores >= 0 && p.cores < 100000)) p.cores = 0;  // also rejects NaN
        // ps gives no per-thread figures: leave the busiest thread unknown rather than invent it.
        p.max_thread_cores = 0;
        std::string_view cmd = rest.substr(end);
        if (!cmd.empty() && cmd[0] == ' ') cmd.remove_prefix(1);  // the column separator
        cmd = strip_forest(cmd);
        if (cmd.size() > 2 && cmd.front() == '[' && cmd.back() == ']' && cmd.find(' ') == std::string_view::npos) {
            p.comm = std::string(cmd.substr(1, cmd.size() - 2));
            p.kernel_thread = true;
        } else {
            for (std::string_view a : tokens(cmd, 256)) p.argv.emplace_back(a);
            // /proc comm is the executable's base name cut to 15 bytes.
            p.comm = p.argv.empty() ? std::string() : basename_of(p.argv[0]).substr(0, 15);
        }
        // No binary to look at: the exe stays unknown, so exe and sha256 rules cannot be fooled by
        // an argv[0] the process chose itself.
        p.exe_readable = false;
        procs.push_back(std::move(p));
    }
    if (skipped) *skipped = bad;
    return procs;
}

bool split_netstat_address(std::string_view s, std::string& addr, uint16_t& port) {
    size_t colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    addr = std::string(s.substr(0, colon));
    std::string_view p = s.substr(colon + 1);
    long v = 0;
    if (p == "*") v = 0;
    else if (!parse_int(p, v) || v > 65535) return false;
    port = static_cast<uint16_t>(v);
    return true;
}

std::vector<SocketInfo> parse_ports_section(std::string_view content, int* skipped) {
    std::vector<SocketInfo> socks;
    std::set<std::tuple<int, std::string, uint16_t, std::string, uint16_t>> seen;
    int bad = 0;
    for (std::string_view line : split_lines(content)) {
        std::vector<std::string_view> t = tokens(line, 7);
        if (t.empty()) continue;
        SocketProto proto;
        if (t[0] == "tcp") proto = SocketProto::tcp;
        else if (t[0] == "tcp6") proto = SocketProto::tcp6;
        else if (t[0] == "udp") proto = SocketProto::udp;
        else if (t[0] == "udp6") proto = SocketProto::udp6;
        else {
            if (t[0] != "Active" && t[0] != "Proto") ++bad;
            continue;
        }
        if (t.size() < 5) {
            ++bad;
            continue;
        }
        SocketInfo s;
        s.proto = proto;
        std::string local, remote;
        if (!split_netstat_address(t[3], local, s.local_port) ||
            !split_netstat_address(t[4], remote, s.remote_port)) {
            ++bad;
            continue;
        }
        s.local_addr = local;    // numeric (netstat -n); anything else is kept as no address
        s.remote_addr = remote;
        bool udp = proto == SocketProto::udp || proto == SocketProto::udp6;
        s.state = t.size() > 5 ? SockState(t[5]) : SockState(udp ? SockState::unconn : SockState::unknown);
        if (!seen.insert({static_cast<int>(proto), local, s.local_port, remote, s.remote_port}).second)
            continue;
        if (socks.size() >= kMaxSockets) break;
        socks.push_back(std::move(s));
    }
    if (skipped) *skipped = bad;
    return socks;
}

AgentlessResult snapshot_from_stock_client(std::string_view message, int64_t time_now) {
    AgentlessResult r;
    ClientMessageView v = split_client_sections(message);
    Snapshot& snap = r.snapshot;
    snap.time = time_now;
    snap.interval_seconds = 300;
    if (const ClientSection* ps = v.find("ps")) {
        r.have_ps = true;
        snap.procs = parse_ps_section(ps->content);
    }
    if (const ClientSection* ports = v.find("ports")) {
        r.have_ports = true;
        snap.sockets = parse_ports_section(ports->content);
    }
    if (const ClientSection* nproc = v.find("nproc")) {
        long n = 0;
        std::vector<std::string_view> t = tokens(nproc->content, 1);
        if (!t.empty() && parse_int(t[0], n) && n < 100000) snap.host.cores = static_cast<int>(n);
    }
    for (const auto& p : snap.procs) snap.host.host_busy_cores += p.cores;
    snap.visibility.full = r.have_ps && r.have_ports;
    if (!r.have_ps) snap.visibility.reasons.push_back("stock client sent no [ps] section");
    if (!r.have_ports) snap.visibility.reasons.push_back("stock client sent no [ports] section (netstat missing?)");
    return r;
}

}  // namespace mr
