#include "pages/pages_render.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "util/atomic_file.h"
#include "pages/html_doc.h"
#include "util/html_escape.h"
#include "xymon/paging_rule.h"
#include "util/sha256.h"

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
    for (const char* h : {"Host", "Colour", "Headline", "Top suspect", "Cores", "Pool", "Since", "Clean", "Acknowledged", "Xymon"})
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
        tile.add("div", r.headline).cls("tile-head");
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

// ---- The run ----

namespace {

struct Templates {
    std::string header, footer, wall_header, wall_footer;
};

std::string first_existing(const std::string& dir, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        std::string path = dir + "/" + n;
        if (access(path.c_str(), R_OK) == 0) return read_text_file(path);
    }
    return "";
}

// At most `max` bytes of a file; "" when it cannot be read.
std::string read_text_prefix(const std::string& path, size_t max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::string s(max, '\0');
    in.read(&s[0], static_cast<std::streamsize>(max));
    s.resize(static_cast<size_t>(in.gcount()));
    return s;
}

const char* kFallbackWallHeader =
    "<!DOCTYPE html>\n<html><head><meta http-equiv=\"refresh\" content=\"&XYMWEBREFRESH\">"
    "<title>Mining risk wall</title></head><body class=\"wall-body\">\n";
const char* kFallbackFooter = "\n</body></html>\n";

std::string page(const PreparedTemplate& header, const std::string& body, const PreparedTemplate& footer,
                 const TemplateVars& specials) {
    return header.expand(specials) + body + footer.expand(specials);
}

// Host pages that did not change are not rendered again. Each page's inputs are hashed (SHA-256:
// host text must not be able to forge a match with an old page) and kept in a state file in the
// output directory; a page whose hash is unchanged and whose file exists is left alone.
const char* kStateFile = ".miningrisk-pages.state";

std::map<std::string, std::string> read_state(const std::string& path) {
    std::map<std::string, std::string> st;
    std::istringstream in(read_text_file(path));
    std::string name, hash;
    while (in >> name >> hash) st[name] = hash;
    return st;
}

void hash_field(Sha256& h, std::string_view v) {
    std::string len = std::to_string(v.size()) + ":";  // length-prefixed: fields cannot run together
    h.update(len);
    h.update(v);
}

std::string worst_color(const std::vector<HostRow>& rows) {
    return rows.empty() ? "green" : (color_severity(rows.front().color) < 0 ? "clear" : rows.front().color);
}

std::string page_date(std::time_t now) {
    char buf[64];
    struct tm tm {};
    localtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
    return buf;
}

}  // namespace

bool generate_pages(const std::vector<BoardEntry>& board, const PagesConfig& cfg,
                    PagesResult& result, std::string* error, void (*warn)(const std::string&)) {
    result = PagesResult{};
    Templates t;
    t.header = first_existing(cfg.templates_dir, {"miningrisk_header", "stdnormal_header"});
    t.footer = first_existing(cfg.templates_dir, {"miningrisk_footer", "stdnormal_footer"});
    t.wall_header = first_existing(cfg.templates_dir, {"miningrisk_wall_header"});
    t.wall_footer = first_existing(cfg.templates_dir, {"miningrisk_wall_footer"});
    if (t.header.empty()) {
        if (error) *error = "no miningrisk_header or stdnormal_header in " + cfg.templates_dir;
        return false;
    }
    if (t.wall_header.empty()) t.wall_header = kFallbackWallHeader;
    if (t.wall_footer.empty()) t.wall_footer = kFallbackFooter;

    // Resolve the menu include once, not once per page.
    TemplateVars env = cfg.env;
    for (const char* k : {"XYMONBODYHEADER", "XYMONBODYFOOTER"}) {
        auto it = env.find(k);
        if (it != env.end() && it->second.compare(0, 5, "file:") == 0)
            it->second = expand_dollar_vars(read_text_file(it->second.substr(5)), env);
    }
    // And the templates once per run: a page is then the join of a few strings.
    PreparedTemplate header(t.header, env), footer(t.footer, env);
    PreparedTemplate wall_header(t.wall_header, env), wall_footer(t.wall_footer, env);

    std::regex filter;
    bool filtered = !cfg.host_filter.empty();
    if (filtered) {
        try {
            filter = std::regex(cfg.host_filter, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& ex) {
            if (error) *error = "bad host filter '" + cfg.host_filter + "': " + ex.what();
            return false;
        }
    }

    // The evidence a stored status keeps can be big; a page needs only a bounded part of it.
    constexpr size_t kMaxStoredStatus = 256 * 1024;

    std::vector<const BoardEntry*> entries;
    std::vector<HostRow> rows;
    for (const auto& e : board) {
        if (e.test != cfg.urls.test) continue;
        if (filtered && !std::regex_search(e.host, filter)) continue;
        if (!host_file_name_ok(e.host)) {
            ++result.hosts_skipped;
            if (warn) warn("skipping host with a name unfit for a file name: " + escape_html(e.host));
            continue;
        }
        entries.push_back(&e);
        rows.push_back(make_row(e, cfg.now));
    }
    result.hosts = rows.size();

    std::string err;
    auto write = [&](const std::string& name, const std::string& content, bool durable) {
        if (write_file_atomic(cfg.www_dir + "/" + name, content, &err, 0644, durable)) {
            ++result.pages_written;
            return true;
        }
        if (warn) warn(err);
        return false;
    };

    std::string date = page_date(cfg.now);
    std::set<std::string> written;
    const std::string state_path = cfg.www_dir + "/" + kStateFile;
    std::map<std::string, std::string> old_state = read_state(state_path), new_state;
    // What every host page depends on besides its own data.
    Sha256 run;
    for (const auto* tp : {&header, &footer}) hash_field(run, tp->fingerprint_text());
    hash_field(run, cfg.urls.cgi + "\x1f" + cfg.urls.skin + "\x1f" + cfg.urls.pages + "\x1f" + cfg.urls.test);
    hash_field(run, std::to_string(cfg.history_events) + "/" + std::to_string(cfg.clean_hours));
    hash_field(run, "v2");  // bump when render_host_body changes
    const std::string run_key = run.hex();
    // Host pages first, so the overview never links to a page that does not exist yet.
    for (size_t i = 0; i < rows.size(); ++i) {
        HostRow& r = rows[i];
        std::vector<HistoryEvent> hist;
        std::string history_text;
        bool have_history = false;
        if (!cfg.history_dir.empty()) {
            // The whole file: the last alarm may be older than the events the timeline shows.
            history_text = read_text_file(cfg.history_dir + "/" + r.host + "." + cfg.urls.test);
            have_history = !history_text.empty();
            hist = parse_history(history_text, SIZE_MAX);
        }
        r.clean = clean_status(r.color, r.since, hist, have_history, cfg.now, cfg.clean_hours);
        if (r.color == "red") {
            PagingInfo p = find_paging(cfg.alerts_cfg, r.host, cfg.urls.test);
            r.paging = paging_text(p, cfg.urls.test);
            r.paged = p.found ? "Paged: " + p.recipient : r.paging;
        }
        HostPageExtras x;
        std::string stored_text;
        x.timeline_max = cfg.history_events;
        if (r.color != "red") x.last_alarm = last_ended_alarm(hist, r.color);
        if (x.last_alarm && !cfg.histlog_dir.empty()) {
            std::string stored = read_text_prefix(cfg.histlog_dir + "/" + histlog_host_dir(r.host) + "/" +
                                                  cfg.urls.test + "/" + histlog_time(x.last_alarm->start),
                                                  kMaxStoredStatus);
            x.have_stored = !stored.empty() && parse_histlog(stored, x.stored);
            stored_text = std::move(stored);
        }
        const BoardEntry& e = *entries[i];
        std::string name = "host-" + r.host + ".html";
        written.insert(name);
        // Everything the page is made of. Times relative to now only enter through the clean
        // status texts, so a page changes when what it says changes.
        Sha256 h;
        hash_field(h, run_key);
        for (const std::string* f : std::initializer_list<const std::string*>{&e.host, &e.test, &e.color, &e.ackmsg, &e.line1, &e.message, &history_text,
                                     &stored_text, &r.paging})
            hash_field(h, *f);
        hash_field(h, std::to_string(e.lastchange) + "/" + std::to_string(e.logtime) + "/" +
                          std::to_string(e.validtime) + "/" + std::to_string(e.acktime) + "/" +
                          (r.acked ? "acked" : "") + "/" + r.clean.summary() + "/" + r.clean.detail());
        std::string fp = h.hex();
        new_state[name] = fp;
        auto old = old_state.find(name);
        if (old != old_state.end() && old->second == fp && access((cfg.www_dir + "/" + name).c_str(), F_OK) == 0) {
            ++result.unchanged;
            continue;
        }
        std::string body = render_host_body(r, e, hist, cfg.now, cfg.urls, x);
        // The page's date is the status's, so that an unchanged status gives an unchanged page.
        TemplateVars sp = page_specials(r.color, page_date(e.logtime), 60, r.host, cfg.urls.test);
        std::string content = page(header, body, footer, sp);
        if (read_text_file(cfg.www_dir + "/" + name) == content) {
            ++result.unchanged;
            continue;
        }
        if (!write(name, content, false)) {
            written.erase(name);
            new_state.erase(name);
        }
    }

    sort_worst_first(rows);
    FleetSummary s = summarize(rows);
    std::string bg = worst_color(rows);
    bool ok = write("index.html", page(header, render_fleet_body(rows, s, cfg.now, cfg.urls), footer,
                                       page_specials(bg, date, 60)), cfg.durable);
    ok = write("wall.html", page(wall_header, render_wall_body(rows, s, cfg.now, cfg.urls), wall_footer,
                                 page_specials(bg, date, 60)), cfg.durable) && ok;
    std::string state;
    for (const auto& kv : new_state) state += kv.first + " " + kv.second + "\n";
    std::string state_err;
    if (!write_file_atomic(state_path, state, &state_err, 0644, false) && warn) warn(state_err);
    std::string css = read_text_file(cfg.templates_dir + "/miningrisk.css");
    if (!css.empty()) write("miningrisk.css", css, cfg.durable);
    if (!ok) {
        if (error) *error = err;
        return false;
    }

    // Pages of hosts that left the board (or the filter) go, so no stale red lingers.
    if (DIR* d = opendir(cfg.www_dir.c_str())) {
        while (dirent* de = readdir(d)) {
            std::string n = de->d_name;
            if (n.size() > 10 && n.compare(0, 5, "host-") == 0 && n.compare(n.size() - 5, 5, ".html") == 0 &&
                !written.count(n)) {
                if (unlink((cfg.www_dir + "/" + n).c_str()) == 0) ++result.stale_removed;
            }
        }
        closedir(d);
    }
    return true;
}

}  // namespace mr
