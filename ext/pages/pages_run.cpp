#include "pages/pages_run.h"

#include <unistd.h>

#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "pages/pages_model.h"
#include "util/file_io.h"
#include "util/html_escape.h"
#include "util/sha256.h"
#include "xymon/paging_rule.h"

namespace mr {

namespace {

// ---- Reading ----

// A host's history file: one short line per colour change, years of them fit.
constexpr size_t kMaxHistoryFile = 64u << 20;

// The file, or "" when it is missing or unreadable: every input of a page is optional.
std::string read_or_empty(const std::string& path, size_t max = kMaxTextFile) {
    return read_file(path, max).value_or("");
}

std::string first_existing(const std::string& dir, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        std::string path = dir + "/" + n;
        if (access(path.c_str(), R_OK) == 0) return read_or_empty(path);
    }
    return "";
}

const char* kFallbackWallHeader =
    "<!DOCTYPE html>\n<html><head><meta http-equiv=\"refresh\" content=\"&XYMWEBREFRESH\">"
    "<title>Mining risk wall</title></head><body class=\"wall-body\">\n";
const char* kFallbackFooter = "\n</body></html>\n";

// The templates of a run, with $VARs and the menu include resolved once, not once per page.
struct Templates {
    PreparedTemplate header, footer, wall_header, wall_footer;
};

Expected<Templates> load_templates(const PagesConfig& cfg) {
    std::string header = first_existing(cfg.templates_dir, {"miningrisk_header", "stdnormal_header"});
    std::string footer = first_existing(cfg.templates_dir, {"miningrisk_footer", "stdnormal_footer"});
    std::string wall_header = first_existing(cfg.templates_dir, {"miningrisk_wall_header"});
    std::string wall_footer = first_existing(cfg.templates_dir, {"miningrisk_wall_footer"});
    if (header.empty()) return fail("no miningrisk_header or stdnormal_header in " + cfg.templates_dir);
    if (wall_header.empty()) wall_header = kFallbackWallHeader;
    if (wall_footer.empty()) wall_footer = kFallbackFooter;
    TemplateVars env = cfg.env;
    for (const char* k : {"XYMONBODYHEADER", "XYMONBODYFOOTER"}) {
        auto it = env.find(k);
        if (it != env.end() && it->second.compare(0, 5, "file:") == 0)
            it->second = expand_dollar_vars(read_or_empty(it->second.substr(5)), env);
    }
    Templates out;
    out.header = PreparedTemplate(header, env);
    out.footer = PreparedTemplate(footer, env);
    out.wall_header = PreparedTemplate(wall_header, env);
    out.wall_footer = PreparedTemplate(wall_footer, env);
    return out;
}

std::string page(const PreparedTemplate& header, const std::string& body, const PreparedTemplate& footer,
                 const TemplateVars& specials) {
    return header.expand(specials) + body + footer.expand(specials);
}

// ---- Which hosts ----

// The hosts of the run: the board's entries of our test, through the filter, with names fit for
// a file name (the others are counted and logged).
struct HostSet {
    std::vector<const BoardEntry*> entries;
    std::vector<HostRow> rows;  // rows[i] is made from entries[i]
};

Expected<HostSet> select_hosts(const std::vector<BoardEntry>& board, const PagesConfig& cfg, PagesResult& result,
                               void (*warn)(const std::string&)) {
    std::regex filter;
    bool filtered = !cfg.host_filter.empty();
    if (filtered) {
        try {
            filter = std::regex(cfg.host_filter, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& ex) {
            return fail("bad host filter '" + cfg.host_filter + "': " + ex.what());
        }
    }
    HostSet out;
    for (const auto& e : board) {
        if (e.test != cfg.urls.test) continue;
        if (filtered && !std::regex_search(e.host, filter)) continue;
        if (!host_file_name_ok(e.host)) {
            ++result.hosts_skipped;
            if (warn) warn("skipping host with a name unfit for a file name: " + escape_html(e.host));
            continue;
        }
        out.entries.push_back(&e);
        out.rows.push_back(make_row(e, cfg.now));
    }
    result.hosts = out.rows.size();
    return out;
}

// ---- One host's inputs ----

// The evidence a stored status keeps can be big; a page needs only a bounded part of it.
constexpr size_t kMaxStoredStatus = 256 * 1024;

// What a host page is made of besides its board entry.
struct HostInputs {
    std::string history_text;         // the whole history file ("" = none)
    std::vector<HistoryEvent> hist;
    std::string stored_text;          // the last alarm's stored status, bounded ("" = none)
    HostPageExtras extras;            // extras.last_alarm points into hist
};

// Reads the history and fills in the row's clean status and paging (who gets paged when red).
void read_history(HostRow& r, const PagesConfig& cfg, HostInputs& in) {
    bool have_history = false;
    if (!cfg.history_dir.empty()) {
        // The whole file: the last alarm may be older than the events the timeline shows.
        in.history_text = read_or_empty(cfg.history_dir + "/" + r.host + "." + cfg.urls.test, kMaxHistoryFile);
        have_history = !in.history_text.empty();
        in.hist = parse_history(in.history_text, SIZE_MAX);
    }
    r.clean = clean_status(r.color, r.since, in.hist, have_history, cfg.now, cfg.clean_hours);
    if (auto it = cfg.incidents.find(r.host); it != cfg.incidents.end()) {
        r.incident_id = it->second.first;
        r.incident_status = it->second.second;
    }
    if (r.color == "red") {
        PagingInfo p = find_paging(cfg.alerts_cfg, r.host, cfg.urls.test);
        r.paging = paging_text(p, cfg.urls.test);
        r.paged = p.found ? "Paged: " + p.recipient : r.paging;
    }
}

// The evidence of the last red/yellow episode, from Xymon's stored status of its start.
void read_last_evidence(const HostRow& r, const PagesConfig& cfg, HostInputs& in) {
    HostPageExtras& x = in.extras;
    x.timeline_max = cfg.history_events;
    if (r.color != "red") x.last_alarm = last_ended_alarm(in.hist, r.color);
    if (x.last_alarm && !cfg.histlog_dir.empty()) {
        std::string stored = read_file_prefix(cfg.histlog_dir + "/" + histlog_host_dir(r.host) + "/" +
                                                  cfg.urls.test + "/" + histlog_time(x.last_alarm->start),
                                              kMaxStoredStatus).value_or("");
        x.have_stored = !stored.empty() && parse_histlog(stored, x.stored);
        in.stored_text = std::move(stored);
    }
}

// ---- Fingerprints: host pages that did not change are not rendered again ----

// Each page's inputs are hashed (SHA-256: host text must not be able to forge a match with an
// old page) and kept in a state file in the output directory; a page whose hash is unchanged
// and whose file exists is left alone.
const char* kStateFile = ".miningrisk-pages.state";

std::map<std::string, std::string> read_state(const std::string& path) {
    std::map<std::string, std::string> st;
    std::istringstream in(read_or_empty(path));
    std::string name, hash;
    while (in >> name >> hash) st[name] = hash;
    return st;
}

std::string state_text(const std::map<std::string, std::string>& state) {
    std::string out;
    for (const auto& kv : state) out += kv.first + " " + kv.second + "\n";
    return out;
}

void hash_field(Sha256& h, std::string_view v) {
    std::string len = std::to_string(v.size()) + ":";  // length-prefixed: fields cannot run together
    h.update(len);
    h.update(v);
}

// What every host page depends on besides its own data.
std::string run_fingerprint(const Templates& t, const PagesConfig& cfg) {
    Sha256 run;
    for (const auto* tp : {&t.header, &t.footer}) hash_field(run, tp->fingerprint_text());
    hash_field(run, cfg.urls.cgi + "\x1f" + cfg.urls.seccgi + "\x1f" + cfg.urls.skin + "\x1f" + cfg.urls.pages + "\x1f" + cfg.urls.test);
    hash_field(run, std::to_string(cfg.history_events) + "/" + std::to_string(cfg.clean_hours));
    hash_field(run, "v3");  // bump when render_host_body changes
    return run.hex();
}

// Everything one host page is made of. Times relative to now only enter through the clean
// status texts, so a page changes when what it says changes.
std::string host_fingerprint(const std::string& run_key, const BoardEntry& e, const HostRow& r,
                             const HostInputs& in) {
    Sha256 h;
    hash_field(h, run_key);
    for (const std::string* f : std::initializer_list<const std::string*>{
             &e.host, &e.test, &e.color, &e.ackmsg, &e.line1, &e.message, &in.history_text,
             &in.stored_text, &r.paging, &r.incident_id, &r.incident_status})
        hash_field(h, *f);
    hash_field(h, std::to_string(e.lastchange) + "/" + std::to_string(e.logtime) + "/" +
                      std::to_string(e.validtime) + "/" + std::to_string(e.acktime) + "/" +
                      (r.acked ? "acked" : "") + "/" + r.clean.summary() + "/" + r.clean.detail());
    return h.hex();
}

// ---- Writing ----

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

// Writes pages into the output directory, counting them; the last failure is kept for the caller.
struct PageWriter {
    const PagesConfig& cfg;
    PagesResult& result;
    void (*warn)(const std::string&);
    std::string last_error;

    bool write(const std::string& name, const std::string& content, bool durable) {
        Status written = write_file_atomic(cfg.www_dir + "/" + name, content, 0644, durable);
        if (written) {
            ++result.pages_written;
            return true;
        }
        last_error = written.error().message;
        if (warn) warn(last_error);
        return false;
    }
};

// Host pages (before the overview, so it never links to a page that does not exist yet).
// Returns the names of the pages that are in place; `state` gets their fingerprints.
std::set<std::string> write_host_pages(HostSet& hosts, const Templates& t, const PagesConfig& cfg,
                                       PageWriter& out, std::map<std::string, std::string>& state) {
    const std::map<std::string, std::string> old_state = read_state(cfg.www_dir + "/" + kStateFile);
    const std::string run_key = run_fingerprint(t, cfg);
    std::set<std::string> written;
    for (size_t i = 0; i < hosts.rows.size(); ++i) {
        HostRow& r = hosts.rows[i];
        const BoardEntry& e = *hosts.entries[i];
        HostInputs in;
        read_history(r, cfg, in);
        read_last_evidence(r, cfg, in);
        std::string name = "host-" + r.host + ".html";
        written.insert(name);
        std::string fp = host_fingerprint(run_key, e, r, in);
        state[name] = fp;
        auto old = old_state.find(name);
        if (old != old_state.end() && old->second == fp && access((cfg.www_dir + "/" + name).c_str(), F_OK) == 0) {
            ++out.result.unchanged;
            continue;
        }
        std::string body = render_host_body(r, e, in.hist, cfg.now, cfg.urls, in.extras);
        // The page's date is the status's, so that an unchanged status gives an unchanged page.
        TemplateVars sp = page_specials(r.color, page_date(e.logtime), 60, r.host, cfg.urls.test);
        std::string content = page(t.header, body, t.footer, sp);
        // Bounded by the new page: a longer file cannot be equal to it.
        if (read_file(cfg.www_dir + "/" + name, content.size()).value_or("") == content) {
            ++out.result.unchanged;
            continue;
        }
        if (!out.write(name, content, false)) {
            written.erase(name);
            state.erase(name);
        }
    }
    return written;
}

// index.html and wall.html, worst host first; false when either could not be written.
bool write_overview_pages(std::vector<HostRow>& rows, const Templates& t, const PagesConfig& cfg,
                          PageWriter& out) {
    sort_worst_first(rows);
    FleetSummary s = summarize(rows);
    TemplateVars specials = page_specials(worst_color(rows), page_date(cfg.now), 60);
    bool ok = out.write("index.html", page(t.header, render_fleet_body(rows, s, cfg.now, cfg.urls), t.footer,
                                           specials), cfg.durable);
    ok = out.write("wall.html", page(t.wall_header, render_wall_body(rows, s, cfg.now, cfg.urls),
                                     t.wall_footer, specials), cfg.durable) && ok;
    return ok;
}

// Pages of hosts that left the board (or the filter) go, so no stale red lingers.
size_t remove_stale_pages(const std::string& www_dir, const std::set<std::string>& keep) {
    size_t removed = 0;
    for (const std::string& n : list_dir_names(www_dir)) {
        if (n.size() > 10 && n.compare(0, 5, "host-") == 0 && n.compare(n.size() - 5, 5, ".html") == 0 &&
            !keep.count(n)) {
            if (unlink((www_dir + "/" + n).c_str()) == 0) ++removed;
        }
    }
    return removed;
}

}  // namespace

Expected<PagesResult> generate_pages(const std::vector<BoardEntry>& board, const PagesConfig& cfg,
                                     void (*warn)(const std::string&)) {
    PagesResult result;
    Expected<Templates> templates = load_templates(cfg);
    if (!templates) return fail(templates.error());
    const Templates& t = *templates;
    Expected<HostSet> selected = select_hosts(board, cfg, result, warn);
    if (!selected) return fail(selected.error());
    HostSet& hosts = *selected;

    PageWriter out{cfg, result, warn, {}};
    std::map<std::string, std::string> state;
    std::set<std::string> written = write_host_pages(hosts, t, cfg, out, state);
    bool ok = write_overview_pages(hosts.rows, t, cfg, out);
    Status saved = write_file_atomic(cfg.www_dir + "/" + kStateFile, state_text(state), 0644, false);
    if (!saved && warn) warn(saved.error().message);
    std::string css = read_or_empty(cfg.templates_dir + "/miningrisk.css");
    if (!css.empty()) out.write("miningrisk.css", css, cfg.durable);
    if (!ok) return fail(out.last_error);
    result.stale_removed = remove_stale_pages(cfg.www_dir, written);
    return result;
}

}  // namespace mr
