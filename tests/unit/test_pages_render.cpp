#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "util/file_io.h"
#include "pages/pages_render.h"
#include "pages/pages_run.h"
#include "xymon/paging_rule.h"
#include "temp_dir.h"

using namespace mr;

namespace {
BoardEntry entry(const std::string& host, const std::string& color, const std::string& line1,
                 const std::string& body) {
    BoardEntry e;
    e.host = host;
    e.test = "miningrisk";
    e.color = color;
    e.lastchange = 1795733142;
    e.logtime = 1795733142;
    e.line1 = line1;
    e.message = color + " " + line1 + "\n" + body;
    return e;
}
std::string slurp(const std::string& p) { return read_file(p).value_or(""); }
}  // namespace

TEST_CASE("pages_render: hostile headlines are text on every page") {
    const std::time_t now = 1795733200;
    auto xss = entry("h1", "red", "<img src=x onerror=alert(1)> on 3.0 cores", "<script>alert(2)</script>");
    auto amp = entry("h2", "yellow", "&red on 0.5 cores", "&red <b>b</b>");
    std::vector<HostRow> rows = {make_row(xss, now), make_row(amp, now)};
    FleetSummary s = summarize(rows);
    PageUrls urls;
    for (const std::string& html : {render_fleet_body(rows, s, now, urls), render_wall_body(rows, s, now, urls),
                                    render_host_body(rows[0], xss, {}, now, urls),
                                    render_host_body(rows[1], amp, {}, now, urls)}) {
        CHECK(html.find("<img src=x") == std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        bool shown_as_text = html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos ||
                             html.find("&amp;red") != std::string::npos;
        CHECK(shown_as_text);
    }
    std::string wall = render_wall_body(rows, s, now, urls);
    CHECK(wall.find("On-call paged: see alerts.cfg") != std::string::npos);
    CHECK(wall.find("/xymon/miningrisk/host-h1.html") != std::string::npos);
    CHECK(wall.find("All clear") == std::string::npos);
}

TEST_CASE("pages_render: all-clear wall and fleet pages") {
    const std::time_t now = 1795733200;
    std::vector<HostRow> rows = {make_row(entry("g1", "green", "no miner found", ""), now),
                                 make_row(entry("g2", "green", "no miner found", ""), now)};
    FleetSummary s = summarize(rows);
    PageUrls urls;
    CHECK(render_wall_body(rows, s, now, urls).find("All clear") != std::string::npos);
    CHECK(render_wall_body(rows, s, now, urls).find("2 hosts watched") != std::string::npos);
    CHECK(render_fleet_body(rows, s, now, urls).find("All clear: 2 hosts watched") != std::string::npos);
}

TEST_CASE("pages_render: host page links to Xymon's status, history and graph") {
    PageUrls urls;
    auto e = entry("web01", "red", "xmrig", "x");
    std::string html = render_host_body(make_row(e, 1795733200), e, {{1795733142, "red", -1}}, 1795733200, urls);
    CHECK(html.find("/xymon-cgi/svcstatus.sh?HOST=web01&amp;SERVICE=miningrisk") != std::string::npos);
    CHECK(html.find("/xymon-cgi/history.sh?HISTFILE=web01.miningrisk") != std::string::npos);
    CHECK(html.find("/xymon-cgi/showgraph.sh?host=web01&amp;service=miningrisk&amp;graph=hourly&amp;action=view") !=
          std::string::npos);
    CHECK(html.find("still red") != std::string::npos);
}

TEST_CASE("pages_render: generate_pages writes every page and removes stale ones") {
    mr_test::TempDir tmp("pages-test");
    std::string dir = tmp.path;
    std::string tpl = dir + "/tpl", www = dir + "/www";
    mkdir(tpl.c_str(), 0755);
    mkdir(www.c_str(), 0755);
    REQUIRE(write_file_atomic(tpl + "/miningrisk_header", "<html><body class=\"&XYMWEBBACKGROUND\">"));
    REQUIRE(write_file_atomic(tpl + "/miningrisk_footer", "</body></html>"));
    REQUIRE(write_file_atomic(www + "/host-gone.html", "old"));
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.now = 1795733200;
    std::vector<BoardEntry> b = {entry("r1", "red", "xmrig", "x"), entry("g1", "green", "ok", ""),
                                 entry("../evil", "red", "x", "")};
    PagesResult res;
    std::string err;
    REQUIRE(generate_pages(b, cfg, res, &err));
    CHECK(res.hosts == 2);
    CHECK(res.hosts_skipped == 1);
    CHECK(res.stale_removed == 1);
    CHECK(access((www + "/host-gone.html").c_str(), F_OK) != 0);
    std::string index = slurp(www + "/index.html");
    CHECK(index.rfind("<html><body class=\"red\">", 0) == 0);
    bool red_first = index.find("r1") < index.find("g1");
    CHECK(red_first);
    CHECK(slurp(www + "/host-r1.html").find("xmrig") != std::string::npos);
    CHECK(slurp(www + "/wall.html").find("http-equiv=\"refresh\"") != std::string::npos);

    cfg.host_filter = "^g";
    REQUIRE(generate_pages(b, cfg, res, &err));
    CHECK(slurp(www + "/index.html").find("All clear: 1 host watched") != std::string::npos);
    cfg.host_filter = "([";
    CHECK_FALSE(generate_pages(b, cfg, res, &err));
    CHECK(err.find("bad host filter") != std::string::npos);
}

TEST_CASE("pages_render: a host gone green keeps its last evidence, escaped, and links each alarm") {
    const std::time_t now = 1795740000, red_at = now - 7200, green_at = now - 3600;
    auto e = entry("h1", "green", "no miner found", "suspectcores : 0");
    e.lastchange = green_at;
    HostRow r = make_row(e, now);
    std::vector<HistoryEvent> hist(2);
    hist[0].start = green_at; hist[0].color = "green";
    hist[1].start = red_at; hist[1].color = "red"; hist[1].duration = green_at - red_at;
    r.clean = clean_status(r.color, r.since, hist, true, now, 24);
    HostPageExtras x;
    x.last_alarm = last_ended_alarm(hist, r.color);
    REQUIRE(x.last_alarm);
    x.have_stored = parse_histlog("red <img src=x onerror=alert(1)> (pid 66) on 2 cores\n"
                                  "<table><tr><td>&red</td><td><script>alert(3)</script>xmrig</td></tr></table>"
                                  "Status unchanged in 0.00 minutes\nMessage received from 127.0.0.1\n", x.stored);
    REQUIRE(x.have_stored);
    PageUrls urls;
    std::string html = render_host_body(r, e, hist, now, urls, x);
    CHECK(html.find("Last evidence, red at " + format_time(red_at) + ": &lt;img src=x onerror=alert(1)&gt; (pid 66)") !=
          std::string::npos);
    CHECK(html.find("<td>&amp;red</td>") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img src=\"x\"") == std::string::npos);
    std::string link = "/xymon-cgi/historylog.sh?HOST=h1&amp;SERVICE=miningrisk&amp;TIMEBUF=" + histlog_time(red_at);
    CHECK(html.find("href=\"" + link + "\"") != std::string::npos);
    // green entries of the timeline have no stored-status link
    CHECK(html.find("TIMEBUF=" + histlog_time(green_at)) == std::string::npos);
    CHECK(html.find("watch: clean for only 1 h of 24 h") != std::string::npos);
    CHECK(html.find("24 h clean is the usual bar before returning the host to production") != std::string::npos);
}

TEST_CASE("pages_render: a red tile says who is paged") {
    const std::time_t now = 1795733200;
    auto red = entry("r1", "red", "xmrig on 3.0 cores", "");
    std::vector<HostRow> rows = {make_row(red, now)};
    rows[0].paged = "Paged: <b>oncall</b>@example.com";
    std::string wall = render_wall_body(rows, summarize(rows), now, PageUrls());
    CHECK(wall.find("Paged: &lt;b&gt;oncall&lt;/b&gt;@example.com") != std::string::npos);
    CHECK(wall.find("host-r1.html") != std::string::npos);
    rows[0].paged = paging_text(find_paging("", "r1", "miningrisk"), "miningrisk");
    CHECK(render_wall_body(rows, summarize(rows), now, PageUrls()).find("no paging rule for miningrisk in alerts.cfg") !=
          std::string::npos);
}

TEST_CASE("pages_render: generate_pages reads Xymon's history and stored statuses, and skips unchanged pages") {
    mr_test::TempDir tmp("pages-test");
    std::string dir = tmp.path, tpl = dir + "/tpl", www = dir + "/www", hist = dir + "/hist", logs = dir + "/histlogs";
    for (const auto& d : {tpl, www, hist, logs, logs + "/web_1", logs + "/web_1/miningrisk"}) mkdir(d.c_str(), 0755);
    REQUIRE(write_file_atomic(tpl + "/miningrisk_header", "<html><body class=\"&XYMWEBBACKGROUND\">"));
    REQUIRE(write_file_atomic(tpl + "/miningrisk_footer", "</body></html>"));
    const std::time_t now = 1795740000, red_at = now - 7200, green_at = now - 3600;
    // Xymon ends the current line with a NUL byte (xymond_history writes strlen+1).
    std::string h = "Thu Nov 26 20:00:00 2026 red " + std::to_string(red_at) + " 3600\n" +
                    "Thu Nov 26 21:00:00 2026 green " + std::to_string(green_at) + std::string(1, '\0');
    REQUIRE(write_file_atomic(hist + "/web.1.miningrisk", h));
    REQUIRE(write_file_atomic(logs + "/web_1/miningrisk/" + histlog_time(red_at),
                              "red minerd (pid 77) on 1 cores\n<table><tr><td>minerd</td></tr></table>"));
    auto e = entry("web.1", "green", "no miner found", "");
    e.lastchange = green_at;
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.history_dir = hist;
    cfg.histlog_dir = logs;
    cfg.clean_hours = 1;
    cfg.now = now;
    PagesResult res;
    std::string err;
    REQUIRE(generate_pages({e}, cfg, res, &err));
    std::string page = slurp(www + "/host-web.1.html");
    CHECK(page.find("Last evidence, red at " + format_time(red_at) + ": minerd (pid 77) on 1 cores") != std::string::npos);
    CHECK(page.find("<td>minerd</td>") != std::string::npos);
    CHECK(page.find("clean for long enough") != std::string::npos);
    CHECK(slurp(www + "/index.html").find("clean for long enough") != std::string::npos);

    // Same inputs next minute: not rendered again. New board data: rendered again.
    cfg.now += 60;
    REQUIRE(generate_pages({e}, cfg, res, &err));
    CHECK(res.unchanged == 1);
    e.color = "red";
    e.line1 = "xmrig now";
    e.message = "red xmrig now";
    REQUIRE(generate_pages({e}, cfg, res, &err));
    CHECK(res.unchanged == 0);
    CHECK(slurp(www + "/host-web.1.html").find("xmrig now") != std::string::npos);
    // A page deleted behind the generator's back comes back even though its inputs did not change.
    unlink((www + "/host-web.1.html").c_str());
    REQUIRE(generate_pages({e}, cfg, res, &err));
    CHECK(access((www + "/host-web.1.html").c_str(), F_OK) == 0);
}
