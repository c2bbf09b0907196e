// Verified recovery on the server: the [recovery] facts reach the incident through the driver,
// an unclean cycle only the facts show makes the column yellow with its reason (never green),
// and the status shows "recovering: K of N" then "recovered at ...".
#include <doctest/doctest.h>

#include "server/incident_driver.h"
#include "server/status_text.h"
#include "temp_dir.h"

using namespace mr;

namespace {

RecoveryFacts facts(TracePresence file) {
    RecoveryFacts r;
    r.items = {{"running", std::string(64, 'c'), TracePresence::gone, "", ""},
               {"file", "/tmp/<b>x</b>", file, "", ""}};
    r.now = r.before = {0, 0};
    return r;
}
}  // namespace

TEST_CASE("server recovery: a trace left is yellow with why, clean verified cycles close the incident") {
    mr_test::TempDir d("recovery");
    // Its own events file: with no SIEM config the driver would append to the system's
    // /var/log/xymon/miningrisk/events.ndjson, as root, and lock the real worker out of it.
    IncidentDriver drv(d.path, d.write("siem.cfg", "events = " + (d / "events.ndjson") + "\n"));
    REQUIRE(drv.init());
    Finding f;
    f.pid = 4316;
    f.comm = "xmrig";
    f.color = Color::red;
    std::vector<Finding> red{f}, none;
    IncidentSettings s;
    s.clean_cycles = 2;
    ScoredReport r;
    r.host = "web01";
    r.time = 1796277600;
    r.color = Color::red;
    r.findings = &red;
    drv.observe(r, s);
    RecoveryFacts left = facts(TracePresence::present), gone = facts(TracePresence::gone);
    r.color = Color::green;
    r.findings = &none;
    r.recovery = &left;
    r.time += 300;
    IncidentLink l = drv.observe(r, s);
    CHECK(l.recovery_warning == "the incident's executable is back at /tmp/<b>x</b>");
    CHECK(l.status == "open since 2026-12-03 06:00:00 UTC (last unclean cycle: the incident's executable is back at /tmp/<b>x</b>)");

    StatusInput in;
    in.host = "web01";
    in.verdict.color = Color::green;
    in.incident_id = l.id;
    in.incident_status = l.status;
    in.recovery_warning = l.recovery_warning;
    in.has_recovery = true;
    in.recovery = left;
    CHECK(status_color(in) == Color::yellow);
    std::string msg = build_status_message(in);
    CHECK(msg.find(" yellow recovery not verified: the incident&#39;s executable is back at /tmp/&lt;b&gt;x&lt;/b&gt;") !=
          std::string::npos);
    CHECK(msg.find("<b>x</b>") == std::string::npos);
    CHECK(msg.find("<h4>Recovery check</h4>") != std::string::npos);
    CHECK(msg.find("file /tmp/&lt;b&gt;x&lt;/b&gt;: <b>present</b>") != std::string::npos);

    r.recovery = &gone;
    r.time += 300;
    l = drv.observe(r, s);
    CHECK(l.recovery_warning.empty());
    CHECK(l.status == "recovering: 1 of 2 clean cycles (last unclean cycle: the incident's executable is back at /tmp/<b>x</b>)");
    in.recovery_warning = l.recovery_warning;
    in.incident_status = l.status;
    CHECK(status_color(in) == Color::green);
    CHECK(build_headline(in).find("no miner found (0 processes, 0 sockets checked); incident recovering: 1 of 2 clean cycles") == 0);
    r.time += 300;
    l = drv.observe(r, s);
    CHECK(l.status == "recovered at 2026-12-03 06:15:00 UTC");
}
