#include "server/status_text.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "server/order_marks.h"
#include "server/recovery_text.h"
#include "util/html_escape.h"

namespace mr {

namespace {
constexpr size_t kMaxShownFindings = 40;
constexpr size_t kHeadlineField = 64;    // bytes of a host-supplied field in line 1
constexpr size_t kTableField = 512;
constexpr size_t kMaxShownSignals = 16;  // per finding; the drill-down page has the rest
// xymond cuts a status at MAXMSG_STATUS (256 KB by default) on its way to the channels, which
// would cut the NCV lines at the end (no graph point) and the HTML mid-tag. Host-supplied text
// (up to 200 findings x 64 signals x 400 bytes, 6x longer once escaped) must not get there.
constexpr size_t kMaxStatusHtml = 160 * 1024;

std::string esc(const std::string& s, size_t max = kTableField) { return escape_html_capped(s, max); }

std::string utc_text(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string cores_text(double c) { return fmt::format("{:.1f}", std::isfinite(c) ? c : 0.0); }

bool active(const Finding& f) { return f.color == Color::yellow || f.color == Color::red; }

bool has_signal(const Finding& f, const char* id) {
    for (const auto& s : f.signals)
        if (s.id == id) return true;
    return false;
}

// The finding line 1 is about: the worst colour, then the most CPU.
const Finding* headline_finding(const std::vector<Finding>& fs, bool only_active) {
    const Finding* best = nullptr;
    for (const auto& f : fs) {
        if (only_active && !active(f)) continue;
        if (!best || f.color > best->color ||
            (f.color == best->color && (f.pid > 0) > (best->pid > 0)) ||
            (f.color == best->color && (f.pid > 0) == (best->pid > 0) && f.cores > best->cores))
            best = &f;
    }
    return best;
}

std::string pool_of(const std::vector<Finding>& fs, const Finding& main) {
    if (!main.pool.empty()) return main.pool;
    for (const auto& f : fs)
        if (active(f) && !f.pool.empty()) return f.pool;
    return "";
}

std::string describe_finding(const std::vector<Finding>& fs, const Finding& f, bool with_signals) {
    std::string out;
    if (f.pid > 0) {
        out = fmt::format("{} (pid {}, user {}) on {} cores", esc(f.comm.empty() ? "?" : f.comm, kHeadlineField), f.pid,
                          esc(f.user.empty() ? std::to_string(f.uid) : f.user, kHeadlineField), cores_text(f.cores));
    } else {
        out = f.signals.empty() ? std::string("host")
                                : esc(f.signals[0].id, kHeadlineField) + ": " + esc(f.signals[0].evidence, kHeadlineField);
    }
    std::string pool = pool_of(fs, f);
    if (!pool.empty() && (f.pid > 0 || !has_signal(f, "pool_connection"))) out += ", pool " + esc(pool, kHeadlineField);
    if (with_signals && f.pid > 0 && !f.signals.empty()) {
        out += ":";
        for (size_t i = 0; i < f.signals.size() && i < 4; ++i) out += (i ? ", " : " ") + esc(f.signals[i].id, 40);
    }
    return out;
}

// The signals that decided the finding's colour.
bool sets_color(const Signal& s, const Finding& f) {
    bool has_strong = false;
    for (const auto& x : f.signals) has_strong |= x.strength == Strength::strong;
    if (f.color == Color::red) return has_strong ? s.strength == Strength::strong : s.strength == Strength::medium;
    if (f.color == Color::yellow) return true;
    return false;
}

void finding_table(std::string& o, const Finding& f) {
    o += "<table class=\"miningrisk-finding\" border=\"1\" cellpadding=\"3\" cellspacing=\"0\">\n";
    o += fmt::format("<tr><th colspan=\"2\" align=\"left\">{} {} (pid {})</th></tr>\n", to_string(f.color),
                     f.pid > 0 ? esc(f.comm) : std::string("host-wide"), f.pid);
    auto row = [&](const char* k, const std::string& v) {
        if (!v.empty()) o += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", k, v);
    };
    if (f.pid > 0) {
        // Agentless evidence has a user name but no uid: do not print a made-up uid 0.
        bool show_uid = f.uid != 0 || f.user.empty() || f.user == "root";
        row("user", esc(f.user) + (show_uid ? " (uid " + std::to_string(f.uid) + ")" : std::string()));
        row("parent", fmt::format("pid {}{}", f.ppid, f.parent_comm.empty() ? "" : " (" + esc(f.parent_comm, 64) + ")"));
        row("executable", esc(f.exe));
        row("sha256", esc(f.sha256, 64));
        std::string argv;
        for (const auto& a : f.argv) argv += (argv.empty() ? "" : " ") + a;
        row("command line", esc(argv, 1024));
        std::string cores = fmt::format("{:.2f}", std::isfinite(f.cores) ? f.cores : 0.0);
        if (f.max_thread_cores > 0 && std::isfinite(f.max_thread_cores))
            cores += fmt::format(" (busiest thread {:.2f})", f.max_thread_cores);
        row("cores", cores);
        row("container", esc(f.container, 80));
    }
    row("pool", esc(f.pool, 200));
    if (!f.signals.empty()) {
        std::string list = "<ul>";
        for (size_t i = 0; i < f.signals.size() && i < kMaxShownSignals; ++i) {
            const Signal& s = f.signals[i];
            list += fmt::format("<li><b>{}</b> {}: {}{}</li>", to_string(s.strength), esc(s.id, 64), esc(s.evidence, 300),
                                sets_color(s, f) ? " <i>(sets colour)</i>" : "");
        }
        if (f.signals.size() > kMaxShownSignals)
            list += fmt::format("<li>{} more signals</li>", f.signals.size() - kMaxShownSignals);
        row("signals", list + "</ul>");
    }
    for (const auto& a : f.suppressed_by) row("allowlisted by", esc(a));
    o += "</table><br>\n";
}
// The evidence snapshots the client reported: the manifest digest is the proof of what the host
// saved, kept here (and in Xymon's history) even if the host is wiped.
void snapshot_tables(std::string& o, const std::vector<SnapshotRecord>& snaps) {
    if (snaps.empty()) return;
    o += "<h4>Evidence snapshots</h4>\n";
    std::string& out = o;
    for (const SnapshotRecord& s : snaps) {
        std::string t;
        std::string& o = t;
        o += "<table class=\"miningrisk-snapshot\" border=\"1\" cellpadding=\"3\" cellspacing=\"0\">\n";
        o += fmt::format("<tr><th colspan=\"2\" align=\"left\">snapshot of {} (pid {}), {}</th></tr>\n",
                         esc(s.comm.empty() ? "?" : s.comm, 64), s.pid, esc(s.trigger, 120));
        auto row = [&](const char* k, const std::string& v) {
            if (!v.empty()) o += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", k, v);
        };
        row("status", esc(s.status, 300));
        row("taken", s.time > 0 ? fmt::format("{} UTC", utc_text(s.time)) : std::string());
        row("stored on the host", s.id.empty() ? std::string() : "/var/lib/xymon/miningrisk/evidence/" + esc(s.id, 200));
        row("manifest sha256", esc(s.manifest_sha256, 64));
        row("previous manifest", s.manifest_sha256.empty() ? std::string() : s.prev_manifest.empty() ? std::string("(first of this host)") : esc(s.prev_manifest, 64));
        row("executable", esc(s.exe, 512));
        row("exe sha256", esc(s.sha256, 64));
        row("process tree", esc(s.tree, 1500));
        if (s.status == "ok") row("size", fmt::format("{} files, {} bytes, {:.1f} s", s.files, s.bytes, s.seconds));
        row("memory IOC hits", s.ioc_hits ? fmt::format("{}: {}", s.ioc_hits, esc(s.hits, 1100)) : std::string());
        row("persistence found", esc(s.persistence, 1600));
        row("skipped", esc(s.skipped, 1600));
        o += "</table><br>\n";
        // the findings' budget plus room for the snapshots, well below xymond's 256 KB cut
        if (out.size() + t.size() > kMaxStatusHtml + 48 * 1024) t = "<p>snapshot of pid " + std::to_string(s.pid) +
            ": manifest sha256 " + esc(s.manifest_sha256, 64) + " (details cut: status size)</p>\n";
        out += t;
    }
}

// Every containment step and refusal, with its reason: what was frozen, what was not and why.
void containment_table(std::string& o, const std::vector<ContainmentRecord>& recs, const std::string& contain) {
    if (recs.empty()) return;
    o += fmt::format("<h4>Containment</h4>\n<p>server policy CONTAIN for this host: {}</p>\n", esc(contain, 20));
    o += "<table class=\"miningrisk-containment\" border=\"1\" cellpadding=\"3\" cellspacing=\"0\">\n"
         "<tr><th>time (UTC)</th><th>process</th><th>step</th><th>result</th><th>how</th><th>reason</th><th>by</th></tr>\n";
    for (const ContainmentRecord& c : recs)
        o += fmt::format("<tr><td>{}</td><td>{} (pid {})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         c.time > 0 ? utc_text(c.time) : std::string("-"), esc(c.comm.empty() ? "?" : c.comm, 64), c.pid,
                         esc(c.action, 20), esc(c.result, 20),
                         esc(c.method, 40) + (c.pids.empty() ? "" : " (pids " + esc(c.pids, 200) + ")"), esc(c.reason, 400),
                         esc(c.by, 80) + (c.order.empty() ? "" : " order " + esc(c.order, 80)));
    o += "</table><br>\n";
}

}  // namespace

int status_lifetime_minutes(int interval_seconds) {
    int iv = std::clamp(interval_seconds, 60, 7 * 86400);
    return (2 * iv + 59) / 60 + 5;
}

Color status_color(const StatusInput& in) {
    if (!in.clear_reason.empty()) return Color::clear;
    return in.recovery_warning.empty() ? in.verdict.color : std::max(in.verdict.color, Color::yellow);
}

bool line1_is_agentless(std::string_view line1) {
    while (!line1.empty() && (line1.back() == '\r' || line1.back() == '\n')) line1.remove_suffix(1);
    return line1.size() >= kAgentlessMarker.size() &&
           line1.substr(line1.size() - kAgentlessMarker.size()) == kAgentlessMarker;
}

int verdict_score(const PolicyVerdict& v) {
    int score = 0;
    for (const auto& f : v.findings)
        for (const auto& s : f.signals) score += static_cast<int>(s.strength);
    return score;
}

std::string build_headline(const StatusInput& in) {
    const PolicyVerdict& v = in.verdict;
    std::string h;
    std::string suffix = in.agentless ? std::string(kAgentlessMarker) : "";
    if (!in.clear_reason.empty()) return "could not look: " + esc(in.clear_reason, 200) + suffix;
    int n_active = static_cast<int>(std::count_if(v.findings.begin(), v.findings.end(), active));
    int n_allowed = 0;
    for (const auto& f : v.findings) n_allowed += !f.suppressed_by.empty() && !active(f);
    const Finding* main = headline_finding(v.findings, true);
    std::string limited;
    if (!in.visibility_full) {
        std::string reasons;
        for (size_t i = 0; i < in.visibility_reasons.size() && i < 3; ++i)
            reasons += (i ? "; " : "") + esc(in.visibility_reasons[i], 120);
        limited = "limited visibility" + (reasons.empty() ? std::string() : ": " + reasons);
    }
    if (v.expected && main) {
        h = "mining expected here (" + esc(v.expected_reason, 120) + "): " + describe_finding(v.findings, *main, false);
    } else if (main) {
        h = describe_finding(v.findings, *main, main->color != Color::red);
        int more = n_active - 1 + in.findings_unreported;
        if (more > 0) h += fmt::format(" (+{} more)", more);
        if (!limited.empty()) h += "; " + limited;
    } else if (!limited.empty()) {
        h = limited;
    } else if (!in.recovery_warning.empty()) {
        h = "recovery not verified: " + esc(in.recovery_warning, 200);
    } else {
        h = fmt::format("no miner found ({} processes, {} sockets checked", in.procs_checked, in.sockets_checked);
        if (n_allowed) h += fmt::format("; {} allowlisted", n_allowed);
        h += ")";
    }
    if (!in.incident_status.empty() && !main) h += "; incident " + esc(in.incident_status, 200);
    return h + suffix;
}

std::string build_status_message(const StatusInput& in) {
    const PolicyVerdict& v = in.verdict;
    Color color = status_color(in);
    std::string o = fmt::format("status+{} {}.{} {} {}\n", status_lifetime_minutes(in.interval_seconds), in.host, kColumn,
                                to_string(color), build_headline(in));
    o += "<!-- ncv_skipstart -->\n";
    if (in.agentless)
        o += "<p><b>agentless</b> (limited evidence: stock client [ps]/[ports] only; install miningrisk-client "
             "for full evidence)</p>\n";
    if (!in.visibility_full) {
        o += "<p><b>limited visibility</b>: the scan could not see everything, so this column is never green:</p>\n<ul>\n";
        for (size_t i = 0; i < in.visibility_reasons.size() && i < 20; ++i)
            o += "<li>" + esc(in.visibility_reasons[i], 300) + "</li>\n";
        o += "</ul>\n";
    }
    if (v.expected)
        o += fmt::format("<p><b>mining expected</b> on this host by policy ({}): colour capped at green (would be {}).</p>\n",
                         esc(v.expected_reason), to_string(v.color_before_expected));
    size_t shown = 0, hidden = 0;
    std::string table;
    // Each shown finding's table, while the count and the byte budget allow.
    auto add_table = [&](const Finding& f) {
        if (shown >= kMaxShownFindings) {
            ++hidden;
            return;
        }
        table.clear();
        finding_table(table, f);
        if (o.size() + table.size() > kMaxStatusHtml) {
            ++hidden;
            return;
        }
        o += table;
        ++shown;
    };
    std::vector<const Finding*> order;
    for (const auto& f : v.findings) order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) { return a->color > b->color; });
    bool any_active = false, any_allowed = false;
    for (const Finding* f : order) {
        any_active |= active(*f);
        any_allowed |= !active(*f) && !f->suppressed_by.empty();
    }
    if (any_active) {
        o += "<h4>Findings</h4>\n";
        for (const Finding* f : order) {
            if (active(*f)) add_table(*f);
        }
    }
    if (any_allowed) {
        o += "<h4>Allowlisted (suppressed by policy)</h4>\n";
        for (const Finding* f : order) {
            if (!active(*f) && !f->suppressed_by.empty()) add_table(*f);
        }
    }
    snapshot_tables(o, in.snapshots);
    if (in.has_recovery) o += recovery_html(in.recovery);
    containment_table(o, in.containment, in.contain);
    o += process_marks(in);  // for the drill-down page's order buttons (issue 11)
    if (hidden) o += fmt::format("<p>{} more findings not shown here; see the drill-down page.</p>\n", hidden);
    if (in.findings_unreported > 0)
        o += fmt::format("<p>The client found {} more findings than it reports (it sends the worst {}); "
                         "they count in the findings graph but are listed nowhere: look at the host.</p>\n",
                         in.findings_unreported, v.findings.size());
    if (!v.allow_matched.empty()) {
        o += "<p>Allowlist entries that matched:</p>\n<ul>\n";
        for (const auto& a : v.allow_matched) o += "<li>" + esc(a) + "</li>\n";
        o += "</ul>\n";
    }
    if (!v.allow_expired.empty()) {
        o += "<p>Expired allowlist entries (no longer applied):</p>\n<ul>\n";
        for (const auto& a : v.allow_expired) o += "<li>EXPIRED " + esc(a) + "</li>\n";
        o += "</ul>\n";
    }
    std::string url = in.drilldown_base + "host-" + url_encode(in.host) + ".html";
    o += "<p><a href=\"" + escape_html(url) + "\">Drill-down: timeline and full evidence for " + esc(in.host, 200) +
         "</a></p>\n";
    if (!in.incident_id.empty()) {
        std::string iurl = in.drilldown_base + "incident-" + url_encode(in.incident_id) + ".html";
        o += "<p>Incident <a href=\"" + escape_html(iurl) + "\">" + esc(in.incident_id, 200) + "</a>: " +
             esc(in.incident_status, 200) + " (report, timeline, entry hints, impact)</p>\n";
    }
    o += fmt::format("<p>{} processes and {} sockets checked", in.procs_checked, in.sockets_checked);
    if (!in.agent.empty()) o += "; agent " + esc(in.agent, 80);
    if (!in.ioc_version.empty()) o += "; IOC list " + esc(in.ioc_version, 80);
    o += fmt::format("; client cycle {} s.</p>\n", in.interval_seconds);
    o += "<!-- ncv_skipend -->\n";
    double suspectcores = 0;
    int n_active = 0, pools = 0;
    for (const auto& f : v.findings) {
        if (!active(f)) continue;
        ++n_active;
        if (f.pid > 0 && std::isfinite(f.cores)) suspectcores += f.cores;
        if (!f.pool.empty() || has_signal(f, "pool_connection")) ++pools;
    }
    o += fmt::format("suspectcores : {:.2f}\nscore : {}\nfindings : {}\npoolconns : {}\n", suspectcores,
                     verdict_score(v), n_active + in.findings_unreported, pools);
    return o;
}

}  // namespace mr
