#include <doctest/doctest.h>

#include "client/client_config.h"

using namespace mr;

TEST_CASE("client_config: settings are read, comments ignored") {
    ClientConfig cfg;
    ConfigError err;
    REQUIRE(parse_client_config("# comment\ninterval = 60\nsample_seconds=0.5 # inline\n"
                                "scan_binaries = no\nrules_dir = /opt/rules\n",
                                "c.cfg", cfg, err));
    CHECK(cfg.interval == 60);
    CHECK(cfg.sample_seconds == doctest::Approx(0.5));
    CHECK_FALSE(cfg.scan_binaries);
    CHECK(cfg.rules_dir == "/opt/rules");
}

TEST_CASE("client_config: an error names file and line and changes nothing") {
    ClientConfig cfg;
    cfg.interval = 120;
    ConfigError err;
    CHECK_FALSE(parse_client_config("interval = 60\n\ntop = lots\n", "/etc/xymon/mr.cfg", cfg, err));
    CHECK(err.to_string() == "/etc/xymon/mr.cfg:3: top must be 0..50");
    CHECK(cfg.interval == 120);  // the earlier good line was not half-applied
    CHECK_FALSE(parse_client_config("bogus = 1\n", "f", cfg, err));
    CHECK(err.line == 1);
    CHECK_FALSE(parse_client_config("just words\n", "f", cfg, err));
    CHECK_FALSE(parse_client_config("pools_config = ../../etc/shadow\n", "f", cfg, err));
}
