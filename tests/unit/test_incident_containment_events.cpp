#include <doctest/doctest.h>

#include "incident/containment_events.h"
#include "incident/incident_report.h"
#include "incident/incident_state.h"
#include "incident/lifecycle.h"

using namespace mr;

namespace {

constexpr int64_t kOpened = 1796277600;  // 2026-12-03 06:00:00 UTC

ContainmentRecord freeze_by(std::string by, int64_t time) {
    ContainmentRecord r;
    r.time = time;
    r.pid = 4316;
    r.start_ticks = 500000;
    r.comm = "xmrig";
    r.action = "freeze";
    r.result = "done";
    r.method = "cgroup2";
    r.ms = 12.4;
    r.pids = "4316,4320";
    r.by = std::move(by);
    return r;
}

Finding red_miner() {
    Finding f;
    f.pid = 4316;
    f.start_ticks = 500000;
    f.comm = "xmrig";
    f.color = Color::red;
    f.signals = {{"pool_connection", Strength::strong, "203.0.113.5:3333"}};
    return f;
}

// One report of a red host carrying `records` in its [containment] section.
LifecycleResult report(std::optional<Incident>& inc, HostMemo& memo, int64_t time,
                       const std::vector<ContainmentRecord>& records) {
    std::vector<Finding> findings = {red_miner()};
    CycleInput in;
    in.host = "web01";
    in.time = time;
    in.color = Color::red;
    in.findings = &findings;
    in.containment = &records;
    return advance(inc, memo, in, IncidentSettings{});
}

std::vector<const TimelineEvent*> of_source(const Incident& inc, const std::string& source) {
    std::vector<const TimelineEvent*> out;
    for (const TimelineEvent& e : inc.timeline)
        if (e.source == source) out.push_back(&e);
    return out;
}

}  // namespace

TEST_CASE("incident: a containment record says what was done, by whom, how and how fast") {
    std::optional<TimelineEvent> policy = containment_event(freeze_by("policy", kOpened));
    REQUIRE(policy);
    CHECK(policy->time == kOpened);
    CHECK(policy->source == "containment");
    CHECK(policy->kind == "contain_freeze");
    CHECK(policy->text == "freeze of xmrig (pid 4316) by the containment policy: done by cgroup2 in 12 ms, tree 4316,4320");

    ContainmentRecord order = freeze_by("alice", kOpened);
    order.action = "kill";
    order.order = "20261203T061500Z-9f2c";
    order.method = "cgroup.kill";
    order.ms = 0;
    order.pids = "4316";
    std::optional<TimelineEvent> kill = containment_event(order);
    REQUIRE(kill);
    CHECK(kill->kind == "contain_kill");
    CHECK(kill->text == "kill of xmrig (pid 4316) ordered by alice (order 20261203T061500Z-9f2c): done by cgroup.kill");

    ContainmentRecord thaw;
    thaw.time = kOpened;
    thaw.pid = 4316;
    thaw.action = "thaw";
    thaw.result = "done";
    thaw.by = "hand";
    CHECK(containment_event(thaw)->text == "thaw of pid 4316 by hand on the host: done");

    ContainmentRecord refused = freeze_by("bob", kOpened);
    refused.result = "refused";
    refused.method.clear();
    refused.ms = 0;
    refused.pids.clear();
    refused.reason = "the process changed: start time differs";
    CHECK(containment_event(refused)->text ==
          "freeze of xmrig (pid 4316) ordered by bob: refused: the process changed: start time differs");
}

TEST_CASE("incident: routine renewals and unknown actions stay off the timeline; host text is made safe") {
    ContainmentRecord renew = freeze_by("policy", kOpened);
    renew.action = "renew";
    CHECK_FALSE(containment_event(renew));   // renewed every cycle while isolated
    renew.result = "off";
    renew.reason = "not renewed: the server policy no longer asks for isolate";
    REQUIRE(containment_event(renew));        // said once, and it matters: the rules expire
    CHECK(containment_event(renew)->kind == "contain_renew");

    ContainmentRecord odd = freeze_by("policy", kOpened);
    odd.action = "freeze\" onmouseover=\"x";   // the kind becomes a page attribute: never host text
    CHECK_FALSE(containment_event(odd));
    odd.action = "freeze";
    odd.result.clear();
    CHECK_FALSE(containment_event(odd));

    ContainmentRecord bytes = freeze_by("policy", kOpened);
    bytes.comm = std::string("xm\xff\xferig");
    bytes.reason = std::string(5000, 'r');
    std::optional<TimelineEvent> e = containment_event(bytes);
    REQUIRE(e);
    CHECK(e->text.find("xm\xEF\xBF\xBD\xEF\xBF\xBDrig (pid 4316)") != std::string::npos);   // U+FFFD each
    CHECK(e->text.size() < 500);
}

TEST_CASE("incident: a freeze reported cycle after cycle is on the timeline once, and only if made in the incident") {
    std::optional<Incident> inc;
    HostMemo memo;
    // An earlier incident's freeze is still in the client's 24 h window when this one opens.
    std::vector<ContainmentRecord> records = {freeze_by("policy", kOpened - 3600)};
    report(inc, memo, kOpened, records);
    REQUIRE(inc);
    CHECK(of_source(*inc, "containment").empty());

    records.push_back(freeze_by("alice", kOpened + 320));
    records.back().order = "20261203T060520Z-0001";
    report(inc, memo, kOpened + 300, records);
    report(inc, memo, kOpened + 600, records);   // the same records again
    std::vector<const TimelineEvent*> done = of_source(*inc, "containment");
    REQUIRE(done.size() == 1);
    CHECK(done[0]->time == kOpened + 320);
    CHECK(done[0]->text.find("ordered by alice (order 20261203T060520Z-0001)") != std::string::npos);

    // It reaches "What was done" in the report and survives the state file.
    IncidentReport r = build_report(*inc, EntryHintRules{});
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0]->kind == "contain_freeze");
    CHECK(report_markdown(r).find("(containment): freeze of xmrig \\(pid 4316\\) ordered by alice") !=
          std::string::npos);   // Markdown-escaped, as all host text in the .md
    Expected<Incident> back = parse_incident(serialize_incident(*inc));
    REQUIRE(back);
    CHECK(back->timeline == inc->timeline);
}

TEST_CASE("incident: 'not contained, and why' is on the timeline once, though said again after each order") {
    std::optional<Incident> inc;
    HostMemo memo;
    ContainmentRecord none = freeze_by("policy", kOpened);
    none.action = "none";
    none.result = "off";
    none.method.clear();
    none.ms = 0;
    none.pids.clear();
    none.reason = "not contained: the server policy has no CONTAIN for this host";
    ContainmentRecord ordered = freeze_by("alice", kOpened + 60);
    ordered.order = "20261203T060100Z-00000001";
    ContainmentRecord none_again = none;
    none_again.time = kOpened + 60;   // the client says it again after the order it carried out

    report(inc, memo, kOpened, {none});
    report(inc, memo, kOpened + 60, {none, ordered, none_again});
    REQUIRE(inc);
    std::vector<const TimelineEvent*> c = of_source(*inc, "containment");
    REQUIRE(c.size() == 2);
    CHECK(c[0]->kind == "contain_none");
    CHECK(c[0]->text == "none of xmrig (pid 4316) by the containment policy: off: "
                        "not contained: the server policy has no CONTAIN for this host");
    CHECK(c[1]->kind == "contain_freeze");

    ContainmentRecord other_reason = none_again;   // a new verdict is news
    other_reason.reason = "not contained: the daily action limit is reached";
    report(inc, memo, kOpened + 120, {other_reason});
    CHECK(of_source(*inc, "containment").size() == 3);
}
