// Containment's server key: CONTAIN in a policy scope, and the grants file the worker publishes
// for clients (one line per host it is not off for, rewritten when a host's value changes).
#include <doctest/doctest.h>

#include <string>

#include "rules_test_util.h"
#include "server/policy.h"
#include "server/server_worker.h"
#include "expected_check.h"
#include "temp_dir.h"
#include "util/file_io.h"
#include "xymon/message.h"

using namespace mr;

TEST_CASE("server contain: CONTAIN in scopes, a later scope wins, bad values named with FILE:LINE") {
    Policy p;
    REQUIRE(p.load_text("DEFAULT\n\tCONTAIN observe\nHOST=web01\n\tCONTAIN freeze\nHOST=db1\n\tCONTAIN off\n", "m.cfg"));
    CHECK(p.effective("web01", "linux", "").contain == "freeze");
    CHECK(p.effective("web01", "linux", "").contain_scope == "m.cfg:3 HOST=web01");
    CHECK(p.effective("other", "linux", "").contain == "observe");
    CHECK(p.effective("db1", "linux", "").contain == "off");
    CHECK(p.describe("web01", "linux", "").find("containment: freeze (m.cfg:3 HOST=web01)") != std::string::npos);
    CHECK(mr_test::error_of(p.load_text("HOST=x\n\tCONTAIN melt\n", "m.cfg")) ==
          "m.cfg:2: CONTAIN takes one of off, observe, freeze, isolate, both");
    CHECK(p.effective("web01", "linux", "").contain == "freeze");  // the previous policy stays
    Policy none;
    CHECK(none.effective("web01", "linux", "").contain == "off");
}

TEST_CASE("server contain: the worker publishes each host's CONTAIN for clients to fetch") {
    mr_test::TempDir dir("contain-test");
    std::string policy = dir.write("miningrisk.cfg", "HOST=web01,web02\n\tCONTAIN freeze\n");
    WorkerOptions opt;
    opt.policy_path = policy;
    opt.rules_dir = mr_test::shipped_rules_dir();
    opt.pools_file = "";
    opt.contain_file = dir.path + "/contain.txt";
    ServerWorker w(opt);
    w.init();
    auto msg = [](const std::string& host) {
        ClientReport r;
        r.agent = "miningrisk-client/test";
        r.host = host;
        r.time = 1795730365;
        return build_client_message(r);
    };
    w.evaluate_miningrisk("web01", "linux", msg("web01"), 1795730365);
    w.evaluate_miningrisk("db1", "linux", msg("db1"), 1795730365);
    Expected<std::string> text = read_file(opt.contain_file);
    REQUIRE(text);
    CHECK(text->rfind("# miningrisk containment grants", 0) == 0);
    CHECK(text->find("host=web01 contain=freeze scope=") != std::string::npos);
    CHECK(text->find("db1") == std::string::npos);
    // a second worker (a restart) keeps what was published and adds web02
    ServerWorker w2(opt);
    w2.init();
    w2.evaluate_miningrisk("web02", "linux", msg("web02"), 1795730365);
    text = read_file(opt.contain_file);
    REQUIRE(text);
    CHECK(text->find("host=web01 contain=freeze") != std::string::npos);
    CHECK(text->find("host=web02 contain=freeze") != std::string::npos);
}
