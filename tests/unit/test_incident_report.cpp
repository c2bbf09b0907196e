#include <doctest/doctest.h>

#include "incident/entry_hints.h"
#include "incident/incident_report.h"
#include "incident/incident_state.h"
#include "rules_test_util.h"
#include "util/file_io.h"

using namespace mr;

namespace {

EntryHintRules shipped_rules() {
    Expected<std::string> text = read_file(mr_test::shipped_rules_dir() + "/entry-hints.txt");
    REQUIRE_MESSAGE(text, (text ? "" : text.error().message));
    Expected<EntryHintRules> r = parse_entry_hints(*text, "entry-hints.txt");
    REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    return *r;
}

Incident sample() {
    Incident inc;
    inc.id = "web01-20261203T061000Z";
    inc.host = "web01";
    inc.config_class = "linux";
    inc.opened = 1796278200;
    inc.state = IncidentState::recovering;
    inc.clean_cycles = 2;
    inc.impact.price_kwh = 0.3;
    IncidentProcess p;
    p.pid = 4316;
    p.start_ticks = 123456;
    p.comm = std::string("x\"m\nr</script>ig\xff\xfe", 17);
    p.user = "www-data";
    p.exe = "/tmp/.x/xmrig";
    p.parent_comm = "php-fpm8.2";
    p.parent_chain = {"php-fpm8.2", "systemd"};
    p.argv = {"./xmrig", "-o", "pool:3333"};
    p.signals = {"pool_connection", "miner_name"};
    p.worst = Color::red;
    p.cpu_seconds = 14400;
    inc.processes.push_back(p);
    inc.timeline = {{1796278200, "worker", "first_red", "column turned red"},
                    {1796278300, "xymond", "acknowledged", "acknowledged: Investigating <b>now</b>"}};
    inc.lessons = "How it got in:\n  an old WordPress plugin\n";
    return inc;
}

}  // namespace

TEST_CASE("entry hints: a web-server parent ranks 'exploited public-facing application' first") {
    EntryHintRules rules = shipped_rules();
    CHECK(rules.version == "2026.12.1");
    Incident inc = sample();
    std::vector<EntryHint> hints = rank_entry_hints(inc, rules);
    REQUIRE(hints.size() >= 2);
    CHECK(hints[0].techniques == "T1190,T1505.003");
    CHECK(hints[0].text.find("exploited public-facing application") == 0);
    CHECK(hints[0].because[0].find("parent php-fpm8.2 of") == 0);
    CHECK(hints[0].score == 90);
    CHECK(hints[1].score <= hints[0].score);
    // A miner under sshd: credentials first.
    inc.processes[0].parent_chain = {"bash", "sshd", "systemd"};
    inc.processes[0].user = "bob";
    hints = rank_entry_hints(inc, rules);
    REQUIRE_FALSE(hints.empty());
    CHECK(hints[0].techniques == "T1078,T1110");
    CHECK(hints[0].score == 65);  // one level above the parent: 10 points less
}

TEST_CASE("entry hints: bad rows are refused with FILE:LINE") {
    auto r = parse_entry_hints("# version: 1\nparent:sshd 75 T1078 creds\n", "h.txt");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "h.txt:2: entry without a '# source' comment");
    r = parse_entry_hints("nginx 75 T1 text # src\n", "h.txt");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.rfind("h.txt:1: MATCH must be", 0) == 0);
    r = parse_entry_hints("parent:x 500 T1 text # src\n", "h.txt");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "h.txt:1: SCORE must be a number from 0 to 100");
}

TEST_CASE("incident state: round trip of hostile text, numbers and the timeline") {
    Incident inc = sample();
    inc.lessons.clear();  // kept in its own file, not in the state
    std::string text = serialize_incident(inc);
    CHECK(text.find("</script>") == std::string::npos);
    size_t lines = 0;
    for (char c : text) lines += c == '\n';
    CHECK(lines == 1 + 1 + 1 + 2);  // comment, incident, one process, two events
    Expected<Incident> back = parse_incident(text);
    REQUIRE(back);
    CHECK(*back == inc);
    CHECK_FALSE(parse_incident("garbage\n\x01\xff"));
    CHECK_FALSE(parse_incident("incident id=x host=h state=bogus\n"));
}

TEST_CASE("incident JSON export: round trip, one document, hostile text stays data") {
    Incident inc = sample();
    inc.processes[0].comm = "x\"m\nr</script>ig";  // valid UTF-8 round-trips exactly
    IncidentReport r = build_report(inc, shipped_rules());
    std::string j = report_json(r);
    CHECK(j.find("</script>") == std::string::npos);
    CHECK(j.find("<\\/script>") != std::string::npos);
    Expected<Incident> back = incident_from_json(j);
    REQUIRE_MESSAGE(back, (back ? "" : back.error().message));
    CHECK(*back == inc);
    CHECK(serialize_incident(*back) == serialize_incident(inc));
    // Invalid UTF-8 becomes U+FFFD, never a broken document.
    inc.processes[0].comm = std::string("bad\xff\xfe", 5);
    r = build_report(inc, shipped_rules());
    back = incident_from_json(report_json(r));
    REQUIRE(back);
    CHECK(back->processes[0].comm == "bad\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_FALSE(incident_from_json("{\"schema\":1}"));
    CHECK_FALSE(incident_from_json("{not json"));
}

TEST_CASE("incident markdown: sections, impact formula, host text escaped on one line") {
    Incident inc = sample();
    IncidentReport r = build_report(inc, shipped_rules());
    std::string md = report_markdown(r);
    for (const char* s : {"## Hosts", "## Timeline (UTC)", "## Evidence", "## Entry hints (ranked)", "## Impact",
                          "## What was done", "## Lessons learned", "4.00 core-hours", "an old WordPress plugin"})
        CHECK_MESSAGE(md.find(s) != std::string::npos, s);
    CHECK(md.find("<b>") == std::string::npos);
    CHECK(md.find("\\<b\\>now\\</b\\>") != std::string::npos);
    CHECK(md.find("r</script>") == std::string::npos);
    CHECK(md.find("\xff") == std::string::npos);   // the comm's invalid UTF-8 became U+FFFD
    CHECK(md.find("\xef\xbf\xbd") != std::string::npos);
    CHECK(r.summary.find("Miner incident on web01: ") == 0);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0]->kind == "acknowledged");
}
