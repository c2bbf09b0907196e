#include "incident/incident_state.h"

#include <cstdlib>

#include "incident/impact.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"

namespace mr {

namespace {

std::string join(const std::vector<std::string>& v, char sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(1, sep) : "") + v[i];
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    size_t start = 0;
    while (true) {
        size_t p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) break;
        start = p + 1;
    }
    return out;
}

int64_t num(const KvRecord& r, const char* k) {
    std::string v = kv_get(r, k);
    if (v.empty()) return 0;
    char* end = nullptr;
    long long x = std::strtoll(v.c_str(), &end, 10);
    return end && *end == '\0' ? x : 0;
}

double real(const KvRecord& r, const char* k, double fallback) {
    std::string v = kv_get(r, k);
    if (v.empty()) return fallback;
    char* end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    return end && *end == '\0' && x == x ? x : fallback;
}

// Doubles as written by %.17g round-trip exactly.
std::string exact(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

std::string serialize_incident(const Incident& inc) {
    std::string out = "# miningrisk incident v1\n";
    const ImpactSettings& s = inc.impact;
    out += "incident " + encode_kv_line({{"id", inc.id}, {"host", inc.host}, {"class", inc.config_class},
                                         {"opened", std::to_string(inc.opened)},
                                         {"first_yellow", std::to_string(inc.first_yellow)},
                                         {"closed", std::to_string(inc.closed)},
                                         {"last", std::to_string(inc.last_report)},
                                         {"state", to_string(inc.state)},
                                         {"clean", std::to_string(inc.clean_cycles)},
                                         {"needed", std::to_string(inc.clean_needed)},
                                         {"relapses", std::to_string(inc.relapses)},
                                         {"cycles", std::to_string(inc.cycles)},
                                         {"paged", inc.paged ? "1" : "0"},
                                         {"unclean", inc.last_unclean},
                                         {"verified", std::to_string(inc.verified_clean)},
                                         {"idle_w", exact(s.idle_watts)},
                                         {"busy_w", exact(s.busy_watts)},
                                         {"pue", exact(s.pue)},
                                         {"price_kwh", exact(s.price_kwh)},
                                         {"price_vcpu_hour", exact(s.price_vcpu_hour)},
                                         {"currency", s.currency}}) + "\n";
    for (const IncidentProcess& p : inc.processes) {
        std::string argv;
        for (size_t i = 0; i < p.argv.size(); ++i) argv += (i ? std::string(1, '\0') : "") + p.argv[i];
        std::string chain;
        for (size_t i = 0; i < p.parent_chain.size(); ++i) chain += (i ? std::string(1, '\0') : "") + p.parent_chain[i];
        out += "process " + encode_kv_line({{"pid", std::to_string(p.pid)},
                                            {"startticks", std::to_string(p.start_ticks)},
                                            {"start", std::to_string(p.start_time)},
                                            {"comm", p.comm}, {"exe", p.exe}, {"user", p.user},
                                            {"pcomm", p.parent_comm}, {"pchain", chain},
                                            {"pool", p.pool}, {"sha256", p.sha256}, {"argv", argv},
                                            {"signals", join(p.signals, ',')},
                                            {"color", to_string(p.worst)},
                                            {"first", std::to_string(p.first_seen)},
                                            {"last", std::to_string(p.last_seen)},
                                            {"cpu", exact(p.cpu_seconds)},
                                            {"est", exact(p.estimated_core_seconds)},
                                            {"exemtime", std::to_string(p.exe_mtime)},
                                            {"exectime", std::to_string(p.exe_ctime)}}) + "\n";
    }
    for (const TimelineEvent& e : inc.timeline)
        out += "event " + encode_kv_line({{"time", std::to_string(e.time)}, {"source", e.source},
                                          {"kind", e.kind}, {"text", e.text}}) + "\n";
    return out;
}

Expected<Incident> parse_incident(std::string_view text) {
    Incident inc;
    bool have = false;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        if (line.empty() || line[0] == '#') continue;
        size_t sp = line.find(' ');
        std::string_view kind = line.substr(0, sp);
        KvRecord r = parse_kv_line(sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1));
        if (kind == "incident") {
            have = true;
            inc.id = kv_get(r, "id");
            inc.host = kv_get(r, "host");
            inc.config_class = kv_get(r, "class");
            inc.opened = num(r, "opened");
            inc.first_yellow = num(r, "first_yellow");
            inc.closed = num(r, "closed");
            inc.last_report = num(r, "last");
            if (!parse_incident_state(kv_get(r, "state"), inc.state)) {
                return fail("line " + std::to_string(lines.number()) + ": bad state '" + kv_get(r, "state") + "'");
            }
            inc.clean_cycles = static_cast<int>(num(r, "clean"));
            inc.clean_needed = static_cast<int>(num(r, "needed"));
            inc.relapses = static_cast<int>(num(r, "relapses"));
            inc.cycles = static_cast<int>(num(r, "cycles"));
            inc.paged = kv_get(r, "paged") == "1";
            inc.last_unclean = kv_get(r, "unclean");
            inc.verified_clean = static_cast<int>(num(r, "verified"));
            ImpactSettings d;
            inc.impact.idle_watts = real(r, "idle_w", d.idle_watts);
            inc.impact.busy_watts = real(r, "busy_w", d.busy_watts);
            inc.impact.pue = real(r, "pue", d.pue);
            inc.impact.price_kwh = real(r, "price_kwh", 0);
            inc.impact.price_vcpu_hour = real(r, "price_vcpu_hour", 0);
            inc.impact.currency = kv_get(r, "currency", d.currency);
        } else if (kind == "process") {
            IncidentProcess p;
            p.pid = static_cast<int>(num(r, "pid"));
            p.start_ticks = static_cast<uint64_t>(num(r, "startticks"));
            p.start_time = num(r, "start");
            p.comm = kv_get(r, "comm");
            p.exe = kv_get(r, "exe");
            p.user = kv_get(r, "user");
            p.parent_comm = kv_get(r, "pcomm");
            p.parent_chain = split(kv_get(r, "pchain"), '\0');
            p.pool = kv_get(r, "pool");
            p.sha256 = kv_get(r, "sha256");
            p.argv = split(kv_get(r, "argv"), '\0');
            p.signals = split(kv_get(r, "signals"), ',');
            parse_color(kv_get(r, "color"), p.worst);
            p.first_seen = num(r, "first");
            p.last_seen = num(r, "last");
            p.cpu_seconds = real(r, "cpu", -1);
            p.estimated_core_seconds = real(r, "est", 0);
            p.exe_mtime = num(r, "exemtime");
            p.exe_ctime = num(r, "exectime");
            inc.processes.push_back(std::move(p));
        } else if (kind == "event") {
            inc.timeline.push_back({num(r, "time"), kv_get(r, "source"), kv_get(r, "kind"), kv_get(r, "text")});
        }
    }
    if (!have || inc.id.empty() || inc.host.empty()) {
        return fail("no incident line with an id and a host");
    }
    sort_timeline(inc.timeline);
    return inc;
}

}  // namespace mr
