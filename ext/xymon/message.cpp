#include "xymon/message.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "xymon/kv_codec.h"
#include "xymon/recovery_codec.h"
#include "xymon/snapshot_codec.h"
#include "util/text_util.h"

namespace mr {

namespace {

constexpr size_t kMaxSignalsPerFinding = 64;

std::string fixed2(double v) { return fmt::format("{:.2f}", v); }

std::string join_argv(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += '\0';
        if (out.size() + a.size() > kMaxArgvBytes) {
            out += a.substr(0, kMaxArgvBytes - std::min(out.size(), kMaxArgvBytes));
            break;
        }
        out += a;
    }
    return out;
}

std::vector<std::string> split_argv(const std::string& joined) {
    std::vector<std::string> out;
    if (joined.empty()) return out;
    size_t start = 0;
    while (true) {
        size_t nul = joined.find('\0', start);
        out.push_back(joined.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    return out;
}

long to_long(const std::string& s, long fallback = 0) {
    if (s.empty()) return fallback;
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    return (end && *end == '\0') ? v : fallback;
}

double to_double(const std::string& s) {
    if (s.empty()) return 0;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (!end || *end != '\0' || !(v == v) || v < 0 || v > 1e6) return 0;
    return v;
}

// CPU seconds of a long-lived process exceed to_double's cap for cores: bounded at 100 years.
double to_double_any(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (!end || *end != '\0' || !(v == v) || v < 0 || v > 3.2e9) return -1;
    return v;
}

KvRecord finding_record(const Finding& f) {
    return {{"pid", std::to_string(f.pid)},
            {"ppid", std::to_string(f.ppid)},
            {"pcomm", f.parent_comm},
            {"uid", std::to_string(f.uid)},
            {"user", f.user},
            {"comm", f.comm},
            {"exe", f.exe},
            {"sha256", f.sha256},
            {"cores", fixed2(f.cores)},
            {"maxthread", fixed2(f.max_thread_cores)},
            {"pool", f.pool},
            {"container", f.container},
            {"color", to_string(f.color)},
            {"argv", join_argv(f.argv)},
            {"cpu", f.cpu_seconds < 0 ? std::string() : fixed2(f.cpu_seconds)},
            {"startticks", std::to_string(f.start_ticks)},
            {"start", std::to_string(f.start_time)},
            {"exemtime", std::to_string(f.exe_mtime)},
            {"exectime", std::to_string(f.exe_ctime)},
            {"pchain", join_argv(f.parent_chain)}};
}

int64_t to_time(const std::string& s) {
    long v = to_long(s);
    return v > 0 && v < 32503680000L ? v : 0;  // before the year 3000, or unknown
}

Finding finding_from(const KvRecord& r) {
    Finding f;
    f.pid = static_cast<int>(to_long(kv_get(r, "pid")));
    f.ppid = static_cast<int>(to_long(kv_get(r, "ppid")));
    f.parent_comm = kv_get(r, "pcomm");
    f.uid = static_cast<uint32_t>(to_long(kv_get(r, "uid")));
    f.user = kv_get(r, "user");
    f.comm = kv_get(r, "comm");
    f.exe = kv_get(r, "exe");
    f.sha256 = kv_get(r, "sha256");
    f.cores = to_double(kv_get(r, "cores"));
    f.max_thread_cores = to_double(kv_get(r, "maxthread"));
    f.pool = kv_get(r, "pool");
    f.container = kv_get(r, "container");
    parse_color(kv_get(r, "color"), f.color);
    f.argv = split_argv(kv_get(r, "argv"));
    std::string cpu = kv_get(r, "cpu");
    f.cpu_seconds = cpu.empty() ? -1 : to_double_any(cpu);
    unsigned long long ticks = 0;
    if (parse_decimal(kv_get(r, "startticks"), 19, ticks)) f.start_ticks = ticks;
    f.start_time = to_time(kv_get(r, "start"));
    f.exe_mtime = to_time(kv_get(r, "exemtime"));
    f.exe_ctime = to_time(kv_get(r, "exectime"));
    f.parent_chain = split_argv(kv_get(r, "pchain"));
    if (f.parent_chain.size() > kMaxParentChain) f.parent_chain.resize(kMaxParentChain);
    return f;
}

}  // namespace

std::string build_client_message(const ClientReport& r, const std::string& config_class) {
    std::string out = fmt::format("client/{} {}.{} {}\n", kCollectorId, r.host, r.ostype, config_class);
    std::string reasons;
    for (const auto& s : r.visibility_reasons) reasons += (reasons.empty() ? "" : "; ") + s;
    out += "[miningrisk]\n";
    out += encode_kv_line({{"version", std::to_string(r.version)},
                           {"agent", r.agent},
                           {"time", std::to_string(r.time)},
                           {"interval", std::to_string(r.interval)},
                           {"visibility", r.visibility_full ? "full" : "limited"},
                           {"visibility_reason", reasons},
                           {"ioc", r.ioc_version},
                           {"color", to_string(r.color)},
                           {"found", std::to_string(std::max<size_t>(r.findings_found, r.findings.size()))}}) + "\n";
    out += "[host]\n";
    out += encode_kv_line({{"cores", std::to_string(r.cores)},
                           {"busy", fixed2(r.busy_cores)},
                           {"procs", std::to_string(r.procs)},
                           {"threads", std::to_string(r.threads)},
                           {"sockets", std::to_string(r.sockets)},
                           {"netns", std::to_string(r.netns)},
                           {"ldpreload", r.ld_so_preload ? "1" : "0"},
                           {"hugepages", std::to_string(r.hugepages)}}) + "\n";
    out += "[findings]\n";
    size_t n = 0;
    for (const auto& f : r.findings) {
        if (n++ >= kMaxFindings) break;
        out += encode_kv_line(finding_record(f)) + "\n";
    }
    out += "[signals]\n";
    n = 0;
    for (const auto& f : r.findings) {
        if (n++ >= kMaxFindings) break;
        size_t k = 0;
        for (const auto& s : f.signals) {
            if (k++ >= kMaxSignalsPerFinding) break;
            out += encode_kv_line({{"pid", std::to_string(f.pid)},
                                   {"id", s.id},
                                   {"strength", to_string(s.strength)},
                                   {"evidence", s.evidence.substr(0, 400)}}) + "\n";
        }
    }
    out += "[top]\n";
    n = 0;
    for (const auto& t : r.top) {
        if (n++ >= kMaxTop) break;
        out += encode_kv_line({{"pid", std::to_string(t.pid)},
                               {"user", t.user},
                               {"comm", t.comm},
                               {"exe", t.exe},
                               {"cores", fixed2(t.cores)},
                               {"maxthread", fixed2(t.max_thread_cores)},
                               {"threads", std::to_string(t.threads)}}) + "\n";
    }
    if (!r.snapshots.empty()) {
        out += "[snapshots]\n";
        n = 0;
        for (const auto& s : r.snapshots) {
            if (n++ >= kMaxSnapshots) break;
            out += encode_kv_line(snapshot_to_kv(s)) + "\n";
        }
    }
    if (!r.containment.empty()) {
        out += "[containment]\n";
        n = 0;
        for (const auto& c : r.containment) {
            if (n++ >= kMaxContainment) break;
            out += encode_kv_line(containment_to_kv(c)) + "\n";
        }
    }
    if (r.has_recovery) {
        out += "[recovery]\n";
        for (const auto& rec : recovery_to_kv(r.recovery)) out += encode_kv_line(rec) + "\n";
    }
    return out;
}

Status parse_client_message(std::string_view text, ClientReport& out) {
    std::string section;
    bool saw_header = false;
    std::map<int, size_t> finding_by_pid;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.rfind("client", 0) == 0 && section.empty()) {
            // "client/miningrisk HOST.OSTYPE CLASS": the host comes from here when present.
            size_t sp = line.find(' ');
            if (sp != std::string_view::npos) {
                std::string_view rest = line.substr(sp + 1);
                rest = rest.substr(0, rest.find(' '));
                size_t dot = rest.rfind('.');
                if (dot != std::string_view::npos) {
                    out.host = std::string(rest.substr(0, dot));
                    out.ostype = std::string(rest.substr(dot + 1));
                }
            }
            continue;
        }
        if (line.front() == '[' && line.back() == ']') {
            section = std::string(line.substr(1, line.size() - 2));
            if (section == "recovery") out.has_recovery = true;
            continue;
        }
        KvRecord rec = parse_kv_line(line);
        if (section == "miningrisk") {
            saw_header = true;
            out.version = static_cast<int>(to_long(kv_get(rec, "version"), 0));
            out.agent = kv_get(rec, "agent");
            out.time = to_long(kv_get(rec, "time"));
            out.interval = static_cast<int>(to_long(kv_get(rec, "interval"), 300));
            if (out.interval <= 0 || out.interval > 86400) out.interval = 300;
            out.visibility_full = kv_get(rec, "visibility", "full") == "full";
            out.visibility_reasons.clear();
            std::string reasons = kv_get(rec, "visibility_reason");
            if (!reasons.empty()) out.visibility_reasons.push_back(reasons);
            out.ioc_version = kv_get(rec, "ioc");
            parse_color(kv_get(rec, "color"), out.color);
            long found = to_long(kv_get(rec, "found"), 0);
            out.findings_found = found > 0 && found < 100000000 ? static_cast<int>(found) : 0;
        } else if (section == "host") {
            out.cores = static_cast<int>(to_long(kv_get(rec, "cores")));
            out.busy_cores = to_double(kv_get(rec, "busy"));
            out.procs = static_cast<int>(to_long(kv_get(rec, "procs")));
            out.threads = static_cast<int>(to_long(kv_get(rec, "threads")));
            out.sockets = static_cast<int>(to_long(kv_get(rec, "sockets")));
            out.netns = static_cast<int>(to_long(kv_get(rec, "netns")));
            out.ld_so_preload = kv_get(rec, "ldpreload") == "1";
            out.hugepages = to_long(kv_get(rec, "hugepages"));
        } else if (section == "findings") {
            if (out.findings.size() >= kMaxFindings) continue;
            Finding f = finding_from(rec);
            finding_by_pid[f.pid] = out.findings.size();
            out.findings.push_back(std::move(f));
        } else if (section == "signals") {
            int pid = static_cast<int>(to_long(kv_get(rec, "pid"), -1));
            auto it = finding_by_pid.find(pid);
            if (it == finding_by_pid.end()) continue;  // a signal for no finding: ignore
            Finding& f = out.findings[it->second];
            if (f.signals.size() >= kMaxSignalsPerFinding) continue;
            Signal s;
            s.id = kv_get(rec, "id");
            if (s.id.empty()) continue;
            parse_strength(kv_get(rec, "strength"), s.strength);
            s.evidence = kv_get(rec, "evidence");
            f.signals.push_back(std::move(s));
        } else if (section == "top") {
            if (out.top.size() >= kMaxTop) continue;
            TopProcess t;
            t.pid = static_cast<int>(to_long(kv_get(rec, "pid")));
            t.user = kv_get(rec, "user");
            t.comm = kv_get(rec, "comm");
            t.exe = kv_get(rec, "exe");
            t.cores = to_double(kv_get(rec, "cores"));
            t.max_thread_cores = to_double(kv_get(rec, "maxthread"));
            t.threads = static_cast<int>(to_long(kv_get(rec, "threads")));
            out.top.push_back(std::move(t));
        } else if (section == "snapshots") {
            if (out.snapshots.size() >= kMaxSnapshots) continue;
            out.snapshots.push_back(snapshot_from_kv(rec));
        } else if (section == "containment") {
            if (out.containment.size() >= kMaxContainment) continue;
            out.containment.push_back(containment_from_kv(rec));
        } else if (section == "recovery") {
            recovery_add_kv(rec, out.recovery);
        }
    }
    if (!saw_header) return fail("no [miningrisk] section");
    if (out.version < 1) return fail("missing or invalid version");
    // Older clients send no count: what they sent is all they found.
    out.findings_found = std::max(out.findings_found, static_cast<int>(out.findings.size()));
    return {};
}

}  // namespace mr
