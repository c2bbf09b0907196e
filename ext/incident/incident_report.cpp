#include "incident/incident_report.h"

#include <nlohmann/json.hpp>

#include "util/html_escape.h"
#include "util/text_util.h"
#include "util/utf8.h"

namespace mr {

using nlohmann::json;

namespace {

std::string process_label(const IncidentProcess& p) {
    if (p.pid <= 0) return "host-level evidence";
    return p.comm + " (pid " + std::to_string(p.pid) + ", user " + p.user + ")";
}

// Markdown: one line, specials backslash-escaped, control bytes as '?'.
std::string md(const std::string& raw) {
    std::string s = valid_utf8(raw), out;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) out += '?';
        else if (std::string_view("\\`*_{}[]<>()#+-!|.&~").find(static_cast<char>(c)) != std::string_view::npos) {
            out += '\\';
            out += static_cast<char>(c);
        } else out += static_cast<char>(c);
    }
    return out;
}

std::string dump(const json& j) {
    // Safe to embed anywhere: no "</script>" even inside HTML.
    return escape_json_end_tags(j.dump(2, ' ', true, json::error_handler_t::replace));
}

}  // namespace

IncidentReport build_report(const Incident& inc, const EntryHintRules& rules) {
    IncidentReport r;
    r.incident = &inc;
    r.hints = rank_entry_hints(inc, rules);
    r.impact = compute_impact(inc);
    r.formula = impact_formula(inc.impact);
    const IncidentProcess* top = nullptr;
    for (const auto& p : inc.processes)
        if (p.pid > 0 && (!top || p.worst > top->worst || (p.worst == top->worst && p.cpu_seconds > top->cpu_seconds)))
            top = &p;
    r.summary = "Miner incident on " + inc.host + ": " + (top ? process_label(*top) : std::string("host-level evidence"));
    if (top && !top->pool.empty()) r.summary += ", pool " + top->pool;
    r.summary += "; " + std::to_string(r.impact.lives) + " process " + (r.impact.lives == 1 ? "life" : "lives") + ", " +
                 impact_summary(r.impact, inc.impact) + "; " + inc.status_text();
    for (const auto& e : inc.timeline)
        if (e.source != "client" && e.source != "worker") r.done.push_back(&e);
    return r;
}

std::string lessons_template(const Incident& inc) {
    return "Lessons learned for incident " + inc.id + " (edit this file; the report includes it as it is).\n"
           "\n"
           "How it got in:\n"
           "  (the entry hints are a start: confirm or correct them)\n"
           "\n"
           "Steps to prevent it:\n"
           "  (patch, firewall known mining IPs and pools, credentials rotated, ...)\n"
           "\n"
           "Owner informed:\n"
           "  (who, when)\n"
           "\n"
           "Blame-free review:\n"
           "  (what made it possible, not who)\n";
}

std::string report_markdown(const IncidentReport& r) {
    const Incident& inc = *r.incident;
    std::string o = "# Incident " + md(inc.id) + "\n\n" + md(r.summary) + "\n\n";
    o += "## Hosts\n\n| host | class | opened | status |\n|---|---|---|---|\n";
    o += "| " + md(inc.host) + " | " + md(inc.config_class) + " | " + utc_time(inc.opened) + " | " + md(inc.status_text()) +
         " |\n\n";
    o += "## Timeline (UTC)\n\n| time | source | event |\n|---|---|---|\n";
    for (const auto& e : inc.timeline) o += "| " + utc_time(e.time) + " | " + md(e.source) + " | " + md(e.text) + " |\n";
    o += "\n## Evidence\n\n| process | executable | parent chain | pool | signals | CPU seconds |\n|---|---|---|---|---|---|\n";
    for (const auto& p : inc.processes) {
        std::string chain;
        for (const auto& c : p.parent_chain) chain += (chain.empty() ? "" : " < ") + c;
        std::string sig;
        for (const auto& s : p.signals) sig += (sig.empty() ? "" : ", ") + s;
        o += "| " + md(process_label(p)) + " | " + md(p.exe) + " | " + md(chain) + " | " + md(p.pool) + " | " + md(sig) +
             " | " + (p.cpu_seconds >= 0 ? fixed(p.cpu_seconds, 0) : std::string("estimated ") + fixed(p.estimated_core_seconds, 0)) +
             " |\n";
    }
    o += "\n## Entry hints (ranked)\n\n";
    if (r.hints.empty()) o += "No rule matched the parent chains and evidence.\n";
    int n = 0;
    for (const auto& h : r.hints) {
        std::string because;
        for (const auto& b : h.because) because += (because.empty() ? "" : "; ") + b;
        o += std::to_string(++n) + ". **" + md(h.text) + "** (score " + std::to_string(h.score) + ", ATT&CK " +
             md(h.techniques) + "): " + md(because) + ". Source: " + md(h.source) + "\n";
    }
    o += "\n## Impact\n\n";
    o += "- CPU stolen: " + fixed(r.impact.core_hours, 2) + " core-hours (" + std::to_string(r.impact.lives) +
         " process lives)\n";
    o += "- Energy: " + fixed(r.impact.kwh, 4) + " kWh\n";
    o += "- Cost: " + fixed(r.impact.cost(), 2) + " " + md(inc.impact.currency) + "\n";
    o += "- Formula: " + md(r.formula) + "\n";
    o += "\n## What was done\n\n";
    if (r.done.empty()) o += "Nothing recorded yet.\n";
    for (const auto* e : r.done) o += "- " + utc_time(e->time) + " (" + md(e->source) + "): " + md(e->text) + "\n";
    o += "\n## Lessons learned\n\n";
    LineReader lines(inc.lessons);
    for (std::string_view l; lines.next(l);) o += "    " + md(std::string(l)) + "\n";
    return o;
}

std::string report_json(const IncidentReport& r) {
    const Incident& inc = *r.incident;
    json j;
    j["schema"] = "miningrisk-incident/1";
    j["id"] = inc.id;
    j["summary"] = r.summary;
    j["hosts"] = json::array({json{{"name", inc.host}, {"class", inc.config_class}}});
    j["state"] = to_string(inc.state);
    j["status"] = inc.status_text();
    j["opened"] = iso_utc(inc.opened);
    j["opened_unix"] = inc.opened;
    j["first_yellow_unix"] = inc.first_yellow;
    j["closed_unix"] = inc.closed;
    j["last_report_unix"] = inc.last_report;
    j["clean_cycles"] = inc.clean_cycles;
    j["clean_needed"] = inc.clean_needed;
    j["relapses"] = inc.relapses;
    j["cycles"] = inc.cycles;
    j["paged"] = inc.paged;
    json tl = json::array();
    for (const auto& e : inc.timeline)
        tl.push_back({{"time", iso_utc(e.time)}, {"time_unix", e.time}, {"source", e.source}, {"kind", e.kind}, {"text", e.text}});
    j["timeline"] = tl;
    json ps = json::array();
    for (const auto& p : inc.processes)
        ps.push_back({{"pid", p.pid}, {"start_ticks", p.start_ticks}, {"start_unix", p.start_time}, {"comm", p.comm},
                      {"exe", p.exe}, {"user", p.user}, {"parent_comm", p.parent_comm}, {"parent_chain", p.parent_chain},
                      {"pool", p.pool}, {"sha256", p.sha256}, {"argv", p.argv}, {"signals", p.signals},
                      {"color", to_string(p.worst)}, {"first_seen_unix", p.first_seen}, {"last_seen_unix", p.last_seen},
                      {"cpu_seconds", p.cpu_seconds}, {"estimated_core_seconds", p.estimated_core_seconds},
                      {"exe_mtime_unix", p.exe_mtime}, {"exe_ctime_unix", p.exe_ctime}});
    j["evidence"] = ps;
    json hs = json::array();
    for (const auto& h : r.hints)
        hs.push_back({{"score", h.score}, {"hint", h.text}, {"techniques", h.techniques}, {"because", h.because}, {"source", h.source}});
    j["entry_hints"] = hs;
    const ImpactSettings& s = inc.impact;
    j["impact"] = {{"core_hours", r.impact.core_hours}, {"kwh", r.impact.kwh}, {"cost", r.impact.cost()},
                   {"currency", s.currency}, {"formula", r.formula}, {"lives", r.impact.lives},
                   {"settings", {{"idle_watts", s.idle_watts}, {"busy_watts", s.busy_watts}, {"pue", s.pue},
                                 {"price_kwh", s.price_kwh}, {"price_vcpu_hour", s.price_vcpu_hour}}}};
    json done = json::array();
    for (const auto* e : r.done) done.push_back({{"time", iso_utc(e->time)}, {"source", e->source}, {"text", e->text}});
    j["what_was_done"] = done;
    j["lessons_learned"] = inc.lessons;
    return dump(j) + "\n";
}

Expected<Incident> incident_from_json(const std::string& text) {
    try {
        json j = json::parse(text);
        if (j.value("schema", "") != "miningrisk-incident/1") {
            return fail("not a miningrisk incident export (schema)");
        }
        Incident inc;
        inc.id = j.at("id").get<std::string>();
        const json& h = j.at("hosts").at(0);
        inc.host = h.at("name").get<std::string>();
        inc.config_class = h.value("class", "");
        if (!parse_incident_state(j.at("state").get<std::string>(), inc.state)) {
            return fail("bad state");
        }
        inc.opened = j.at("opened_unix").get<int64_t>();
        inc.first_yellow = j.value("first_yellow_unix", int64_t(0));
        inc.closed = j.value("closed_unix", int64_t(0));
        inc.last_report = j.value("last_report_unix", int64_t(0));
        inc.clean_cycles = j.value("clean_cycles", 0);
        inc.clean_needed = j.value("clean_needed", 12);
        inc.relapses = j.value("relapses", 0);
        inc.cycles = j.value("cycles", 0);
        inc.paged = j.value("paged", false);
        for (const auto& e : j.at("timeline"))
            inc.timeline.push_back({e.at("time_unix").get<int64_t>(), e.at("source").get<std::string>(),
                                    e.at("kind").get<std::string>(), e.at("text").get<std::string>()});
        for (const auto& e : j.at("evidence")) {
            IncidentProcess p;
            p.pid = e.at("pid").get<int>();
            p.start_ticks = e.at("start_ticks").get<uint64_t>();
            p.start_time = e.at("start_unix").get<int64_t>();
            p.comm = e.at("comm").get<std::string>();
            p.exe = e.at("exe").get<std::string>();
            p.user = e.at("user").get<std::string>();
            p.parent_comm = e.at("parent_comm").get<std::string>();
            p.parent_chain = e.at("parent_chain").get<std::vector<std::string>>();
            p.pool = e.at("pool").get<std::string>();
            p.sha256 = e.at("sha256").get<std::string>();
            p.argv = e.at("argv").get<std::vector<std::string>>();
            p.signals = e.at("signals").get<std::vector<std::string>>();
            parse_color(e.at("color").get<std::string>(), p.worst);
            p.first_seen = e.at("first_seen_unix").get<int64_t>();
            p.last_seen = e.at("last_seen_unix").get<int64_t>();
            p.cpu_seconds = e.at("cpu_seconds").get<double>();
            p.estimated_core_seconds = e.at("estimated_core_seconds").get<double>();
            p.exe_mtime = e.at("exe_mtime_unix").get<int64_t>();
            p.exe_ctime = e.at("exe_ctime_unix").get<int64_t>();
            inc.processes.push_back(std::move(p));
        }
        const json& s = j.at("impact").at("settings");
        inc.impact.idle_watts = s.at("idle_watts").get<double>();
        inc.impact.busy_watts = s.at("busy_watts").get<double>();
        inc.impact.pue = s.at("pue").get<double>();
        inc.impact.price_kwh = s.at("price_kwh").get<double>();
        inc.impact.price_vcpu_hour = s.at("price_vcpu_hour").get<double>();
        inc.impact.currency = j.at("impact").at("currency").get<std::string>();
        inc.lessons = j.value("lessons_learned", "");
        return inc;
    } catch (const std::exception& ex) {
        return fail(std::string("bad incident JSON: ") + ex.what());
    }
}

}  // namespace mr
