#include <doctest/doctest.h>

#include "rules/identity_rules.h"
#include "rules/name_rules.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::proc;
using mr_test::signal_of;

namespace {
std::vector<mr::Signal> names(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_names, p); }
std::vector<mr::Signal> identity(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_identity, p); }
}  // namespace

TEST_CASE("rules: miner names match comm, argv[0] or exe as whole names, any case") {
    CHECK(signal_of(names(proc(1, "xmrig")), "miner_name")->strength == mr::Strength::strong);
    mr::ProcessInfo p = proc(2, "systemd-helper");
    p.exe = "/var/tmp/XMRig";
    CHECK(signal_of(names(p), "miner_name")->evidence.find("exe=XMRig") != std::string::npos);
    p = proc(3, "sshd", {"./T-Rex", "-c", "cfg"});
    CHECK(has_signal(names(p), "miner_name"));
    p = proc(4, "kdevtmpfsi");
    p.exe = "/tmp/kdevtmpfsi";
    CHECK(has_signal(names(p), "miner_name"));
    // Near misses: substrings and longer names are not names.
    for (const char* n : {"xmrig-exporter", "myxmrig", "minerd2", "ccminer_docs", "cgminerd", "ethminer.py"}) {
        CAPTURE(n);
        CHECK(names(proc(5, n)).empty());
    }
}

TEST_CASE("rules: kswapd0 is a miner name only as a user process") {
    mr::ProcessInfo real;
    real.pid = 90;
    real.ppid = 2;
    real.comm = "kswapd0";
    real.kernel_thread = true;
    CHECK(names(real).empty());
    CHECK(identity(real).empty());
    real.kernel_thread = false;   // agentless: no flag, but no exe, no argv, parent kthreadd
    CHECK(names(real).empty());
    CHECK(identity(real).empty());

    mr::ProcessInfo fake = proc(4242, "kswapd0");
    fake.exe = "/root/.configrc/a/kswapd0";
    CHECK(has_signal(names(fake), "miner_name"));
    CHECK(has_signal(identity(fake), "fake_kernel_thread"));
    CHECK(has_signal(identity(fake), "exe_in_tempdir"));   // hidden directory
}
