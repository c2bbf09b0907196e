#include <doctest/doctest.h>

#include "incident/clean_cycle.h"
#include "incident/impact.h"
#include "incident/lifecycle.h"

using namespace mr;

namespace {

Finding miner(int pid, uint64_t start_ticks, double cpu_seconds, Color c = Color::red) {
    Finding f;
    f.pid = pid;
    f.start_ticks = start_ticks;
    f.comm = "xmrig";
    f.user = "www-data";
    f.exe = "/tmp/.x/xmrig";
    f.parent_comm = "apache2";
    f.parent_chain = {"apache2", "systemd"};
    f.cpu_seconds = cpu_seconds;
    f.cores = 4;
    f.pool = "203.0.113.5:3333";
    f.color = c;
    f.signals = {{"pool_connection", Strength::strong, "203.0.113.5:3333"}};
    return f;
}

struct Host {
    std::optional<Incident> inc;
    HostMemo memo;
    IncidentSettings settings;
    int64_t t = 1796277600;  // 2026-12-03 06:00:00 UTC
    int64_t step = 300;      // seconds between reports
    LifecycleResult report(Color c, std::vector<Finding> f, bool full = true) {
        CycleInput in;
        in.host = "web01";
        in.config_class = "linux";
        in.time = t;
        in.color = c;
        in.visibility_full = full;
        in.findings = &f;
        t += step;
        return advance(inc, memo, in, settings);
    }
};

}  // namespace

TEST_CASE("impact: 4 threads at 100% for 1 h are 4 core-hours and 4 x (3.5-0.74) x 1.135 / 1000 kWh") {
    Incident inc;
    IncidentProcess p;
    p.pid = 4316;
    p.cpu_seconds = 4 * 3600.0;  // 4 threads, each a whole core for an hour
    inc.processes.push_back(p);
    Impact i = compute_impact(inc);
    CHECK(i.core_hours == doctest::Approx(4.0).epsilon(1e-12));
    CHECK(i.kwh == doctest::Approx(4 * (3.5 - 0.74) * 1.135 / 1000).epsilon(1e-12));
    CHECK(fixed(i.kwh, 6) == "0.012530");
    inc.impact.price_kwh = 0.5;
    inc.impact.price_vcpu_hour = 0.04;
    i = compute_impact(inc);
    CHECK(i.cost() == doctest::Approx(4 * 2.76 * 1.135 / 1000 * 0.5 + 4 * 0.04));
    CHECK(impact_formula(inc.impact).find("(3.50 W busy - 0.74 W idle per vCPU) x PUE 1.135 / 1000") != std::string::npos);
}

TEST_CASE("impact: a miner restarted 3 times sums its four lives (pid + start time)") {
    Host h;
    // Life 1 at pid 100, then restarts as pids 101, 102 and again pid 100 with a new start time.
    h.report(Color::red, {miner(100, 1000, 600)});
    h.report(Color::red, {miner(100, 1000, 1800)});          // same life, CPU grew: counts 1800 once
    h.report(Color::red, {miner(101, 5000, 900)});
    h.report(Color::red, {miner(102, 9000, 300)});
    h.report(Color::red, {miner(100, 12000, 3600)});         // pid reused, new life
    REQUIRE(h.inc);
    CHECK(h.inc->processes.size() == 4);
    Impact i = compute_impact(*h.inc);
    CHECK(i.lives == 4);
    CHECK(i.core_seconds == doctest::Approx(1800 + 900 + 300 + 3600));
}

TEST_CASE("lifecycle: first red opens, clean cycles count, a relapse resets, N clean close") {
    Host h;
    h.settings.clean_cycles = 3;
    h.report(Color::green, {});
    CHECK_FALSE(h.inc);
    int64_t yellow_at = h.t;
    h.report(Color::yellow, {miner(7, 1, 10, Color::yellow)});
    CHECK_FALSE(h.inc);  // yellow alone is no incident
    int64_t red_at = h.t;
    LifecycleResult r = h.report(Color::red, {miner(7, 1, 20)});
    REQUIRE(h.inc);
    CHECK(r.opened);
    CHECK(h.inc->id == "web01-20261203T061000Z");
    CHECK(h.inc->id == incident_id("web01", red_at));
    CHECK(h.inc->first_yellow == yellow_at);
    r = h.report(Color::green, {});
    CHECK(r.clean_cycle);
    CHECK(h.inc->status_text() == "recovering: 1 of 3 clean cycles");
    r = h.report(Color::red, {miner(8, 2, 5)});
    CHECK(r.relapsed);
    CHECK(h.inc->state == IncidentState::open);
    CHECK(h.inc->clean_cycles == 0);
    CHECK(h.inc->relapses == 1);
    h.report(Color::green, {});
    h.report(Color::green, {});
    CHECK(h.inc->status_text() == "recovering: 2 of 3 clean cycles");
    int64_t closed_at = h.t;
    r = h.report(Color::green, {});
    CHECK(r.closed);
    CHECK(h.inc->state == IncidentState::recovered);
    CHECK(h.inc->status_text() == "recovered at 2026-12-03 06:35:00 UTC");
    CHECK(h.inc->closed == closed_at);
    std::vector<std::string> kinds;
    for (const auto& e : h.inc->timeline) kinds.push_back(e.kind);
    CHECK(kinds == std::vector<std::string>{"first_yellow", "first_red", "clean_cycle", "relapse", "clean_cycle",
                                            "clean_cycle", "recovered"});
    // The next red is a new incident with a new id.
    r = h.report(Color::red, {miner(9, 3, 1)});
    CHECK(r.opened);
    CHECK(h.inc->id != incident_id("web01", red_at));
    CHECK(h.inc->first_yellow == 0);
}

TEST_CASE("lifecycle: cycles in the same second each tell their event, even in the same words") {
    Host h;
    h.settings.clean_cycles = 3;
    h.step = 0;   // a client run by hand, cycle after cycle
    h.report(Color::red, {miner(7, 1, 20)});
    h.report(Color::green, {});
    h.report(Color::green, {}, false);   // not clean: a reset
    LifecycleResult r = h.report(Color::green, {});
    CHECK(r.clean_cycle);
    REQUIRE(h.inc);
    CHECK(h.inc->status_text().rfind("recovering: 1 of 3 clean cycles (last unclean cycle: ", 0) == 0);
    std::vector<std::string> said;
    for (const auto& e : h.inc->timeline) said.push_back(e.kind + ": " + e.text);
    REQUIRE(said.size() == 4);
    CHECK(said[1] == "clean_cycle: clean cycle 1 of 3");
    CHECK(said[2].rfind("unclean_cycle: cycle not clean: ", 0) == 0);
    CHECK(said[3] == "clean_cycle: clean cycle 1 of 3");   // the same words, another cycle
}

TEST_CASE("lifecycle: a limited-visibility cycle is not clean") {
    std::vector<Finding> none;
    CHECK(is_clean_cycle({&none, true, nullptr, {}}));
    CHECK_FALSE(is_clean_cycle({&none, false, nullptr, {}}));
    Finding green_with_pool;
    green_with_pool.comm = "curl";
    green_with_pool.pid = 3;
    green_with_pool.color = Color::green;
    green_with_pool.pool = "203.0.113.5:3333";
    std::vector<Finding> g{green_with_pool};
    CHECK(unclean_reason({&g, true, nullptr, {}}) == "pool connection 203.0.113.5:3333 from curl (pid 3)");
}

TEST_CASE("timeline: events of any source sort on time, ties keep their order, no duplicates") {
    Incident inc;
    CHECK(add_event(inc, {300, "worker", "first_red", "red"}));
    CHECK(add_event(inc, {100, "client", "exe_mtime", "dropped"}));
    CHECK(add_event(inc, {300, "respond", "snapshot", "evidence snapshot taken"}));
    CHECK(add_event(inc, {200, "xymond", "acknowledged", "on it"}));
    CHECK_FALSE(add_event(inc, {200, "xymond", "acknowledged", "on it"}));
    std::vector<std::string> order;
    for (const auto& e : inc.timeline) order.push_back(e.source + ":" + e.kind);
    CHECK(order == std::vector<std::string>{"client:exe_mtime", "xymond:acknowledged", "worker:first_red", "respond:snapshot"});
}

TEST_CASE("lifecycle: the process's start and executable times join the timeline before the red") {
    Host h;
    Finding f = miner(42, 77, 100);
    f.start_time = h.t - 3600;
    f.exe_mtime = h.t - 7200;
    f.exe_ctime = h.t - 7100;
    h.report(Color::red, {f});
    REQUIRE(h.inc);
    REQUIRE(h.inc->timeline.size() == 4);
    CHECK(h.inc->timeline[0].kind == "exe_mtime");
    CHECK(h.inc->timeline[1].kind == "exe_ctime");
    CHECK(h.inc->timeline[2].kind == "process_start");
    CHECK(h.inc->timeline[3].kind == "first_red");
}

TEST_CASE("lifecycle: host text joins the incident as valid UTF-8") {
    Host h;
    Finding f = miner(42, 77, 100);
    f.comm = std::string("x\xffm", 3);
    f.argv = {std::string("-o\xfe", 3)};
    h.report(Color::red, {f});
    REQUIRE(h.inc);
    CHECK(h.inc->processes[0].comm == "x\xef\xbf\xbdm");
    CHECK(h.inc->processes[0].argv[0] == "-o\xef\xbf\xbd");
}
