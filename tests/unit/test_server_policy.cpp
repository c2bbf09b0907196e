#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <string>

#include "server/policy.h"
#include "expected_check.h"
#include "temp_dir.h"

using namespace mr;

namespace {
const char* kPolicy = R"(# sample
DEFAULT
    WEIGHT fake_kthread=weak
HOST=bench1,bench2
    ALLOW EXE=/opt/bench/xmrig USER=bench REASON="CPU benchmark" EXPIRES=2099-12-31
    ALLOW EXE=/opt/old/xmrig REASON="old benchmark" EXPIRES=2020-01-01
HOST=%^lab- EXHOST=lab-gw
    EXPECTED REASON="mining research lab"
CLASS=build
    THRESHOLD RED_MEDIUM=3
    WEIGHT miner_port=off
    ALLOW PARENT=jenkins SIGNAL=cpu_hog REASON="CI jobs" EXPIRES=2099-01-01
)";

Finding miner(const std::string& exe, const std::string& user = "bench") {
    Finding f;
    f.pid = 4316;
    f.ppid = 1;
    f.user = user;
    f.comm = "xmrig";
    f.exe = exe;
    f.cores = 1.9;
    f.pool = "203.0.113.5:3333";
    f.color = Color::red;
    f.signals = {{"miner_name", Strength::strong, "comm xmrig"}, {"pool_connection", Strength::strong, "203.0.113.5:3333"}};
    return f;
}

Policy loaded() {
    Policy p;
    REQUIRE(p.load_text(kPolicy, "miningrisk.cfg"));
    return p;
}

std::string load_error(const std::string& text) {
    Policy p;
    mr::Status loaded = p.load_text(text, "m.cfg");
    CHECK_FALSE(loaded);
    return mr_test::error_of(loaded);
}
}  // namespace

TEST_CASE("policy: scopes merge DEFAULT and the matching HOST/CLASS blocks") {
    Policy p = loaded();
    EffectivePolicy e = p.effective("bench1", "linux", "");
    CHECK(e.allows.size() == 2);
    CHECK(e.weights.at("fake_kthread") == static_cast<int>(Strength::weak));
    CHECK_FALSE(e.expected);
    EffectivePolicy lab = p.effective("lab-7", "linux", "");
    CHECK(lab.expected);
    CHECK(lab.expected_reason == "mining research lab");
    CHECK_FALSE(p.effective("lab-gw", "linux", "").expected);  // EXHOST
    EffectivePolicy b = p.effective("web", "build", "");
    CHECK(b.thresholds.red_medium == 3);
    CHECK(b.weights.at("miner_port") == 0);
    CHECK(p.effective("web", "linux", "").allows.empty());
}

TEST_CASE("policy: PAGE= matches the host's page path") {
    Policy p;
    REQUIRE(p.load_text("PAGE=%^lab/\n EXPECTED REASON=lab\n", "m.cfg"));
    CHECK(p.effective("x", "", "lab/gpu").expected);
    CHECK_FALSE(p.effective("x", "", "prod").expected);
}

TEST_CASE("policy: an allowlisted miner is green with the entry shown") {
    Policy p = loaded();
    PolicyVerdict v = apply_policy(p.effective("bench1", "linux", ""), {miner("/opt/bench/xmrig")}, true, "2026-11-26");
    CHECK(v.color == Color::green);
    REQUIRE(v.findings.size() == 1);
    CHECK(v.findings[0].signals.empty());
    REQUIRE(v.findings[0].suppressed_by.size() == 1);
    CHECK(v.findings[0].suppressed_by[0].find("miningrisk.cfg:5") == 0);
    REQUIRE(v.allow_matched.size() == 1);
    CHECK(v.allow_matched[0].find("CPU benchmark") != std::string::npos);
    CHECK(v.allow_expired.empty());
}

TEST_CASE("policy: the allow entry needs every criterion; other user or exe stays red") {
    Policy p = loaded();
    EffectivePolicy e = p.effective("bench1", "linux", "");
    CHECK(apply_policy(e, {miner("/opt/bench/xmrig", "www-data")}, true, "2026-11-26").color == Color::red);
    CHECK(apply_policy(e, {miner("/tmp/xmrig")}, true, "2026-11-26").color == Color::red);
    // Unknown exe (agentless) never matches an EXE= entry.
    CHECK(apply_policy(e, {miner("")}, true, "2026-11-26").color == Color::red);
}

TEST_CASE("policy: an expired entry stops applying and is listed as expired") {
    Policy p = loaded();
    EffectivePolicy e = p.effective("bench2", "linux", "");
    PolicyVerdict v = apply_policy(e, {miner("/opt/old/xmrig")}, true, "2026-11-26");
    CHECK(v.color == Color::red);
    REQUIRE(v.allow_expired.size() == 1);
    CHECK(v.allow_expired[0].find("expires 2020-01-01") != std::string::npos);
    CHECK(v.allow_matched.empty());
    // The same entry applies on its last day.
    CHECK(apply_policy(e, {miner("/opt/old/xmrig")}, true, "2020-01-01").color == Color::green);
}

TEST_CASE("policy: weights change strength, off removes a signal") {
    Policy p = loaded();
    Finding f;
    f.pid = 10;
    f.comm = "kworkerx";
    f.signals = {{"fake_kthread", Strength::medium, "not a kernel thread"}};
    CHECK(apply_policy(EffectivePolicy{}, {f}, true, "2026-11-26").color == Color::yellow);
    PolicyVerdict v = apply_policy(p.effective("any", "linux", ""), {f}, true, "2026-11-26");
    CHECK(v.findings[0].signals[0].strength == Strength::weak);
    CHECK(v.color == Color::yellow);
    Finding port;
    port.pid = 11;
    port.signals = {{"miner_port", Strength::medium, "3333"}};
    CHECK(apply_policy(p.effective("any", "build", ""), {port}, true, "2026-11-26").color == Color::green);
}

TEST_CASE("policy: thresholds decide how many medium signals make red") {
    std::vector<Signal> two = {{"a", Strength::medium, ""}, {"b", Strength::medium, ""}};
    CHECK(score_with_thresholds(two, Thresholds{}) == Color::red);
    CHECK(score_with_thresholds(two, Thresholds{3, 1}) == Color::yellow);
    CHECK(score_with_thresholds({{"w", Strength::weak, ""}}, Thresholds{2, 2}) == Color::green);
    CHECK(score_with_thresholds({}, Thresholds{}) == Color::green);
}

TEST_CASE("policy: PARENT and SIGNAL limit what an entry suppresses") {
    Policy p = loaded();
    EffectivePolicy e = p.effective("ci1", "build", "");
    Finding f;
    f.pid = 50;
    f.ppid = 40;
    f.user = "ci";
    f.signals = {{"cpu_hog", Strength::medium, "1.0 cores"}, {"tmp_exe", Strength::medium, "/tmp/job"}};
    CommByPid parents{{40, "jenkins"}};
    PolicyVerdict v = apply_policy(e, {f}, true, "2026-11-26", parents);
    REQUIRE(v.findings[0].signals.size() == 1);
    CHECK(v.findings[0].signals[0].id == "tmp_exe");
    CHECK(v.color == Color::yellow);
    // Without the parent's name the entry cannot match.
    CHECK(apply_policy(e, {f}, true, "2026-11-26").findings[0].signals.size() == 2);
}

TEST_CASE("policy: expected mining caps at green, limited visibility is never green") {
    Policy p = loaded();
    PolicyVerdict v = apply_policy(p.effective("lab-1", "linux", ""), {miner("/x")}, true, "2026-11-26");
    CHECK(v.color == Color::green);
    CHECK(v.color_before_expected == Color::red);
    CHECK(v.expected);
    CHECK(apply_policy(EffectivePolicy{}, {}, false, "2026-11-26").color == Color::yellow);
    CHECK(apply_policy(EffectivePolicy{}, {}, true, "2026-11-26").color == Color::green);
}

TEST_CASE("policy: errors name file and line, and the previous policy stays") {
    CHECK(load_error("DEFAULT\n  ALLOW NAME=xmrig REASON=x EXPIRES=2030-01-01\n") ==
          "m.cfg:2: ALLOW needs EXE=, SHA256=, USER= or PARENT= (a process name alone can be faked)");
    CHECK(load_error("HOST=a\n\n ALLOW EXE=/x EXPIRES=2030-01-01\n").rfind("m.cfg:3: ALLOW needs REASON", 0) == 0);
    CHECK(load_error("HOST=a\n ALLOW EXE=/x REASON=r\n").rfind("m.cfg:2: ALLOW needs EXPIRES", 0) == 0);
    CHECK(load_error("HOST=a\n ALLOW EXE=/x REASON=r EXPIRES=2030-13-01\n").rfind("m.cfg:2: ALLOW: EXPIRES", 0) == 0);
    CHECK(load_error("HOST=%([\n").rfind("m.cfg:1: HOST: bad regular expression", 0) == 0);
    CHECK(load_error("  WEIGHT a=strong\n").rfind("m.cfg:1: 'WEIGHT' before any scope", 0) == 0);
    CHECK(load_error("DEFAULT\n WEIGHT a=huge\n").rfind("m.cfg:2: WEIGHT a:", 0) == 0);
    CHECK(load_error("DEFAULT\n BOGUS x\n").rfind("m.cfg:2: unknown keyword", 0) == 0);
    CHECK(load_error("DEFAULT\n ALLOW EXE=/x REASON=\"open EXPIRES=2030-01-01\n").rfind("m.cfg:2: unterminated", 0) == 0);
    CHECK(load_error("DEFAULT\n ALLOW SHA256=abc REASON=r EXPIRES=2030-01-01\n").rfind("m.cfg:2: ALLOW: SHA256", 0) == 0);
    CHECK(load_error("DEFAULT\n EXPECTED\n").rfind("m.cfg:2: EXPECTED needs REASON", 0) == 0);
    Policy p = loaded();
    CHECK_FALSE(p.load_text("DEFAULT\n ALLOW NAME=x\n", "m.cfg"));
    CHECK(p.effective("bench1", "linux", "").allows.size() == 2);  // still the old one
}

TEST_CASE("policy: reload when the file changes, keep the old policy when it breaks") {
    mr_test::TempDir tmp("policy-test");
    std::string path = tmp / "miningrisk.cfg";
    { std::ofstream(path) << "HOST=a\n EXPECTED REASON=lab\n"; }
    Policy p;
    REQUIRE(p.load_file(path));
    CHECK(p.effective("a", "", "").expected);
    CHECK_FALSE(p.reload_if_changed(path));  // unchanged
    { std::ofstream(path) << "HOST=a\n EXPECTED REASON=lab\nHOST=b\n EXPECTED REASON=\"lab2 more\"\n"; }
    std::optional<mr::Status> reloaded = p.reload_if_changed(path);
    REQUIRE(reloaded);
    CHECK(*reloaded);
    CHECK(p.effective("b", "", "").expected);
    { std::ofstream(path) << "HOST=a\n EXPECTED REASON=lab\nHOST=b\n EXPECTED\n# now broken....\n"; }
    reloaded = p.reload_if_changed(path);
    REQUIRE(reloaded);
    CHECK(mr_test::error_of(*reloaded) == path + ":4: EXPECTED needs REASON=\"...\"");
    CHECK(p.effective("b", "", "").expected);
    CHECK_FALSE(p.reload_if_changed(path));  // same broken file: not retried
    unlink(path.c_str());
    reloaded = p.reload_if_changed(path);  // gone: defaults
    REQUIRE(reloaded);
    CHECK(*reloaded);
    CHECK_FALSE(p.effective("a", "", "").expected);
}

TEST_CASE("policy: describe lists scopes, entries and expiry for --show-policy") {
    Policy p = loaded();
    std::string d = p.describe("bench1", "linux", "");
    CHECK(d.find("miningrisk.cfg:4 HOST=bench1,bench2") != std::string::npos);
    CHECK(d.find("active  miningrisk.cfg:5 EXE=/opt/bench/xmrig") != std::string::npos);
    CHECK(d.find("EXPIRED miningrisk.cfg:6") != std::string::npos);
    CHECK(d.find("fake_kthread=weak") != std::string::npos);
}

TEST_CASE("policy: regular expressions are bounded in pattern and subject length") {
    Policy p;
    CHECK(mr_test::error_of(p.load_text("HOST=%" + std::string(2000, 'a') + "\n", "m.cfg"))
              .find("m.cfg:1: HOST: regular expression longer than") == 0);
    REQUIRE(p.load_text("DEFAULT\n ALLOW EXE=%^/opt/(a|b)*$ REASON=r EXPIRES=2099-01-01\n", "m.cfg"));
    Finding f = miner("/opt/" + std::string(100000, 'a'));  // a hostile, enormous path
    CHECK(apply_policy(p.effective("h", "", ""), {f}, true, "2026-11-26").color == Color::red);
    CHECK(apply_policy(p.effective("h", "", ""), {miner("/opt/abab")}, true, "2026-11-26").color == Color::green);
}

TEST_CASE("policy: INCIDENT settings per scope, later wins, bad values name FILE:LINE") {
    Policy p;
    mr::Status loaded = p.load_text("DEFAULT\n\tINCIDENT CLEAN_CYCLES=12 PRICE_KWH=0.25\nCLASS=cloud\n"
                                    "\tINCIDENT CLEAN_CYCLES=3 PRICE_VCPU_HOUR=0.04 BUSY_WATTS=4 CURRENCY=USD\n",
                                    "m.cfg");
    REQUIRE_MESSAGE(loaded, mr_test::error_of(loaded));
    EffectivePolicy onprem = p.effective("db1", "linux", "");
    CHECK(onprem.incident.clean_cycles == 12);
    CHECK(onprem.incident.impact.price_kwh == doctest::Approx(0.25));
    CHECK(onprem.incident.impact.busy_watts == doctest::Approx(3.5));
    EffectivePolicy cloud = p.effective("vm1", "cloud", "");
    CHECK(cloud.incident.clean_cycles == 3);
    CHECK(cloud.incident.impact.price_kwh == doctest::Approx(0.25));
    CHECK(cloud.incident.impact.price_vcpu_hour == doctest::Approx(0.04));
    CHECK(cloud.incident.impact.busy_watts == doctest::Approx(4));
    CHECK(cloud.incident.impact.currency == "USD");
    CHECK(p.effective("x", "", "").incident.impact.pue == doctest::Approx(1.135));
    CHECK(mr_test::error_of(p.load_text("DEFAULT\n\tINCIDENT CLEAN_CYCLES=0\n", "m.cfg")) ==
          "m.cfg:2: INCIDENT CLEAN_CYCLES: expected a whole number from 1 to 10000");
    CHECK(mr_test::error_of(p.load_text("DEFAULT\n\tINCIDENT WATTS=3\n", "m.cfg"))
              .rfind("m.cfg:2: INCIDENT WATTS: unknown key", 0) == 0);
    // The previous policy stays in force.
    CHECK(p.effective("vm1", "cloud", "").incident.clean_cycles == 3);
}
