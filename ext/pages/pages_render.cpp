#include "pages/pages_render.h"

#include "pages/order_forms.h"
#include "pages/tile_headline.h"

#include <cctype>

#include "pages/html_doc.h"
#include "util/html_escape.h"

namespace mr {

// ---- URLs: host names are checked by host_file_name_ok and still percent-encoded. ----

std::string PageUrls::host_page(const std::string& host) const { return "host-" + url_encode(host) + ".html"; }
std::string PageUrls::status(const std::string& host) const {
    return cgi + "/svcstatus.sh?HOST=" + url_encode(host) + "&SERVICE=" + url_encode(test);
}
std::string PageUrls::history(const std::string& host) const {
    return cgi + "/history.sh?HISTFILE=" + url_encode(host) + "." + url_encode(test);
}
std::string PageUrls::graph(const std::string& host) const {
    return cgi + "/showgraph.sh?host=" + url_encode(host) + "&service=" + url_encode(test) +
           "&graph=hourly&action=view";
}
std::string PageUrls::histlog(const std::string& host, std::time_t t) const {
    // histlog_time() is [A-Za-z0-9_:] only; Xymon's own links carry it unencoded.
    return cgi + "/historylog.sh?HOST=" + url_encode(host) + "&SERVICE=" + url_encode(test) +
           "&TIMEBUF=" + histlog_time(t);
}
std::string PageUrls::icon(const std::string& color, bool acked) const {
    std::string c = color_severity(color) < 0 ? "clear" : color;
    return skin + "/" + c + (acked ? "-ack" : "") + ".gif";
}

namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string plural(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

void add_color_cell(HtmlNode tr, const HostRow& r, const PageUrls& urls) {
    HtmlNode td = tr.add("td").cls("mr-color");
    td.add("img").attr("src", urls.icon(r.color, r.acked)).attr("alt", r.color)
        .attr("width", "16").attr("height", "16");
    td.text(" " + r.color);
}

void add_xymon_links(HtmlNode parent, const std::string& host, const PageUrls& urls) {
    parent.add("a", "status").attr("href", urls.status(host)).cls("mr-link-status");
    parent.text(" | ");
    parent.add("a", "history").attr("href", urls.history(host)).cls("mr-link-history");
    parent.text(" | ");
    parent.add("a", "graph").attr("href", urls.graph(host)).cls("mr-link-graph");
}

std::string summary_line(const FleetSummary& s) {
    std::string t = std::to_string(s.needing_attention()) + " of " + plural(s.watched, "host", "hosts") +
                    " need attention: " + std::to_string(s.red) + " red, " + std::to_string(s.yellow) +
                    " yellow";
    if (s.purple) t += ", " + std::to_string(s.purple) + " purple (no report)";
    t += "; " + std::to_string(s.green) + " green";
    if (s.clear) t += ", " + std::to_string(s.clear) + " clear (could not look)";
    if (s.blue) t += ", " + std::to_string(s.blue) + " disabled";
    return t;
}

}  // namespace

std::string render_fleet_body(const std::vector<HostRow>& rows, const FleetSummary& s,
                              std::time_t now, const PageUrls& urls) {
    HtmlDoc doc("div");
    HtmlNode root = doc.root().cls("mr-page").attr("id", "mr-fleet-page");
    HtmlNode nav = root.add("p").cls("mr-nav");
    nav.add("a", "Wall screen").attr("href", "wall.html");
    nav.text(" | generated " + format_time(now));
    if (s.all_clear()) {
        root.add("p", "All clear: " + plural(s.watched, "host", "hosts") + " watched")
            .cls("mr-allclear").attr("id", "mr-allclear");
    } else {
        root.add("p", summary_line(s)).cls("mr-summary").attr("id", "mr-summary");
    }
    HtmlNode table = root.add("table").cls("mr-fleet").attr("id", "mr-fleet").attr("summary", "Mining risk per host");
    HtmlNode head = table.add("tr");
    for (const char* h : {"Host", "Colour", "Headline", "Top suspect", "Cores", "Pool", "Since", "Clean", "Acknowledged", "Incident", "Xymon"})
        head.add("th", h);
    for (const auto& r : rows) {
        HtmlNode tr = table.add("tr").cls("mr-row mr-" + r.color).attr("data-host", r.host).attr("data-color", r.color);
        tr.add("td").cls("mr-host").add("a", r.host).attr("href", urls.host_page(r.host));
        add_color_cell(tr, r, urls);
        tr.add("td", r.headline).cls("mr-headline");
        tr.add("td", r.process).cls("mr-process");
        tr.add("td", format_cores(r.cores)).cls("mr-cores");
        tr.add("td", r.pool).cls("mr-pool");
        tr.add("td", since_text(r.since, now)).cls("mr-since");
        bool judged = r.clean.kind == CleanStatus::Kind::Watch || r.clean.kind == CleanStatus::Kind::CleanEnough;
        tr.add("td", judged ? r.clean.summary() : "").cls(std::string("mr-clean mr-clean-") + r.clean.css());
        tr.add("td", r.acked ? "yes: " + r.ackmsg : "no").cls("mr-ack");
        HtmlNode inc = tr.add("td").cls("mr-incident");
        if (!r.incident_id.empty())
            inc.add("a", r.incident_status).attr("href", "incident-" + url_encode(r.incident_id) + ".html").attr("title", r.incident_id);
        add_xymon_links(tr.add("td").cls("mr-links"), r.host, urls);
    }
    return doc.serialize();
}

std::string render_wall_body(const std::vector<HostRow>& rows, const FleetSummary& s,
                             std::time_t now, const PageUrls& urls, size_t max_tiles) {
    HtmlDoc doc("div");
    HtmlNode root = doc.root().cls("wall").attr("id", "mr-wall");
    HtmlNode top = root.add("div").cls("wall-top");
    top.add("span", "Mining risk").cls("wall-title");
    top.add("span", "updated " + format_time(now)).cls("wall-clock");
    if (s.all_clear()) {
        HtmlNode ok = root.add("div").cls("wall-allclear").attr("id", "mr-allclear");
        ok.add("div", "All clear").cls("wall-allclear-big");
        ok.add("div", plural(s.watched, "host", "hosts") + " watched, no miner found").cls("wall-allclear-small");
        if (s.clear) ok.add("div", plural(s.clear, "host", "hosts") + " could not be checked (clear)").cls("wall-note");
        return doc.serialize();
    }
    root.add("div", std::to_string(s.red) + " RED  \xc2\xb7  " + std::to_string(s.yellow) + " YELLOW  \xc2\xb7  " +
                        std::to_string(s.green) + " green  of " + plural(s.watched, "host", "hosts") + " watched")
        .cls("wall-summary").attr("id", "mr-summary");
    HtmlNode tiles = root.add("div").cls("tiles").attr("id", "mr-tiles");
    size_t shown = 0;
    for (const auto& r : rows) {
        if (color_severity(r.color) < 3) break;  // rows are worst first: the rest is fine
        if (shown == max_tiles) break;
        ++shown;
        HtmlNode tile = tiles.add("div").cls("tile tile-" + r.color).attr("data-host", r.host).attr("data-color", r.color);
        tile.add("div", r.host).cls("tile-host");
        tile.add("div", tile_headline(r.headline)).cls("tile-head").attr("title", r.headline);
        tile.add("div", upper(r.color) + " for " + format_duration(static_cast<long>(now - r.since)))
            .cls("tile-since");
        HtmlNode next = tile.add("div").cls("tile-next");
        if (r.acked) {
            next.text("Acknowledged: " + r.ackmsg);
        } else if (r.color == "red") {
            // Short on the tile (read across the room); the host page has the rule's line.
            next.add("div", !r.paged.empty() ? r.paged : !r.paging.empty() ? r.paging : "On-call paged: see alerts.cfg")
                .cls("tile-paged");
            next.text("Evidence:");
        } else if (r.color == "yellow") {
            next.text("Check today, no page. Evidence:");
        } else {
            next.text("No report from this host. Evidence:");
        }
        std::string evidence = urls.pages + "/" + urls.host_page(r.host);
        if (!r.acked) next.add("a", evidence).attr("href", evidence).cls("tile-link");
    }
    size_t rest = s.needing_attention() - shown;
    if (rest > 0)
        tiles.add("div", "+" + plural(rest, "more host needs", "more hosts need") + " attention: see the fleet page")
            .cls("tile tile-more");
    return doc.serialize();
}

std::string render_host_body(const HostRow& r, const BoardEntry& e,
                             const std::vector<HistoryEvent>& history, std::time_t now,
                             const PageUrls& urls, const HostPageExtras& x) {
    HtmlDoc doc("div");
    HtmlNode root = doc.root().cls("mr-page").attr("id", "mr-host-page").attr("data-host", r.host);
    HtmlNode nav = root.add("p").cls("mr-nav");
    nav.add("a", "Fleet overview").attr("href", "index.html");
    nav.text(" | Xymon: ");
    add_xymon_links(nav, r.host, urls);

    HtmlNode title = root.add("h2").cls("mr-host-title");
    title.add("img").attr("src", urls.icon(r.color, r.acked)).attr("alt", r.color).attr("width", "16").attr("height", "16");
    title.text(" " + r.host + ": " + r.color);
    root.add("p", r.headline).cls("mr-headline mr-" + r.color).attr("id", "mr-headline");
    HtmlNode clean = root.add("div").cls(std::string("mr-clean-box mr-clean-") + r.clean.css()).attr("id", "mr-clean");
    clean.add("span", r.clean.summary()).cls("mr-clean-summary");
    if (!r.clean.detail().empty()) clean.add("div", r.clean.detail()).cls("mr-clean-detail");

    HtmlNode facts = root.add("table").cls("mr-facts").attr("id", "mr-facts");
    auto fact = [&](const char* k, const std::string& v) {
        HtmlNode tr = facts.add("tr");
        tr.add("th", k);
        tr.add("td", v);
    };
    fact("Colour", r.color);
    // Only absolute times on host pages: an unchanged status gives a byte-identical page, which
    // generate_pages then does not rewrite (file creation dominates the cost for 10,000 hosts).
    fact("Since", format_time(r.since));
    fact("Acknowledged", r.acked ? "until " + format_time(e.acktime) + ": " + r.ackmsg : "no");
    if (r.cores >= 0) fact("Suspect cores", format_cores(r.cores));
    if (r.score >= 0) fact("Score", std::to_string(r.score));
    if (r.findings >= 0) fact("Findings", std::to_string(r.findings));
    if (!r.pool.empty()) fact("Pool", r.pool);
    if (!r.incident_id.empty()) {
        HtmlNode tr = facts.add("tr");
        tr.add("th", "Incident");
        HtmlNode td = tr.add("td");
        td.add("a", r.incident_id).attr("href", "incident-" + url_encode(r.incident_id) + ".html").attr("id", "mr-incident-link");
        td.text(": " + r.incident_status);
    }
    fact("Last report", format_time(e.logtime));
    fact("Valid until", format_time(e.validtime));
    if (r.color == "red" && !r.acked)
        fact("What next", (r.paging.empty() ? std::string("On-call paged (see alerts.cfg)") : "On-call: " + r.paging) +
                              ". Keep the evidence below before touching the host.");

    root.add("h3", "Evidence");
    size_t nl = e.message.find('\n');
    std::string body = nl == std::string::npos ? "" : e.message.substr(nl + 1);
    HtmlNode ev = root.add("div").cls("mr-evidence").attr("id", "mr-evidence");
    if (body.empty()) ev.text("(no evidence in the status message)");
    else append_sanitized_html(ev, body);
    if (r.color == "red") add_order_forms(root, r.host, e.message, urls);

    if (x.last_alarm) {
        // The evidence of the last red/yellow episode, as Xymon stored it at that colour change:
        // it stays on the page after the host went green (the responder's snapshot).
        const HistoryEvent& a = *x.last_alarm;
        HtmlNode box = root.add("div").cls("mr-last-evidence mr-" + a.color).attr("id", "mr-last-evidence");
        std::string title = "Last evidence, " + a.color + " at " + format_time(a.start);
        if (x.have_stored && !x.stored.line1.empty()) title += ": " + x.stored.line1;
        box.add("h3", title).cls("mr-last-title");
        HtmlNode p = box.add("p").cls("mr-nav");
        p.add("a", "stored status in Xymon").attr("href", urls.histlog(r.host, a.start)).cls("mr-link-histlog");
        if (a.duration >= 0) p.text(" | lasted " + human_duration(a.duration));
        HtmlNode ev2 = box.add("div").cls("mr-evidence");
        if (!x.have_stored) ev2.text("(Xymon's stored status of that moment is no longer on this server)");
        else if (x.stored.body.empty()) ev2.text("(no evidence in the stored status)");
        else append_sanitized_html(ev2, x.stored.body);
    }

    root.add("h3", "Colour changes");
    HtmlNode tl = root.add("table").cls("mr-timeline").attr("id", "mr-timeline");
    HtmlNode th = tl.add("tr");
    for (const char* h : {"Changed to", "At", "Lasted"}) th.add("th", h);
    if (history.empty()) tl.add("tr").add("td", "no history yet").attr("colspan", "3");
    for (size_t i = 0; i < history.size() && i < x.timeline_max; ++i) {
        const HistoryEvent& h = history[i];
        HtmlNode tr = tl.add("tr").cls("mr-" + h.color);
        HtmlNode c = tr.add("td");
        c.add("img").attr("src", urls.icon(h.color, false)).attr("alt", h.color).attr("width", "16").attr("height", "16");
        if (is_alarm_color(h.color))  // what the host looked like at that moment
            c.text(" ").add("a", h.color).attr("href", urls.histlog(r.host, h.start)).cls("mr-link-histlog");
        else
            c.text(" " + h.color);
        tr.add("td", format_time(h.start));
        tr.add("td", h.duration < 0 ? "still " + h.color : format_duration(h.duration));
    }

    root.add("h3", "Trend");
    root.add("img").attr("src", urls.graph(r.host)).attr("alt", "miningrisk trend graph").cls("mr-graph");
    return doc.serialize();
}

}  // namespace mr
