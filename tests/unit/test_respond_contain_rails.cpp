// Containment rails and the two-key decision (pure).
#include <doctest/doctest.h>

#include "respond/contain_rails.h"

using namespace mr;

TEST_CASE("respond contain: rails refuse pid 1, kernel threads, xymon, sshd and unchanged package binaries") {
    RailFacts f;
    f.pid = 4316;
    f.uid = 33;
    f.xymon_uid = 101;
    f.comm = "netlogd";
    f.exe = "/run/x/netlogd";
    CHECK(rail_refusal(f, false) == "");
    RailFacts p1 = f;
    p1.pid = 1;
    CHECK(rail_refusal(p1, true) == "never pid 1 (init)");
    RailFacts k = f;
    k.kernel_thread = true;
    CHECK(rail_refusal(k, true) == "never a kernel thread");
    RailFacts x = f;
    x.uid = 101;
    CHECK(rail_refusal(x, true).find("Xymon") != std::string::npos);
    RailFacts xe = f;
    xe.exe = "/usr/lib/xymon/client/bin/xymonlaunch";
    CHECK(rail_refusal(xe, true).find("Xymon") != std::string::npos);
    RailFacts s = f;
    s.comm = "sshd";
    CHECK(rail_refusal(s, true).find("sshd") != std::string::npos);
    RailFacts pkg = f;
    pkg.exe = "/usr/bin/yes";
    pkg.dpkg_package = "coreutils";
    pkg.dpkg_md5_matches = true;
    CHECK(rail_refusal(pkg, false).find("coreutils, md5sum matches") != std::string::npos);
    CHECK(rail_refusal(pkg, true) == "");  // the per-host override
    pkg.dpkg_md5_matches = false;          // a package binary that was changed: no protection
    CHECK(rail_refusal(pkg, false) == "");
}

TEST_CASE("respond contain: identity must still be the same process") {
    ProcessIdentity want{4316, 777, 64769, 1234, std::string(64, 'a')};
    ProcessIdentity have = want;
    CHECK(identity_mismatch(want, have) == "");
    have.start_ticks = 778;
    CHECK(identity_mismatch(want, have).find("another process") != std::string::npos);
    have = want;
    have.exe_ino = 99;
    CHECK(identity_mismatch(want, have).find("device/inode") != std::string::npos);
    have = want;
    have.sha256 = std::string(64, 'b');
    CHECK(identity_mismatch(want, have).find("sha256") != std::string::npos);
    ProcessIdentity loose{4316, 777, 0, 0, ""};
    CHECK(identity_mismatch(loose, have) == "");
}

TEST_CASE("respond contain: md5sums lookup with merged /usr") {
    std::string sums = "d41d8cd98f00b204e9800998ecf8427e  usr/bin/yes\n0cc175b9c0f1b6a831c399e269772661  usr/share/doc/x\nshort\n";
    CHECK(md5sums_lookup(sums, "/usr/bin/yes") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5sums_lookup(sums, "/bin/yes") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5sums_lookup(sums, "/usr/bin/no") == "");
    CHECK(md5sums_lookup(sums, "relative") == "");
}

TEST_CASE("respond contain: both keys, two red cycles, snapshot first, observe, three a day") {
    ContainInput in;
    in.client = ContainMode::freeze;
    in.server = ContainMode::freeze;
    in.server_known = true;
    in.consecutive_red = 2;
    in.snapshot_taken = true;
    CHECK(decide_containment(in).kind == ContainDecision::Kind::freeze);
    ContainInput c = in;
    c.client = ContainMode::off;
    CHECK(decide_containment(c).kind == ContainDecision::Kind::off);
    CHECK(decide_containment(c).reason.find("client config says contain = off") != std::string::npos);
    ContainInput s = in;
    s.server = ContainMode::off;
    CHECK(decide_containment(s).reason.find("server policy has no CONTAIN") != std::string::npos);
    ContainInput u = in;
    u.server_known = false;
    CHECK(decide_containment(u).kind == ContainDecision::Kind::off);
    ContainInput one = in;
    one.consecutive_red = 1;
    CHECK(decide_containment(one).kind == ContainDecision::Kind::wait);
    ContainInput nosnap = in;
    nosnap.snapshot_taken = false;
    CHECK(decide_containment(nosnap).kind == ContainDecision::Kind::wait);
    ContainInput obs = in;
    obs.server = ContainMode::observe;
    CHECK(decide_containment(obs).kind == ContainDecision::Kind::observe);
    ContainInput many = in;
    many.actions_today = 3;
    CHECK(decide_containment(many).kind == ContainDecision::Kind::refuse);
    ContainMode m;
    CHECK(parse_contain_mode("both", m));
    CHECK(m == ContainMode::both);
    CHECK_FALSE(parse_contain_mode("freez", m));
}

#include "respond/contain_state.h"

TEST_CASE("respond contain state: consecutive red cycles, the daily count, the state file") {
    const int64_t t = 1796278213;
    std::vector<RedStreak> s = update_streaks({}, {{4316, 777}}, t, 300);
    CHECK(streak_of(s, 4316, 777) == 1);
    s = update_streaks(s, {{4316, 777}, {5000, 9}}, t + 300, 300);
    CHECK(streak_of(s, 4316, 777) == 2);
    CHECK(streak_of(s, 5000, 9) == 1);
    CHECK(streak_of(update_streaks(s, {{4316, 777}}, t + 300 + 2000, 300), 4316, 777) == 1);  // a gap: not consecutive
    CHECK(streak_of(update_streaks(s, {{4316, 778}}, t + 600, 300), 4316, 778) == 1);         // the pid reused
    CHECK(update_streaks(s, {}, t + 600, 300).empty());                                       // green: the streak ends
    ContainState st;
    st.streaks = s;
    for (int i = 0; i < 4; ++i) {
        ContainmentRecord r;
        r.time = t - i * 10 * 3600;  // 0, 10, 20, 30 h ago
        r.pid = 100 + i;
        r.action = "freeze";
        r.result = i == 1 ? "refused" : "done";
        r.reason = "why\nnot";
        st.records.push_back(r);
    }
    CHECK(actions_in_24h(st.records, t) == 2);  // 0 h and 20 h ago; the refusal and the 30 h one do not count
    ContainState back = parse_contain_state(format_contain_state(st, t) + "garbage\nkind=record pid=x\n", t);
    CHECK(back.streaks.size() == 2);
    REQUIRE(back.records.size() == 4);
    CHECK(back.records[0].reason == "why\nnot");
    CHECK(records_to_report(back.records, t, 10).size() == 3);
    CHECK(last_record(back.records, 101, 0)->result == "refused");
    CHECK(last_record(back.records, 999, 0) == nullptr);
}

TEST_CASE("respond contain state: a 'not contained' verdict is said once per process, orders in between or not") {
    ContainmentRecord none;
    none.time = 1796277600;
    none.pid = 4316;
    none.start_ticks = 500000;
    none.action = "none";
    none.result = "off";
    none.reason = "not contained: the server policy has no CONTAIN for this host";
    std::vector<ContainmentRecord> records;
    CHECK_FALSE(verdict_already_said(records, none));
    records.push_back(none);
    ContainmentRecord order = none;   // an operator's freeze, carried out the next cycle
    order.time += 60;
    order.action = "freeze";
    order.result = "done";
    order.reason.clear();
    order.by = "alice";
    records.push_back(order);
    none.time += 120;
    CHECK(verdict_already_said(records, none));
    ContainmentRecord other = none;
    other.reason = "not contained: the daily action limit is reached";
    CHECK_FALSE(verdict_already_said(records, other));   // a new verdict is news
    ContainmentRecord next_life = none;
    next_life.start_ticks = 900000;   // the pid reused by another process
    CHECK_FALSE(verdict_already_said(records, next_life));
}

TEST_CASE("respond contain: isolate needs both keys to allow it, both does what both allow") {
    ContainInput in;
    in.server_known = true;
    in.consecutive_red = 2;
    in.snapshot_taken = true;
    auto kind = [&](ContainMode c, ContainMode s) {
        ContainInput x = in;
        x.client = c, x.server = s;
        return decide_containment(x);
    };
    using M = ContainMode;
    using K = ContainDecision::Kind;
    CHECK(kind(M::isolate, M::isolate).kind == K::isolate);
    CHECK(kind(M::both, M::both).kind == K::both);
    CHECK(kind(M::both, M::isolate).kind == K::isolate);
    CHECK(kind(M::isolate, M::both).kind == K::isolate);
    CHECK(kind(M::both, M::freeze).kind == K::freeze);
    CHECK(kind(M::isolate, M::freeze).kind == K::off);
    CHECK(kind(M::isolate, M::freeze).reason.find("allows contain = isolate, the server policy asks for freeze") != std::string::npos);
    CHECK(kind(M::freeze, M::isolate).kind == K::off);
    CHECK(kind(M::isolate, M::off).kind == K::off);
    CHECK(kind(M::off, M::isolate).kind == K::off);
    CHECK(kind(M::isolate, M::observe).reason == "observe (dry run): would isolate this process tree; nothing done");
    CHECK(kind(M::observe, M::both).reason == "observe (dry run): would freeze and isolate this process tree; nothing done");
    CHECK(kind(M::observe, M::observe).reason == "observe (dry run): would freeze this process tree; nothing done");
    CHECK(kind(M::both, M::both).reason == "freeze and isolate: both keys on, red on two consecutive cycles");
    ContainInput many = in;
    many.client = many.server = M::isolate;
    many.actions_today = 3;
    CHECK(decide_containment(many).kind == K::refuse);
}
