#include <doctest/doctest.h>

#include "rules/host_rules.h"
#include "rules_test_util.h"

using mr_test::shipped_rules;
using mr_test::signal_of;

TEST_CASE("rules: host tampering signals") {
    mr::HostFacts h;
    CHECK(mr::check_host(h, shipped_rules()).empty());
    h.ld_so_preload_present = true;
    h.ld_so_preload = "/usr/local/lib/libprocesshider.so\n";
    CHECK(signal_of(mr::check_host(h, shipped_rules()), "ld_so_preload")->strength == mr::Strength::strong);
    h.ld_so_preload = "# jemalloc for everything\n/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n";
    CHECK(signal_of(mr::check_host(h, shipped_rules()), "ld_so_preload")->strength == mr::Strength::medium);
    h.ld_so_preload = "";
    CHECK(signal_of(mr::check_host(h, shipped_rules()), "ld_so_preload")->strength == mr::Strength::weak);
    h.ld_so_preload_present = false;
    h.hidden_pids = {4242, 4243};
    auto sigs = mr::check_host(h, shipped_rules());
    CHECK(signal_of(sigs, "hidden_pid")->strength == mr::Strength::strong);
    CHECK(signal_of(sigs, "hidden_pid")->evidence.find("4242 4243") != std::string::npos);
    h.hidden_pids.clear();
    h.msr_loaded = true;
    CHECK(mr::check_host(h, shipped_rules()).empty());   // msr loaded read-only: normal
    h.msr_allow_writes = true;
    CHECK(signal_of(mr::check_host(h, shipped_rules()), "hugepages_msr")->strength == mr::Strength::weak);
    h.hugepages_total = 1280;
    CHECK(signal_of(mr::check_host(h, shipped_rules()), "hugepages_msr")->strength == mr::Strength::medium);
    h.msr_allow_writes = false;
    CHECK(mr::check_host(h, shipped_rules()).empty());   // huge pages alone: databases do that
}
