#include <doctest/doctest.h>

#include <string>

#include "collect/cpu_state.h"

using namespace mr;

namespace {

// Baseline taken at uptime 900 s, now 1000 s, 100 ticks a second: process 10 (started at 100 s,
// 5,000 ticks, threads 10 and 11) and process 20 (started at 200 s, threads not recorded).
CpuState baseline() {
    CpuState st;
    st.uptime = 900;
    st.add_proc(10, 10000, 5000);
    st.add_thread(10, 10000, 3000);
    st.add_thread(11, 10050, 2000);
    st.add_proc(20, 20000, 700);
    st.finish();
    return st;
}

CpuBaseline against(const CpuState& st) { return CpuBaseline{&st, 100, 1000, 100}; }

}  // namespace

TEST_CASE("cpu_state: a process with a baseline entry uses its delta over the interval") {
    CpuState st = baseline();
    // 15,000 more ticks in 100 s: 1.5 cores.
    ProcessCpu p = process_cpu(against(st), 10, 10000, 20000);
    REQUIRE(p.prev != nullptr);
    CHECK(p.prev->pid == 10);
    CHECK(p.cores == doctest::Approx(1.5));
    CHECK(p.used_cpu);
    // Idle since the baseline: 0 cores, and not worth reading its threads.
    ProcessCpu idle = process_cpu(against(st), 20, 20000, 700);
    CHECK(idle.cores == 0);
    CHECK_FALSE(idle.used_cpu);
}

TEST_CASE("cpu_state: the first sample without any baseline measures nothing") {
    CpuBaseline none{nullptr, 0, 1000, 100};
    ProcessCpu p = process_cpu(none, 10, 10000, 20000);
    CHECK(p.prev == nullptr);
    CHECK(p.cores == 0);
    CHECK_FALSE(p.used_cpu);
    // Its threads have no share either: they need a sample.
    ThreadCpu t = thread_cpu(none, nullptr, 10, 10000, 3000);
    CHECK(t.cores == 0);
    CHECK(t.needs_sample);
}

TEST_CASE("cpu_state: a reused pid (another start time) never inherits the old counters") {
    CpuState st = baseline();
    // Pid 10 again, but started at 950 s, after the baseline: all its 2,500 ticks over its 50 s.
    ProcessCpu young = process_cpu(against(st), 10, 95000, 2500);
    CHECK(young.prev == nullptr);
    CHECK(young.cores == doctest::Approx(0.5));
    CHECK(young.used_cpu);
    // A counter below the old one is not a huge delta: with the old start time it is 0 ...
    ProcessCpu wrapped = process_cpu(against(st), 10, 10000, 10);
    CHECK(wrapped.cores == 0);
    CHECK_FALSE(wrapped.used_cpu);
    // ... and a process older than the baseline that is missing from it has an unknown share:
    // 0 cores, but its threads are looked at when it has used any CPU at all.
    ProcessCpu unknown = process_cpu(against(st), 30, 5000, 900000);
    CHECK(unknown.cores == 0);
    CHECK(unknown.used_cpu);
    CHECK_FALSE(process_cpu(against(st), 31, 5000, 0).used_cpu);
}

TEST_CASE("cpu_state: threads are measured against their own entries, matched by start time") {
    CpuState st = baseline();
    const CpuBaseline b = against(st);
    const CpuProcEntry* prev = process_cpu(b, 10, 10000, 20000).prev;
    REQUIRE(prev != nullptr);
    // Thread 10: 10,000 more ticks in 100 s is one core.
    ThreadCpu t10 = thread_cpu(b, prev, 10, 10000, 13000);
    CHECK(t10.cores == doctest::Approx(1.0));
    CHECK_FALSE(t10.needs_sample);
    // Thread 11: 5,000 ticks, half a core.
    CHECK(thread_cpu(b, prev, 11, 10050, 7000).cores == doctest::Approx(0.5));
    // A thread started after the baseline (at 990 s): its 300 ticks over its 10 s.
    ThreadCpu fresh = thread_cpu(b, prev, 12, 99000, 300);
    CHECK(fresh.cores == doctest::Approx(0.3));
    CHECK_FALSE(fresh.needs_sample);
    // Tid 11 reused by a thread started before the baseline with another start time: no entry
    // of its own and older than the baseline, so its share needs a sample.
    ThreadCpu reused = thread_cpu(b, prev, 11, 10060, 9000);
    CHECK(reused.cores == 0);
    CHECK(reused.needs_sample);
    // The threads of a process that had no entry are all without a baseline.
    CHECK(thread_cpu(b, nullptr, 10, 10000, 13000).needs_sample);
    // A thread counter that went backwards is 0, not a wrap to 2^64.
    CHECK(thread_cpu(b, prev, 10, 10000, 100).cores == 0);
}

TEST_CASE("collector: CPU state round-trips and rejects corruption") {
    CpuState st;
    st.boot_id = "0b4c1d7e-1111-2222-3333-444455556666";
    st.uptime = 5000.25;
    st.host_total_ticks = 123456;
    st.host_busy_ticks = 2345;
    st.add_proc(300, 7000, 50);
    st.add_thread(300, 7000, 20);
    st.add_thread(301, 7010, 30);
    st.add_proc(12, 10, 9);
    st.finish();
    std::string text = serialize_cpu_state(st);
    CpuState back;
    REQUIRE(parse_cpu_state(text, back));
    CHECK(back.boot_id == st.boot_id);
    CHECK(back.uptime == doctest::Approx(5000.25));
    CHECK(back.host_busy_ticks == 2345);
    const CpuProcEntry* p = back.find(300, 7000);
    REQUIRE(p != nullptr);
    CHECK(p->cpu_ticks == 50);
    CHECK(p->thread_count == 2);
    const CpuThreadEntry* t = back.find_thread(*p, 301, 7010);
    REQUIRE(t != nullptr);
    CHECK(t->cpu_ticks == 30);
    CHECK(back.find(300, 7001) == nullptr);   // same pid, another start time: another process
    CHECK(back.find(12, 10) != nullptr);

    CHECK_FALSE(parse_cpu_state("", back));
    CHECK_FALSE(parse_cpu_state(text.substr(0, text.size() - 4), back));          // truncated
    CHECK_FALSE(parse_cpu_state(text + "p 1 2 3\n", back));                         // after end
    std::string bad = text;
    bad.replace(bad.find("p 300"), 5, "p x00");
    CHECK_FALSE(parse_cpu_state(bad, back));
    CHECK_FALSE(parse_cpu_state("\x01\x02garbage\n", back));
}

TEST_CASE("collector: cores over a span, and processes younger than the baseline") {
    CHECK(cores_used(100, 100, 1.0) == doctest::Approx(1.0));
    CHECK(cores_used(300, 100, 2.0) == doctest::Approx(1.5));
    CHECK(cores_used(5, 100, 0) == 0);
    CHECK(ticks_since(10, 20) == 0);
    // baseline at uptime 900, now 1000: a process started at 950 s ran 50 s of the interval.
    CHECK(span_without_baseline(100, 1000, 900, 95000, 100) == doctest::Approx(50));
    // started before the baseline but missing from it: no usable delta.
    CHECK(span_without_baseline(100, 1000, 900, 1000, 100) < 0);
    // started a moment ago: floored at one second.
    CHECK(span_without_baseline(100, 1000, 900, 99990, 100) == doctest::Approx(1.0));
}
