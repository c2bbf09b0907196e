#include <doctest/doctest.h>

#include "rules/cpu_rules.h"
#include "rules/host_rules.h"
#include "rules/identity_rules.h"
#include "rules/name_rules.h"
#include "rules/network_rules.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::proc;
using mr_test::shipped_rules;
using mr_test::signal_of;

namespace {
std::vector<mr::Signal> names(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_names, p); }
std::vector<mr::Signal> identity(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_identity, p); }
std::vector<mr::Signal> cpu(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_cpu, p); }
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

TEST_CASE("rules: fake kernel threads") {
    mr::ProcessInfo p = proc(700, "kworker/0:2", {"[kworker/0:2]"});
    p.exe = "/dev/shm/.k";
    auto sigs = identity(p);
    REQUIRE(has_signal(sigs, "fake_kernel_thread"));
    CHECK(signal_of(sigs, "fake_kernel_thread")->strength == mr::Strength::medium);
    // Bracketed argv[0] alone, with an ordinary comm.
    p = proc(701, "bash", {"[ksoftirqd/1]"});
    CHECK(has_signal(identity(p), "fake_kernel_thread"));
    // Deleted exe with an unreadable path still has an image.
    p = proc(702, "kthreadd", {});
    p.argv.clear();
    p.exe.clear();
    p.exe_readable = false;
    p.exe_deleted = true;
    CHECK(has_signal(identity(p), "fake_kernel_thread"));
    // Near misses: the real thing, a child of kthreadd, and user programs with similar names.
    mr::ProcessInfo k;
    k.pid = 33;
    k.ppid = 2;
    k.comm = "kworker/1:1";
    CHECK(identity(k).empty());
    k.kernel_thread = true;
    CHECK(identity(k).empty());
    CHECK(identity(proc(800, "watchdog")).empty());   // the watchdog daemon
    CHECK(identity(proc(801, "kworkerd-monitor")).empty());
    CHECK(identity(proc(802, "rcu-tool")).empty());    // "rcu_" prefix needs the underscore
}

TEST_CASE("rules: comm, argv[0] and exe disagreeing") {
    mr::ProcessInfo p = proc(10, "sshd", {"/usr/sbin/sshd", "-D"});
    p.exe = "/opt/.cache/miner-x";
    auto sigs = identity(p);
    CHECK(signal_of(sigs, "name_mismatch")->strength == mr::Strength::weak);
    // Near misses: truncated comm, interpreters, multi-call binaries, retitled daemons, shells.
    mr::ProcessInfo ok = proc(11, "systemd-journald");
    ok.comm = "systemd-journal";
    ok.exe = "/usr/lib/systemd/systemd-journald";
    ok.argv = {"/lib/systemd/systemd-journald"};
    CHECK(identity(ok).empty());
    ok = proc(12, "script.py", {"/usr/bin/python3", "./script.py"});
    ok.exe = "/usr/bin/python3.11";
    CHECK(identity(ok).empty());
    ok = proc(13, "sh", {"sh", "-c", "x"});
    ok.exe = "/bin/busybox";
    CHECK(identity(ok).empty());
    ok = proc(14, "postgres", {"postgres: checkpointer"});
    CHECK(identity(ok).empty());
    ok = proc(15, "bash", {"-bash"});
    CHECK(identity(ok).empty());
    ok = proc(16, "sshd", {"sshd: alice@pts/0"});
    ok.exe = "/usr/sbin/sshd";
    CHECK(identity(ok).empty());
}

TEST_CASE("rules: deleted, memfd and temp-directory executables") {
    mr::ProcessInfo p = proc(20, "x");
    p.exe = "/tmp/x";
    p.exe_deleted = true;
    p.cores = 0.9;
    auto sigs = identity(p);
    CHECK(signal_of(sigs, "exe_deleted")->strength == mr::Strength::medium);
    CHECK(signal_of(sigs, "exe_in_tempdir")->evidence.find("/tmp") != std::string::npos);
    p.cores = 0;
    CHECK(signal_of(identity(p), "exe_deleted")->strength == mr::Strength::weak);
    // Idle daemon still running a binary a package upgrade replaced: normal.
    mr::ProcessInfo up = proc(21, "sshd");
    up.exe = "/usr/sbin/sshd";
    up.exe_deleted = true;
    CHECK(identity(up).empty());

    mr::ProcessInfo m = proc(22, "x");
    m.exe = "/memfd:a (deleted)";
    m.exe_memfd = true;
    m.exe_deleted = true;
    m.cores = 1.0;
    CHECK(signal_of(identity(m), "exe_memfd")->strength == mr::Strength::medium);
    CHECK_FALSE(has_signal(identity(m), "exe_deleted"));

    for (const char* path : {"/var/tmp/a", "/dev/shm/b", "/home/u/.local/share/.x/c", "/usr/lib/.../d"}) {
        CAPTURE(path);
        mr::ProcessInfo t = proc(23, "prog");
        t.exe = path;
        t.comm = mr::base_name(path).data();
        t.argv = {path};
        CHECK(has_signal(identity(t), "exe_in_tempdir"));
    }
    for (const char* path : {"/usr/bin/tmp", "/opt/tmpfoo/x", "/srv/app/./bin/x", "/home/u/bin/..x"}) {
        CAPTURE(path);
        CHECK(mr::path_place(path) == (std::string(path) == "/home/u/bin/..x" ? mr::PathPlace::hidden
                                                                              : mr::PathPlace::normal));
    }
}

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

TEST_CASE("rules: network — listed pool connections strong, miner ports weak, inbound ignored") {
    mr::Snapshot s;
    auto sock = [](const char* raddr, uint16_t rport, const char* state, std::vector<int> pids,
                   uint16_t lport = 40000, mr::SocketProto proto = mr::SocketProto::tcp) {
        mr::SocketInfo x;
        x.proto = proto;
        x.local_addr = "10.0.0.2";
        x.local_port = lport;
        x.remote_addr = raddr;
        x.remote_port = rport;
        x.state = state;
        x.pids = std::move(pids);
        return x;
    };
    s.sockets = {
        sock("203.0.113.10", 443, "ESTABLISHED", {50}),          // listed range, any port
        sock("198.51.100.4", 3333, "SYN_SENT", {51}),            // listed, being set up
        sock("192.0.2.1", 3333, "ESTABLISHED", {52}),            // miner port only
        sock("::ffff:203.0.113.11", 80, "ESTABLISHED", {53}, 40001, mr::SocketProto::tcp6),
        sock("2001:db8:5ee::9", 5555, "ESTABLISHED", {54}, 40002, mr::SocketProto::tcp6),
        sock("0.0.0.0", 0, "LISTEN", {60}, 3333),                // web server on 3333
        sock("192.0.2.77", 4444, "ESTABLISHED", {60}, 3333),     // its client, from port 4444
        sock("192.0.2.1", 3333, "TIME_WAIT", {61}),              // closed
        sock("192.0.2.1", 3333, "ESTABLISHED", {62}, 40003, mr::SocketProto::udp),
        sock("203.0.113.12", 3333, "ESTABLISHED", {}),           // owner unknown
        sock("192.0.2.1", 8080, "ESTABLISHED", {63}),            // ordinary port
    };
    auto hits = mr::check_network(s, shipped_rules());
    REQUIRE(hits.count(50));
    CHECK(signal_of(hits[50].signals, "pool_connection")->strength == mr::Strength::strong);
    CHECK(hits[50].pool == "203.0.113.10:443");
    CHECK(has_signal(hits[51].signals, "pool_connection"));
    CHECK(signal_of(hits[52].signals, "miner_port")->strength == mr::Strength::weak);
    CHECK_FALSE(has_signal(hits[52].signals, "pool_connection"));
    CHECK(hits[52].pool == "192.0.2.1:3333");
    CHECK(hits[53].pool == "203.0.113.11:80");
    CHECK(hits[54].pool == "[2001:db8:5ee::9]:5555");
    CHECK(has_signal(hits[54].signals, "pool_connection"));
    CHECK_FALSE(hits.count(60));
    CHECK_FALSE(hits.count(61));
    CHECK_FALSE(hits.count(62));
    CHECK_FALSE(hits.count(63));
    REQUIRE(hits.count(0));
    CHECK(has_signal(hits[0].signals, "pool_connection"));
}

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
