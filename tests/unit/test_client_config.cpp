#include <doctest/doctest.h>

#include "client/client_config.h"
#include "expected_check.h"

using namespace mr;

TEST_CASE("client_config: settings are read, comments ignored") {
    Expected<ClientConfig> parsed = parse_client_config("# comment\ninterval = 60\nsample_seconds=0.5 # inline\n"
                                                        "scan_binaries = no\nrules_dir = /opt/rules\n",
                                                        "c.cfg");
    REQUIRE_MESSAGE(parsed, mr_test::error_of(parsed));
    const ClientConfig& cfg = *parsed;
    CHECK(cfg.interval == 60);
    CHECK(cfg.sample_seconds == doctest::Approx(0.5));
    CHECK_FALSE(cfg.scan_binaries);
    CHECK(cfg.rules_dir == "/opt/rules");
}

TEST_CASE("client_config: an error names file and line, settings not named keep the base's value") {
    ClientConfig base;
    base.interval = 120;
    base.top = 7;
    CHECK(mr_test::error_of(parse_client_config("interval = 60\n\ntop = lots\n", "/etc/xymon/mr.cfg", base)) ==
          "/etc/xymon/mr.cfg:3: top must be 0..50");
    Expected<ClientConfig> over = parse_client_config("interval = 60\n", "f", base);
    REQUIRE(over);
    CHECK(over->interval == 60);
    CHECK(over->top == 7);
    Expected<ClientConfig> bogus = parse_client_config("bogus = 1\n", "f");
    REQUIRE_FALSE(bogus);
    CHECK(bogus.error().line == 1);
    CHECK_FALSE(parse_client_config("just words\n", "f"));
    CHECK_FALSE(parse_client_config("pools_config = ../../etc/shadow\n", "f"));
}
