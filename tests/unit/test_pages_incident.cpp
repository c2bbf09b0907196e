#include <doctest/doctest.h>

#include "incident/incident_report.h"
#include "pages/incident_pages.h"

using namespace mr;

TEST_CASE("incident page: sections in order, hostile process text stays text") {
    Incident inc;
    inc.id = "web01-20261203T060000Z";
    inc.host = "web01";
    inc.opened = 1796277600;
    IncidentProcess p;
    p.pid = 66;
    p.comm = "<script>alert(1)</script>";
    p.user = "www-data";
    p.argv = {"<img src=x onerror=alert(2)>"};
    p.parent_chain = {"nginx"};
    p.cpu_seconds = 3600;
    p.worst = Color::red;
    inc.processes.push_back(p);
    inc.timeline = {{1796277600, "worker", "first_red", "column turned red"},
                    {1796277000, "client", "process_start", "<script>alert(1)</script> (pid 66) started"}};
    sort_timeline(inc.timeline);
    EntryHintRules rules;
    auto parsed = parse_entry_hints("parent:nginx 90 T1190 exploited public-facing application # ATT&CK\n", "h.txt");
    REQUIRE(parsed);
    IncidentReport r = build_report(inc, *parsed);
    std::string html = render_incident_body(r, "/var/lib/xymon/miningrisk/incidents/x.lessons.txt");
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    size_t a = html.find("id=\"mr-inc-timeline\""), b = html.find("id=\"mr-inc-evidence\""), c = html.find("id=\"mr-inc-hints\""),
           d = html.find("id=\"mr-inc-impact\""), e = html.find("id=\"mr-inc-lessons\"");
    CHECK(a < b);
    CHECK(b < c);
    CHECK(c < d);
    CHECK(d < e);
    CHECK(html.find("1.00 core-hours") != std::string::npos);
    CHECK(html.find("exploited public-facing application") != std::string::npos);
    // The start of the process comes before the red on the timeline.
    CHECK(html.find("started") < html.find("column turned red"));
    std::vector<const Incident*> idx{&inc};
    std::string index = render_incidents_index(idx, 1796277600);
    CHECK(index.find("href=\"incident-web01-20261203T060000Z.html\"") != std::string::npos);
    CHECK(index.find("1 open, 0 closed incidents") != std::string::npos);
}
