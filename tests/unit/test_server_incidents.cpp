#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "incident/incident_store.h"
#include "server/incident_driver.h"
#include "server/side_events.h"
#include "xymon/channel_reader.h"
#include "temp_dir.h"

using namespace mr;
using mr_test::slurp;
using mr_test::TempDir;

namespace {

std::vector<ChannelMessage> dump(const char* name) {
    ChannelReader r;
    std::string here = __FILE__;
    r.feed(slurp(here.substr(0, here.rfind("tests/unit/")) + "tests/fixtures/captures/" + name));
    r.finish();
    std::vector<ChannelMessage> out;
    for (ChannelMessage m; r.next(m);) out.push_back(m);
    return out;
}

// A worker's incident directory whose SIEM config writes the events file inside it.
struct IncidentDir : TempDir {
    std::string events = path + "/events.ndjson";
    std::string siem_cfg = path + "/siem.cfg";
    IncidentDir() { std::ofstream(siem_cfg) << "events = " << events << "\n"; }
};

Finding red_xmrig() {
    Finding f;
    f.pid = 4316;
    f.comm = "xmrig";
    f.color = Color::red;
    f.signals = {{"miner_name", Strength::strong, "comm xmrig"}};
    return f;
}

}  // namespace

TEST_CASE("side events from the captured page and enadis channels") {
    std::vector<HostEvent> got;
    for (const auto& m : dump("page.dump"))
        if (auto e = side_event(m, "minerisk")) got.push_back(*e);
    REQUIRE(got.size() == 2);
    CHECK(got[0].event.kind == "paged");
    CHECK(got[0].host == "testhost");
    CHECK(got[0].event.time == 1795730365);
    CHECK(got[1].event.kind == "acknowledged");
    CHECK(got[1].event.text == "acknowledged from 127.0.0.1 until 2026-11-26 22:59:27 UTC: Investigating miner");
    got.clear();
    for (const auto& m : dump("enadis.dump"))
        if (auto e = side_event(m, "rawtest")) got.push_back(*e);
    REQUIRE(got.size() == 2);
    CHECK(got[0].event.kind == "disabled");
    CHECK(got[0].event.text.find("maintenance window") != std::string::npos);
    CHECK(got[1].event.kind == "enabled");
    // Other columns are not ours.
    for (const auto& m : dump("enadis.dump")) CHECK_FALSE(side_event(m));
}

TEST_CASE("incident driver: state survives a restart; side events join the open incident; SIEM lines") {
    IncidentDir d;
    const std::string& cfg = d.siem_cfg;
    const std::string& events = d.events;
    Finding f = red_xmrig();
    f.user = "www-data";
    f.parent_comm = "nginx";
    f.cpu_seconds = 7200;
    std::vector<Finding> red{f}, none;
    IncidentSettings s;
    s.clean_cycles = 2;
    ScoredReport r;
    r.host = "web01";
    r.time = 1796277600;
    r.color = Color::red;
    r.findings = &red;
    r.headline = "xmrig (pid 4316)";
    std::string id;
    {
        IncidentDriver drv(d.path, cfg);
        REQUIRE(drv.init());
        IncidentLink l = drv.observe(r, s);
        CHECK(l.id == "web01-20261203T060000Z");
        id = l.id;
        IncidentStore store(d.path);
        REQUIRE(store.append_event({"web01", {1796277700, "xymond", "acknowledged", "acknowledged: on it"}}));
        REQUIRE(store.append_event({"other", {1796277700, "xymond", "acknowledged", "not ours"}}));
    }
    // A new worker (restart) picks the incident up, merges the ack and closes after 2 clean cycles.
    IncidentDriver drv(d.path, cfg);
    REQUIRE(drv.init());
    r.color = Color::green;
    r.findings = &none;
    r.time += 300;
    IncidentLink l = drv.observe(r, s);
    CHECK(l.id == id);
    CHECK(l.status == "recovering: 1 of 2 clean cycles");
    r.time += 300;
    l = drv.observe(r, s);
    CHECK(l.id == id);  // the column shows "recovered at ..." for a day
    CHECK(l.status == "recovered at 2026-12-03 06:10:00 UTC");
    r.time += kRecoveredShownSeconds + 1;
    CHECK(drv.observe(r, s).id.empty());
    IncidentStore store(d.path);
    Expected<Incident> loaded = store.load(id);
    REQUIRE(loaded);
    const Incident& inc = *loaded;
    CHECK(inc.state == IncidentState::recovered);
    std::vector<std::string> kinds;
    for (const auto& e : inc.timeline) kinds.push_back(e.kind);
    CHECK(kinds == std::vector<std::string>{"first_red", "acknowledged", "clean_cycle", "recovered"});
    CHECK(inc.lessons.find("How it got in:") != std::string::npos);
    std::string lines = slurp(events);
    CHECK(lines.find("\"action\":\"finding\"") != std::string::npos);
    CHECK(lines.find("\"action\":\"incident-acknowledged\"") != std::string::npos);
    CHECK(lines.find("\"action\":\"incident-recovered\"") != std::string::npos);
    CHECK(lines.find("not ours") == std::string::npos);
}

TEST_CASE("incident driver: a cycle that says what an earlier one said in the same second is saved and sent") {
    IncidentDir d;
    std::vector<Finding> red{red_xmrig()}, none;
    IncidentSettings s;
    s.clean_cycles = 3;
    IncidentDriver drv(d.path, d.siem_cfg);
    REQUIRE(drv.init());
    ScoredReport r;
    r.host = "web01";
    r.time = 1796277600;   // every report in this second
    r.color = Color::red;
    r.findings = &red;
    std::string id = drv.observe(r, s).id;
    r.color = Color::green;
    r.findings = &none;
    drv.observe(r, s);                 // clean cycle 1 of 3
    r.visibility_full = false;
    drv.observe(r, s);                 // not clean: the count resets
    r.visibility_full = true;
    IncidentLink l = drv.observe(r, s);   // clean cycle 1 of 3 again
    CHECK(l.status.rfind("recovering: 1 of 3 clean cycles (last unclean cycle: ", 0) == 0);
    // On disk at once (the page generator reads it), not within 5 s.
    Expected<Incident> saved = IncidentStore(d.path).load(id);
    REQUIRE(saved);
    CHECK(saved->status_text() == l.status);
    std::string lines = slurp(d.events);
    size_t clean_lines = 0;
    for (size_t p = lines.find("\"action\":\"incident-clean_cycle\""); p != std::string::npos;
         p = lines.find("\"action\":\"incident-clean_cycle\"", p + 1))
        ++clean_lines;
    CHECK(clean_lines == 2);
    // ... under two event ids, so a SIEM that keys on event.id keeps both
    std::vector<std::string> ids;
    std::istringstream in(lines);
    for (std::string line; std::getline(in, line);)
        if (line.find("\"action\":\"incident-clean_cycle\"") != std::string::npos) {
            size_t at = line.find("\"id\":\"");
            REQUIRE(at != std::string::npos);
            ids.push_back(line.substr(at, line.find('"', at + 6) - at));
        }
    REQUIRE(ids.size() == 2);
    CHECK(ids[0] != ids[1]);
}
