// Verified recovery (issue 11, section 3): each criterion of the clean-cycle judgement on its
// own, a relapse, and the lifecycle's "recovering: K of N" with the last unclean reason.
#include <doctest/doctest.h>

#include "incident/clean_cycle.h"
#include "incident/incident_state.h"
#include "incident/lifecycle.h"

using namespace mr;

namespace {

const std::string kSha(64, 'a');

// Every trace gone, huge pages and msr as before: a clean host.
RecoveryFacts clean_facts() {
    RecoveryFacts r;
    r.items = {{"running", kSha, TracePresence::gone, "", ""},
               {"file", "/tmp/.x/xmrig", TracePresence::gone, "", ""},
               {"persistence", "/etc/cron.d/x: * * * * * /tmp/.x/xmrig", TracePresence::gone, "", ""}};
    r.now = {0, 0};
    r.before = {0, 0};
    return r;
}

CycleVerdict judge(const RecoveryFacts& r, std::vector<Finding> f = {}) { return judge_cycle({&f, true, &r, {}}); }

Finding finding(Color c, const std::string& pool = "") {
    Finding f;
    f.pid = 4316;
    f.comm = "xmrig";
    f.color = c;
    f.pool = pool;
    return f;
}

}  // namespace

TEST_CASE("recovery: every trace gone and the tuning as before is a verified clean cycle") {
    CycleVerdict v = judge(clean_facts());
    CHECK(v.clean());
    CHECK(v.verified);
    CHECK_FALSE(v.relapse);
}

TEST_CASE("recovery: without a [recovery] section only today's criteria count (not verified)") {
    std::vector<Finding> none;
    CycleVerdict v = judge_cycle({&none, true, nullptr, {}});
    CHECK(v.clean());
    CHECK_FALSE(v.verified);
}

TEST_CASE("recovery: a process matching the miner rules is a relapse; yellow is unclean, not a relapse") {
    CycleVerdict red = judge(clean_facts(), {finding(Color::yellow), finding(Color::red)});
    CHECK(red.reason == "red finding xmrig (pid 4316)");  // the red wins over an earlier yellow
    CHECK(red.relapse);
    CHECK_FALSE(red.from_recovery);
    CycleVerdict yellow = judge(clean_facts(), {finding(Color::yellow)});
    CHECK(yellow.reason == "yellow finding xmrig (pid 4316)");
    CHECK_FALSE(yellow.relapse);
}

TEST_CASE("recovery: a pool connection in any namespace is a relapse") {
    CycleVerdict v = judge(clean_facts(), {finding(Color::green, "10.99.0.1:3333")});
    CHECK(v.reason == "pool connection 10.99.0.1:3333 from xmrig (pid 4316)");
    CHECK(v.relapse);
}

TEST_CASE("recovery: the exe sha256 running again is a relapse") {
    RecoveryFacts r = clean_facts();
    r.items[0].presence = TracePresence::present;
    r.items[0].detail = "pid 999 (kworker)";
    CycleVerdict v = judge(r);
    CHECK(v.reason == "exe sha256 aaaaaaaaaaaa... running again (pid 999 (kworker))");
    CHECK(v.relapse);
    CHECK(v.from_recovery);
}

TEST_CASE("recovery: the executable back at a recorded path is unclean, not a relapse") {
    RecoveryFacts r = clean_facts();
    r.items[1].presence = TracePresence::present;
    CycleVerdict v = judge(r);
    CHECK(v.reason == "the incident's executable is back at /tmp/.x/xmrig");
    CHECK_FALSE(v.relapse);
    CHECK(v.from_recovery);
}

TEST_CASE("recovery: a persistence item left is unclean") {
    RecoveryFacts r = clean_facts();
    r.items[2].presence = TracePresence::present;
    CHECK(judge(r).reason == "persistence item still present: /etc/cron.d/x: * * * * * /tmp/.x/xmrig");
}

TEST_CASE("recovery: a trace that could not be checked is unclean, with why") {
    RecoveryFacts r = clean_facts();
    r.items[2].presence = TracePresence::unknown;
    r.items[2].detail = "Permission denied";
    CHECK(judge(r).reason ==
          "cannot verify persistence /etc/cron.d/x: * * * * * /tmp/.x/xmrig (Permission denied)");
}

TEST_CASE("recovery: huge pages above what they were before the incident are unclean; at or below is fine") {
    RecoveryFacts r = clean_facts();
    r.before.hugepages = 0;
    r.now.hugepages = 1280;
    CycleVerdict v = judge(r);
    CHECK(v.reason == "huge pages not back: nr_hugepages 1280, 0 before the incident");
    CHECK(v.from_recovery);
    CHECK_FALSE(v.relapse);
    r.before.hugepages = 2048;
    CHECK(judge(r).clean());
    r.now.hugepages = -1;
    CHECK(judge(r).reason == "cannot verify huge pages (not reported)");
    r.before.hugepages = -1;  // no baseline: not judged
    CHECK(judge(r).clean());
}

TEST_CASE("recovery: the msr module loaded with writes when it was not before is unclean") {
    RecoveryFacts r = clean_facts();
    r.now.msr = 2;
    CHECK(judge(r).reason == "msr module not back: loaded with allow_writes, not loaded before the incident");
    r.before.msr = 2;
    CHECK(judge(r).clean());
    r.before.msr = 1;
    CHECK_FALSE(judge(r).clean());
}

TEST_CASE("recovery: traces of another executable's snapshot are not this incident's") {
    RecoveryFacts r = clean_facts();
    r.items[0].presence = TracePresence::present;  // a process the policy allows, still running
    r.items[0].of = std::string(64, 'f');
    std::vector<Finding> none;
    CycleView v{&none, true, &r, {kSha}};
    CHECK(judge_cycle(v).clean());
    r.items[0].of = kSha;  // the incident's own
    CHECK(judge_cycle(v).relapse);
    v.incident_sha256.clear();  // the incident's sha256 unknown: every trace counts
    r.items[0].of = std::string(64, 'f');
    CHECK(judge_cycle(v).relapse);
}

TEST_CASE("recovery: limited visibility is unclean even with clean facts") {
    RecoveryFacts r = clean_facts();
    std::vector<Finding> none;
    CHECK(judge_cycle({&none, false, &r, {}}).reason == "limited visibility");
}

TEST_CASE("recovery: host text in a reason is bounded valid UTF-8") {
    RecoveryFacts r = clean_facts();
    r.items[1].what = "/tmp/\xff" + std::string(500, 'x');
    r.items[1].presence = TracePresence::present;
    std::string why = judge(r).reason;
    CHECK(why.size() < 250);
    CHECK(why.find("\xff") == std::string::npos);
}

namespace {
struct Host {
    std::optional<Incident> inc;
    HostMemo memo;
    IncidentSettings settings;
    int64_t t = 1796277600;  // 2026-12-03 06:00:00 UTC
    LifecycleResult report(Color c, std::vector<Finding> f, const RecoveryFacts* r) {
        CycleInput in;
        in.host = "web01";
        in.time = t;
        in.color = c;
        in.findings = &f;
        in.recovery = r;
        t += 300;
        return advance(inc, memo, in, settings);
    }
};
}  // namespace

TEST_CASE("recovery lifecycle: unclean cycles reset the count with their reason, a relapse reopens, N verified close") {
    Host h;
    h.settings.clean_cycles = 3;
    RecoveryFacts ok = clean_facts();
    RecoveryFacts exe_back = clean_facts();
    exe_back.items[1].presence = TracePresence::present;
    RecoveryFacts running = clean_facts();
    running.items[0].presence = TracePresence::present;
    h.report(Color::red, {finding(Color::red)}, nullptr);
    REQUIRE(h.inc);
    h.report(Color::green, {}, &ok);
    CHECK(h.inc->status_text() == "recovering: 1 of 3 clean cycles");
    // The file put back: the cycle does not count, the count restarts, the page says why.
    LifecycleResult r = h.report(Color::green, {}, &exe_back);
    CHECK_FALSE(r.clean_cycle);
    CHECK_FALSE(r.relapsed);
    CHECK(r.verdict.from_recovery);
    CHECK(h.inc->state == IncidentState::recovering);
    CHECK(h.inc->status_text() ==
          "recovering: 0 of 3 clean cycles (last unclean cycle: the incident's executable is back at /tmp/.x/xmrig)");
    h.report(Color::green, {}, &ok);
    CHECK(h.inc->status_text() ==
          "recovering: 1 of 3 clean cycles (last unclean cycle: the incident's executable is back at /tmp/.x/xmrig)");
    // The sha256 running again: a relapse, the incident reopens.
    r = h.report(Color::green, {}, &running);
    CHECK(r.relapsed);
    CHECK(h.inc->state == IncidentState::open);
    CHECK(h.inc->clean_cycles == 0);
    CHECK(h.inc->relapses == 1);
    for (int i = 0; i < 2; ++i) h.report(Color::green, {}, &ok);
    CHECK(h.inc->status_text() == "recovering: 2 of 3 clean cycles");
    r = h.report(Color::green, {}, &ok);
    CHECK(r.closed);
    CHECK(h.inc->status_text().rfind("recovered at ", 0) == 0);
    CHECK(h.inc->timeline.back().text == "recovered: 3 clean cycles in a row, verified on the host");
    std::vector<std::string> kinds;
    for (const auto& e : h.inc->timeline) kinds.push_back(e.kind);
    CHECK(kinds == std::vector<std::string>{"first_red", "clean_cycle", "unclean_cycle", "clean_cycle", "relapse",
                                            "clean_cycle", "clean_cycle", "recovered"});
}

TEST_CASE("recovery lifecycle: a red again while recovering reopens; clean cycles without facts say unverified") {
    Host h;
    h.settings.clean_cycles = 2;
    h.report(Color::red, {finding(Color::red)}, nullptr);
    h.report(Color::green, {}, nullptr);
    LifecycleResult r = h.report(Color::red, {finding(Color::red)}, nullptr);
    CHECK(r.relapsed);
    CHECK(h.inc->state == IncidentState::open);
    h.report(Color::green, {}, nullptr);
    h.report(Color::green, {}, nullptr);
    REQUIRE(h.inc->state == IncidentState::recovered);
    CHECK(h.inc->timeline.back().text ==
          "recovered: 2 clean cycles in a row (not verified on the host: the client sent no [recovery] facts)");
}

TEST_CASE("recovery lifecycle: the last unclean reason and the verified count survive the state file") {
    Host h;
    h.settings.clean_cycles = 5;
    RecoveryFacts ok = clean_facts();
    RecoveryFacts left = clean_facts();
    left.items[2].presence = TracePresence::present;
    h.report(Color::red, {finding(Color::red)}, nullptr);
    h.report(Color::green, {}, &left);
    h.report(Color::green, {}, &ok);
    Expected<Incident> back = parse_incident(serialize_incident(*h.inc));
    REQUIRE(back);
    CHECK(*back == *h.inc);
    CHECK(back->last_unclean == "persistence item still present: /etc/cron.d/x: * * * * * /tmp/.x/xmrig");
    CHECK(back->verified_clean == 1);
}
