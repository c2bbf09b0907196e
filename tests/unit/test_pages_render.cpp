#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pages/pages_render.h"
#include "xymon/paging_rule.h"
#include "pages_fixture.h"

using namespace mr;
using mr_test::board_entry;

TEST_CASE("pages_render: hostile headlines are text on every page") {
    const std::time_t now = 1795733200;
    auto xss = board_entry("h1", "red", "<img src=x onerror=alert(1)> on 3.0 cores", "<script>alert(2)</script>");
    auto amp = board_entry("h2", "yellow", "&red on 0.5 cores", "&red <b>b</b>");
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
    std::vector<HostRow> rows = {make_row(board_entry("g1", "green", "no miner found", ""), now),
                                 make_row(board_entry("g2", "green", "no miner found", ""), now)};
    FleetSummary s = summarize(rows);
    PageUrls urls;
    CHECK(render_wall_body(rows, s, now, urls).find("All clear") != std::string::npos);
    CHECK(render_wall_body(rows, s, now, urls).find("2 hosts watched") != std::string::npos);
    CHECK(render_fleet_body(rows, s, now, urls).find("All clear: 2 hosts watched") != std::string::npos);
}

TEST_CASE("pages_render: host page links to Xymon's status, history and graph") {
    PageUrls urls;
    auto e = board_entry("web01", "red", "xmrig", "x");
    std::string html = render_host_body(make_row(e, 1795733200), e, {{1795733142, "red", -1}}, 1795733200, urls);
    CHECK(html.find("/xymon-cgi/svcstatus.sh?HOST=web01&amp;SERVICE=miningrisk") != std::string::npos);
    CHECK(html.find("/xymon-cgi/history.sh?HISTFILE=web01.miningrisk") != std::string::npos);
    CHECK(html.find("/xymon-cgi/showgraph.sh?host=web01&amp;service=miningrisk&amp;graph=hourly&amp;action=view") !=
          std::string::npos);
    CHECK(html.find("still red") != std::string::npos);
}

TEST_CASE("pages_render: a host gone green keeps its last evidence, escaped, and links each alarm") {
    const std::time_t now = 1795740000, red_at = now - 7200, green_at = now - 3600;
    auto e = board_entry("h1", "green", "no miner found", "suspectcores : 0");
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
    auto red = board_entry("r1", "red", "xmrig on 3.0 cores", "");
    std::vector<HostRow> rows = {make_row(red, now)};
    rows[0].paged = "Paged: <b>oncall</b>@example.com";
    std::string wall = render_wall_body(rows, summarize(rows), now, PageUrls());
    CHECK(wall.find("Paged: &lt;b&gt;oncall&lt;/b&gt;@example.com") != std::string::npos);
    CHECK(wall.find("host-r1.html") != std::string::npos);
    rows[0].paged = paging_text(find_paging("", "r1", "miningrisk"), "miningrisk");
    CHECK(render_wall_body(rows, summarize(rows), now, PageUrls()).find("no paging rule for miningrisk in alerts.cfg") !=
          std::string::npos);
}
