// The client's containment keys: its config and the server's published grants.
#include <doctest/doctest.h>

#include "client/client_config.h"
#include "client/contain_step.h"
#include "expected_check.h"

using namespace mr;

TEST_CASE("client contain: config keys, errors with FILE:LINE, the last good config kept") {
    Expected<ClientConfig> parsed =
        parse_client_config("contain = freeze\ncontain_only = /tmp/, /dev/shm/\ncontain_allow_package = yes\n", "c.cfg");
    REQUIRE_MESSAGE(parsed, mr_test::error_of(parsed));
    const ClientConfig& cfg = *parsed;
    CHECK(cfg.contain == "freeze");
    CHECK(cfg.contain_only == std::vector<std::string>{"/tmp/", "/dev/shm/"});
    CHECK(cfg.contain_allow_package);
    CHECK(mr_test::error_of(parse_client_config("snapshot = yes\ncontain = freez\n", "c.cfg", cfg)) ==
          "c.cfg:2: contain must be off, observe, freeze, isolate or both");
    CHECK_FALSE(parse_client_config("contain_only = tmp\n", "c.cfg", cfg));
    CHECK_FALSE(parse_client_config("snapshot_helper = relative\n", "c.cfg", cfg));
}

TEST_CASE("client contain: the server's grant for this host only") {
    std::string text = "# miningrisk containment grants (policy CONTAIN per host), written by xymond_miningrisk\n"
                       "host=web01 contain=freeze scope=miningrisk.cfg:3%20HOST=web01\n"
                       "host=web02 contain=observe\nhost=web03 contain=bogus\ngarbage line\n";
    ContainMode m = ContainMode::off;
    CHECK(grant_for_host(text, "web01", m));
    CHECK(m == ContainMode::freeze);
    CHECK(grant_for_host(text, "web02", m));
    CHECK(m == ContainMode::observe);
    CHECK_FALSE(grant_for_host(text, "web03", m));  // a value it does not know is no grant
    CHECK_FALSE(grant_for_host(text, "web0", m));
    CHECK_FALSE(grant_for_host("", "web01", m));
}
