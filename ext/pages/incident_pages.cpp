#include "pages/incident_pages.h"

#include <algorithm>

#include "incident/impact.h"
#include "incident/incident_store.h"
#include "pages/html_doc.h"
#include "util/file_io.h"
#include "util/html_escape.h"

namespace mr {

namespace {

std::string process_label(const IncidentProcess& p) {
    return p.pid > 0 ? p.comm + " (pid " + std::to_string(p.pid) + ", user " + p.user + ")" : "host-level evidence";
}

const char* state_css(IncidentState s) {
    return s == IncidentState::open ? "red" : s == IncidentState::recovering ? "yellow" : "green";
}

}  // namespace

std::string incident_page_name(const std::string& id, const char* ext) { return "incident-" + id + ext; }

std::map<std::string, const Incident*> latest_incident_per_host(const std::vector<Incident>& all) {
    std::map<std::string, const Incident*> out;
    for (const Incident& inc : all) {
        const Incident*& cur = out[inc.host];
        if (!cur || (inc.is_open() && !cur->is_open()) || (inc.is_open() == cur->is_open() && inc.opened > cur->opened))
            cur = &inc;
    }
    return out;
}

std::string render_incident_body(const IncidentReport& r, const std::string& lessons_path) {
    const Incident& inc = *r.incident;
    HtmlDoc doc("div");
    HtmlNode root = doc.root().cls("mr-page mr-incident").attr("id", "mr-incident-page").attr("data-incident", inc.id);
    HtmlNode nav = root.add("p").cls("mr-nav mr-noprint");
    nav.add("a", "Incidents").attr("href", "incidents.html");
    nav.text(" | ");
    nav.add("a", "Fleet overview").attr("href", "index.html");
    nav.text(" | ");
    nav.add("a", "Host page").attr("href", "host-" + url_encode(inc.host) + ".html");
    nav.text(" | Export: ");
    nav.add("a", "Markdown").attr("href", url_encode(incident_page_name(inc.id, ".md"))).attr("id", "mr-inc-md");
    nav.text(" | ");
    nav.add("a", "JSON").attr("href", url_encode(incident_page_name(inc.id, ".json"))).attr("id", "mr-inc-json");
    nav.text(" | print this page for an A4 report");

    root.add("h2", "Incident " + inc.id).cls("mr-inc-title");
    root.add("p", r.summary).cls("mr-inc-summary mr-" + std::string(state_css(inc.state))).attr("id", "mr-inc-summary");
    root.add("p", "Status: " + inc.status_text()).cls("mr-inc-state").attr("id", "mr-inc-state");

    root.add("h3", "Hosts");
    HtmlNode hosts = root.add("table").cls("mr-facts").attr("id", "mr-inc-hosts");
    HtmlNode hh = hosts.add("tr");
    for (const char* h : {"Host", "Class", "Opened (first red)", "First yellow", "Closed", "Reports", "Relapses"}) hh.add("th", h);
    HtmlNode hr = hosts.add("tr");
    hr.add("td", inc.host);
    hr.add("td", inc.config_class);
    hr.add("td", utc_time(inc.opened));
    hr.add("td", utc_time(inc.first_yellow));
    hr.add("td", utc_time(inc.closed));
    hr.add("td", std::to_string(inc.cycles));
    hr.add("td", std::to_string(inc.relapses));

    root.add("h3", "Timeline (UTC)");
    HtmlNode tl = root.add("table").cls("mr-timeline").attr("id", "mr-inc-timeline");
    HtmlNode th = tl.add("tr");
    for (const char* h : {"Time (UTC)", "Source", "Event"}) th.add("th", h);
    for (const auto& e : inc.timeline) {
        HtmlNode tr = tl.add("tr").cls("mr-inc-event mr-src-" + e.source).attr("data-kind", e.kind).attr("data-time", std::to_string(e.time));
        tr.add("td", utc_time(e.time));
        tr.add("td", e.source);
        tr.add("td", e.text);
    }

    root.add("h3", "Evidence");
    HtmlNode ev = root.add("table").cls("mr-timeline").attr("id", "mr-inc-evidence");
    HtmlNode eh = ev.add("tr");
    for (const char* h : {"Process", "Executable", "Command line", "Parent chain", "Pool", "Signals", "CPU time", "Seen"}) eh.add("th", h);
    for (const auto& p : inc.processes) {
        HtmlNode tr = ev.add("tr").cls("mr-" + std::string(to_string(p.worst)));
        tr.add("td", process_label(p)).cls("mr-inc-process");
        tr.add("td", p.exe + (p.sha256.empty() ? "" : " (sha256 " + p.sha256 + ")"));
        std::string cl;
        for (const auto& a : p.argv) cl += (cl.empty() ? "" : " ") + a;
        tr.add("td", cl).cls("mr-inc-cmdline");
        std::string chain;
        for (const auto& c : p.parent_chain) chain += (chain.empty() ? "" : " < ") + c;
        tr.add("td", chain);
        tr.add("td", p.pool);
        std::string sig;
        for (const auto& s : p.signals) sig += (sig.empty() ? "" : ", ") + s;
        tr.add("td", sig);
        tr.add("td", p.cpu_seconds >= 0 ? fixed(p.cpu_seconds / 3600.0, 2) + " core-hours"
                                        : "about " + fixed(p.estimated_core_seconds / 3600.0, 2) + " core-hours (estimated)");
        tr.add("td", utc_time(p.first_seen) + " - " + utc_time(p.last_seen));
    }

    root.add("h3", "Entry hints (ranked)");
    HtmlNode hints = root.add("ol").cls("mr-inc-hints").attr("id", "mr-inc-hints");
    if (r.hints.empty()) root.add("p", "No rule matched the parent chains and evidence.");
    for (const auto& h : r.hints) {
        HtmlNode li = hints.add("li").cls("mr-inc-hint").attr("data-score", std::to_string(h.score));
        li.add("b", h.text);
        std::string because;
        for (const auto& b : h.because) because += (because.empty() ? "" : "; ") + b;
        li.text(" (score " + std::to_string(h.score) + ", MITRE ATT&CK " + h.techniques + "): " + because + ".");
        li.add("div", "Source: " + h.source).cls("mr-inc-source");
    }

    root.add("h3", "Impact");
    HtmlNode imp = root.add("table").cls("mr-facts").attr("id", "mr-inc-impact");
    auto fact = [&](const char* k, const std::string& v, const char* id) {
        HtmlNode tr = imp.add("tr");
        tr.add("th", k);
        tr.add("td", v).attr("id", id);
    };
    fact("CPU stolen", fixed(r.impact.core_hours, 2) + " core-hours over " + std::to_string(r.impact.lives) +
                           " process " + (r.impact.lives == 1 ? "life" : "lives") +
                           (r.impact.estimated_lives ? " (" + std::to_string(r.impact.estimated_lives) + " estimated from cores x cycle)" : ""),
         "mr-inc-core-hours");
    fact("Energy", fixed(r.impact.kwh, 4) + " kWh", "mr-inc-kwh");
    fact("Cost", fixed(r.impact.cost(), 2) + " " + inc.impact.currency + " (energy " + fixed(r.impact.energy_cost, 2) +
                     ", vCPU-hours " + fixed(r.impact.cpu_cost, 2) + ")",
         "mr-inc-cost");
    root.add("p", "Formula: " + r.formula + ". Core-hours are the CPU time of every process life (pid + start time) "
                  "of the incident, counted from its start; busy power is counted above idle.")
        .cls("mr-inc-formula").attr("id", "mr-inc-formula");

    root.add("h3", "What was done");
    HtmlNode done = root.add("ul").attr("id", "mr-inc-done");
    if (r.done.empty()) done.add("li", "Nothing recorded yet (acknowledgements, disables and response actions appear here).");
    for (const auto* e : r.done) done.add("li", utc_time(e->time) + " (" + e->source + "): " + e->text);

    root.add("h3", "Lessons learned");
    root.add("pre", inc.lessons.empty() ? std::string("(not written yet)") : inc.lessons).cls("mr-inc-lessons").attr("id", "mr-inc-lessons");
    root.add("p", "Kept with the incident in " + lessons_path + ": edit that file, the report shows it within a minute.")
        .cls("mr-inc-source");
    return doc.serialize();
}

std::string render_incidents_index(const std::vector<const Incident*>& newest_first, std::time_t now) {
    HtmlDoc doc("div");
    HtmlNode root = doc.root().cls("mr-page").attr("id", "mr-incidents-page");
    HtmlNode nav = root.add("p").cls("mr-nav");
    nav.add("a", "Fleet overview").attr("href", "index.html");
    nav.text(" | generated " + utc_time(now));
    size_t open = 0;
    for (const auto* i : newest_first) open += i->is_open();
    root.add("p", std::to_string(open) + " open, " + std::to_string(newest_first.size() - open) + " closed incidents")
        .cls("mr-summary").attr("id", "mr-inc-counts");
    HtmlNode t = root.add("table").cls("mr-fleet").attr("id", "mr-incidents");
    HtmlNode h = t.add("tr");
    for (const char* c : {"Incident", "Host", "Opened (UTC)", "Status", "Processes"}) h.add("th", c);
    for (const auto* i : newest_first) {
        HtmlNode tr = t.add("tr").cls(std::string("mr-row mr-") + state_css(i->state)).attr("data-incident", i->id)
                          .attr("data-state", to_string(i->state));
        tr.add("td").add("a", i->id).attr("href", url_encode(incident_page_name(i->id)));
        tr.add("td", i->host);
        tr.add("td", utc_time(i->opened));
        tr.add("td", i->status_text());
        tr.add("td", std::to_string(i->processes.size()));
    }
    if (newest_first.empty()) t.add("tr").add("td", "No incident yet: a red column opens one.").attr("colspan", "5");
    return doc.serialize();
}

Expected<IncidentPagesResult> generate_incident_pages(const std::vector<Incident>& all, const EntryHintRules& rules,
                                                      const IncidentPagesConfig& cfg) {
    IncidentPagesResult result;
    auto first = [&](const char* a, const char* b) {
        return read_file(cfg.templates_dir + "/" + a).or_else([&](const Error&) { return read_file(cfg.templates_dir + "/" + b); })
            .value_or("");
    };
    std::string header_text = first("miningrisk_header", "stdnormal_header");
    std::string footer_text = first("miningrisk_footer", "stdnormal_footer");
    if (header_text.empty()) return fail("no miningrisk_header or stdnormal_header in " + cfg.templates_dir);
    PreparedTemplate header(header_text, cfg.env), footer(footer_text, cfg.env);
    Status written;   // the last write that failed
    auto write_if_changed = [&](const std::string& name, const std::string& content) {
        std::string path = cfg.www_dir + "/" + name;
        if (read_file(path).value_or("") == content) return;
        if (Status w = write_file_atomic(path, content, 0644, false)) ++result.files_written;
        else written = w;
    };
    std::vector<const Incident*> order;
    IncidentStore store(cfg.incidents_dir);
    for (const Incident& inc : all) {
        if (!safe_id(inc.id)) {
            ++result.skipped;
            continue;
        }
        order.push_back(&inc);
        IncidentReport r = build_report(inc, rules);
        std::string body = render_incident_body(r, store.lessons_path(inc.id));
        // Dated by the last report, so an unchanged incident gives an unchanged page.
        TemplateVars sp = page_specials(state_css(inc.state), utc_time(inc.last_report), 60, inc.host, "incident");
        write_if_changed(incident_page_name(inc.id), header.expand(sp) + body + footer.expand(sp));
        write_if_changed(incident_page_name(inc.id, ".md"), report_markdown(r));
        write_if_changed(incident_page_name(inc.id, ".json"), report_json(r));
    }
    std::stable_sort(order.begin(), order.end(), [](const Incident* a, const Incident* b) { return a->opened > b->opened; });
    result.incidents = order.size();
    bool any_open = std::any_of(order.begin(), order.end(), [](const Incident* i) { return i->is_open(); });
    TemplateVars sp = page_specials(any_open ? "red" : "green", utc_time(cfg.now), 60, "", "incidents");
    write_if_changed("incidents.html", header.expand(sp) + render_incidents_index(order, cfg.now) + footer.expand(sp));
    if (!written) return fail(written.error());
    return result;
}

}  // namespace mr
