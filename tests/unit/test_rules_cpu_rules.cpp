#include <doctest/doctest.h>

#include "rules/cpu_rules.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::proc;
using mr_test::signal_of;

namespace {
std::vector<mr::Signal> cpu(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_cpu, p); }
}  // namespace

TEST_CASE("rules: CPU — pegged threads are weak, temp-dir hogs medium") {
    mr::ProcessInfo p = proc(30, "mysqld");
    p.cores = 1.0;
    p.max_thread_cores = 0.97;
    auto sigs = cpu(p);
    CHECK(signal_of(sigs, "thread_pegged")->strength == mr::Strength::weak);
    CHECK_FALSE(has_signal(sigs, "tempdir_cpu_hog"));
    // The busiest thread counts whatever the process total (a throttled multi-thread miner).
    p.cores = 0.3;
    p.max_thread_cores = 0;
    p.threads = {{31, "w", 0, 0.95}, {32, "w", 0, 0.1}};
    CHECK(has_signal(cpu(p), "thread_pegged"));
    // Near miss: a busy process spread over many threads, none pegged.
    p.cores = 1.8;
    p.threads = {{31, "w", 0, 0.6}, {32, "w", 0, 0.6}, {33, "w", 0, 0.6}};
    CHECK(cpu(p).empty());

    mr::ProcessInfo t = proc(40, "updater");
    t.exe = "/dev/shm/updater";
    t.cores = 0.5;
    CHECK(signal_of(cpu(t), "tempdir_cpu_hog")->strength == mr::Strength::medium);
    t.cores = 0.1;
    CHECK(cpu(t).empty());
    mr::ProcessInfo kt;
    kt.kernel_thread = true;
    kt.max_thread_cores = 1;
    CHECK(cpu(kt).empty());
}
