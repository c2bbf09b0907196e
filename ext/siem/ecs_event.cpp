#include "siem/ecs_event.h"

#include "incident/incident.h"
#include "util/sha256.h"

namespace mr {

namespace {

void base(EcsEvent& j, const EcsContext& c, const std::string& action, const std::string& id, int64_t time) {
    j["@timestamp"] = iso_utc(time);
    j["ecs"] = {{"version", kEcsVersion}};
    j["event"] = {{"id", id}, {"action", action}, {"module", "miningrisk"}, {"dataset", "miningrisk.events"},
                  {"provider", "xymond_miningrisk"}};
    j["host"] = {{"name", c.host}, {"hostname", c.host}};
    j["observer"] = {{"vendor", "miningrisk"}, {"product", "xymond_miningrisk"}, {"type", "monitor"}};
    EcsEvent m = {{"column", "miningrisk"}};
    if (!c.config_class.empty()) m["class"] = c.config_class;
    if (!c.incident_id.empty()) m["incident"] = {{"id", c.incident_id}};
    if (!c.agent.empty()) m["agent"] = c.agent;
    j["miningrisk"] = m;
}

void threat(EcsEvent& j) {
    j["threat"] = {{"framework", "MITRE ATT&CK"},
                   {"tactic", {{"id", {"TA0040"}}, {"name", {"Impact"}}, {"reference", {"https://attack.mitre.org/tactics/TA0040/"}}}},
                   {"technique", {{"id", {"T1496"}}, {"name", {"Resource Hijacking"}},
                                  {"reference", {"https://attack.mitre.org/techniques/T1496/"}}}}};
}

int severity(Color c) { return c == Color::red ? 73 : c == Color::yellow ? 47 : 21; }

// "203.0.113.5:3333", "[2001:db8::1]:3333", "pool.example.org:443"
void split_host_port(const std::string& s, std::string& host, long& port) {
    host = s;
    port = -1;
    size_t colon = s.rfind(':');
    if (colon == std::string::npos) return;
    std::string h = s.substr(0, colon), p = s.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return;
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    else if (h.find(':') != std::string::npos) return;  // a bare IPv6 address without a port
    host = h;
    port = std::stol(p);
}

bool looks_ip(const std::string& h) {
    if (h.find(':') != std::string::npos) return h.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
    return !h.empty() && h.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

std::string ecs_event_id(const std::string& host, const std::string& kind, int64_t time, const std::string& extra) {
    Sha256 h;
    for (const std::string& part : {host, kind, std::to_string(time), extra}) {
        std::string len = std::to_string(part.size()) + ":";
        h.update(len);
        h.update(part);
    }
    return h.hex().substr(0, 32);
}

EcsEvent ecs_status_change(const EcsContext& c, Color from, Color to, const std::string& headline) {
    EcsEvent j;
    std::string id = ecs_event_id(c.host, "status_change", c.report_time, std::string(to_string(from)) + ">" + to_string(to));
    base(j, c, "status-change", id, c.report_time);
    bool alarm = to == Color::red || to == Color::yellow;
    j["event"]["kind"] = alarm ? "alert" : "event";
    j["event"]["category"] = alarm ? EcsEvent::array({"malware", "process"}) : EcsEvent::array({"host"});
    j["event"]["type"] = alarm ? EcsEvent::array({"info"}) : EcsEvent::array({"change"});
    j["event"]["severity"] = severity(to);
    j["event"]["reason"] = headline;
    j["message"] = std::string("miningrisk ") + to_string(from) + " -> " + to_string(to) + ": " + headline;
    j["miningrisk"]["color"] = to_string(to);
    j["miningrisk"]["previous_color"] = to_string(from);
    if (alarm) threat(j);
    return j;
}

EcsEvent ecs_finding(const EcsContext& c, const Finding& f) {
    EcsEvent j;
    std::string life = std::to_string(f.pid) + "/" + std::to_string(f.start_ticks);
    base(j, c, "finding", ecs_event_id(c.host, "finding", c.report_time, life), c.report_time);
    bool pool = !f.pool.empty();
    j["event"]["kind"] = "alert";
    j["event"]["category"] = pool ? EcsEvent::array({"malware", "process", "network"}) : EcsEvent::array({"malware", "process"});
    j["event"]["type"] = pool ? EcsEvent::array({"info", "connection"}) : EcsEvent::array({"info"});
    j["event"]["severity"] = severity(f.color);
    std::string who = f.pid > 0 ? f.comm + " (pid " + std::to_string(f.pid) + ", user " + f.user + ")" : "host-level evidence";
    j["message"] = std::string(to_string(f.color)) + " finding: " + who + (pool ? ", pool " + f.pool : "");
    if (f.pid > 0) {
        EcsEvent p = {{"pid", f.pid}, {"name", f.comm}};
        if (!f.exe.empty()) p["executable"] = f.exe;
        if (!f.argv.empty()) {
            p["args"] = f.argv;
            p["args_count"] = f.argv.size();
            std::string cl;
            for (const auto& a : f.argv) cl += (cl.empty() ? "" : " ") + a;
            p["command_line"] = cl;
        }
        if (f.start_time > 0) p["start"] = iso_utc(f.start_time);
        if (!f.sha256.empty()) p["hash"] = {{"sha256", f.sha256}};
        p["user"] = {{"id", std::to_string(f.uid)}, {"name", f.user}};
        if (f.ppid > 0 || !f.parent_comm.empty()) {
            EcsEvent pp = EcsEvent::object();
            if (f.ppid > 0) pp["pid"] = f.ppid;
            if (!f.parent_comm.empty()) pp["name"] = f.parent_comm;
            p["parent"] = pp;
        }
        j["process"] = p;
        j["user"] = {{"id", std::to_string(f.uid)}, {"name", f.user}};
    }
    if (pool) {
        std::string h;
        long port = -1;
        split_host_port(f.pool, h, port);
        EcsEvent d = {{"address", h}};
        if (looks_ip(h)) d["ip"] = h;
        else d["domain"] = h;
        if (port >= 0) d["port"] = port;
        j["destination"] = d;
    }
    threat(j);
    // A listed pool is a feed hit: the indicator, with the list as its provider.
    for (const Signal& s : f.signals) {
        if (s.id != "pool_connection" && s.id != "pool_domain_arg") continue;
        std::string h;
        long port = -1;
        split_host_port(f.pool.empty() ? s.evidence.substr(0, s.evidence.find(' ')) : f.pool, h, port);
        EcsEvent ind = {{"provider", "miningrisk pool list " + (c.ioc_version.empty() ? std::string("(unknown version)") : c.ioc_version)},
                        {"description", s.evidence}};
        if (looks_ip(h)) {
            ind["type"] = h.find(':') != std::string::npos ? "ipv6-addr" : "ipv4-addr";
            ind["ip"] = h;
        } else {
            ind["type"] = "domain-name";
            ind["url"] = {{"domain", h}};
        }
        if (port >= 0) ind["port"] = port;
        j["threat"]["indicator"] = ind;
        break;
    }
    // The strongest signal names the rule.
    const Signal* top = nullptr;
    for (const Signal& s : f.signals)
        if (!top || s.strength > top->strength) top = &s;
    if (top) j["rule"] = {{"id", top->id}, {"name", top->id}, {"ruleset", "miningrisk"}, {"category", "cryptominer"},
                          {"description", top->evidence}};
    EcsEvent sig = EcsEvent::array();
    for (const Signal& s : f.signals) sig.push_back({{"id", s.id}, {"strength", to_string(s.strength)}, {"evidence", s.evidence}});
    j["miningrisk"]["color"] = to_string(f.color);
    j["miningrisk"]["signals"] = sig;
    j["miningrisk"]["cores"] = f.cores;
    if (f.cpu_seconds >= 0) j["miningrisk"]["cpu_seconds"] = f.cpu_seconds;
    if (!f.parent_chain.empty()) j["miningrisk"]["parent_chain"] = f.parent_chain;
    if (!f.container.empty()) j["container"] = {{"id", f.container}};
    return j;
}

EcsEvent ecs_incident_event(const EcsContext& c, const TimelineEvent& e, const std::string& state, int repeat) {
    EcsEvent j;
    std::string extra = c.incident_id + "\n" + e.text + (repeat > 0 ? "\n#" + std::to_string(repeat) : "");
    base(j, c, "incident-" + e.kind, ecs_event_id(c.host, "incident/" + e.source + "/" + e.kind, e.time, extra), e.time);
    j["event"]["kind"] = "event";
    j["event"]["category"] = {"host"};
    j["event"]["type"] = {e.kind == "first_red" ? "start" : e.kind == "recovered" ? "end" : "info"};
    j["message"] = "incident " + c.incident_id + ": " + e.text;
    j["miningrisk"]["incident"]["state"] = state;
    j["miningrisk"]["event_source"] = e.source;
    return j;
}

}  // namespace mr
