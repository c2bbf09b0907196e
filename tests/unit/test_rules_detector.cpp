#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "rules/detector.h"
#include "xymon/message.h"
#include "rules_test_util.h"

using mr::Color;
using mr::Strength;
using mr_test::finding_for;
using mr_test::has_signal;
using mr_test::no_scan;
using mr_test::proc;

namespace {

const std::string kMonero =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

mr::Signal sig(const char* id, Strength s) { return mr::Signal{id, s, "e"}; }

mr::SocketInfo conn(const char* addr, uint16_t port, int pid) {
    mr::SocketInfo s;
    s.local_addr = "10.0.0.2";
    s.local_port = 41000;
    s.remote_addr = addr;
    s.remote_port = port;
    s.state = "ESTABLISHED";
    s.pids = {pid};
    return s;
}

}  // namespace

TEST_CASE("rules: scoring — strong or two different mediums red, one medium or weak yellow") {
    CHECK(mr::score_signals({}) == Color::green);
    CHECK(mr::score_signals({sig("thread_pegged", Strength::weak)}) == Color::yellow);
    CHECK(mr::score_signals({sig("exe_memfd", Strength::medium)}) == Color::yellow);
    CHECK(mr::score_signals({sig("exe_memfd", Strength::medium), sig("thread_pegged", Strength::weak),
                             sig("miner_port", Strength::weak)}) == Color::yellow);
    CHECK(mr::score_signals({sig("exe_memfd", Strength::medium), sig("fake_kernel_thread", Strength::medium)}) ==
          Color::red);
    // The same medium signal twice is not corroboration.
    CHECK(mr::score_signals({sig("exe_memfd", Strength::medium), sig("exe_memfd", Strength::medium)}) ==
          Color::yellow);
    CHECK(mr::score_signals({sig("thread_pegged", Strength::weak), sig("pool_connection", Strength::strong)}) ==
          Color::red);

    mr::Finding r, y;
    r.color = Color::red;
    y.color = Color::yellow;
    CHECK(mr::overall_color({}, true) == Color::green);
    CHECK(mr::overall_color({}, false) == Color::yellow);    // could not see everything
    CHECK(mr::overall_color({y}, true) == Color::yellow);
    CHECK(mr::overall_color({y, r}, true) == Color::red);
    CHECK(mr::overall_color({r}, false) == Color::red);
}

TEST_CASE("rules: detector — a realistic xmrig is red with its evidence in the finding") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    mr::ProcessInfo p = proc(4316, "xmrig",
                             {"/tmp/.x/xmrig", "--donate-level", "1", "-o", "pool.supportxmr.com:443", "-u",
                              kMonero + ".w1", "-k", "--tls", "-a", "rx/0"});
    p.exe = "/tmp/.x/xmrig";
    p.user = "www-data";
    p.uid = 33;
    p.cores = 1.92;
    p.max_thread_cores = 0.99;
    p.container_id = std::string(64, 'a');
    s.procs.push_back(p);
    s.procs.push_back(proc(1, "systemd"));
    auto fs = d.detect(s, no_scan());
    REQUIRE(fs.size() == 1);
    const mr::Finding& f = fs[0];
    CHECK(f.pid == 4316);
    CHECK(f.color == Color::red);
    CHECK(f.user == "www-data");
    CHECK(f.exe == "/tmp/.x/xmrig");
    CHECK(f.pool == "pool.supportxmr.com:443");
    CHECK(f.container == std::string(64, 'a'));
    CHECK(f.cores == doctest::Approx(1.92));
    for (const char* id : {"miner_name", "miner_flag", "wallet_address", "pool_domain_arg", "algo_pool_flags",
                           "exe_in_tempdir", "tempdir_cpu_hog", "thread_pegged"}) {
        CAPTURE(id);
        CHECK(has_signal(f.signals, id));
    }
}

TEST_CASE("rules: detector — argv in a finding is bounded to 1 KiB") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    mr::ProcessInfo p = proc(5, "xmrig");
    for (int i = 0; i < 100; ++i) p.argv.push_back(std::string(50, 'x'));
    s.procs.push_back(p);
    auto fs = d.detect(s, no_scan());
    REQUIRE(fs.size() == 1);
    size_t total = 0;
    for (const auto& a : fs[0].argv) total += a.size() + 1;
    CHECK(total <= 1024 + 4);
    CHECK(fs[0].argv.size() < 30);
}

TEST_CASE("rules: detector — thousands of findings keep the worst, busiest first") {
    // After a deploy every worker of a service can run a deleted binary (a weak signal each):
    // the report keeps the worst kMaxFindings, so the miner among them is never crowded out.
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    for (int i = 0; i < 3000; ++i) {
        mr::ProcessInfo w = proc(10000 + i, "worker");
        w.exe = "/srv/app/worker";   // outside the system directories: a weak signal
        w.exe_deleted = true;
        w.cores = (i % 7) * 0.01;
        s.procs.push_back(w);
    }
    mr::ProcessInfo m = proc(20000, "xmrig", {"./xmrig", "-o", "stratum+tcp://pool.example.net:3333"});
    m.cores = 1.5;
    s.procs.push_back(m);
    size_t found = 0;
    auto fs = d.detect(s, no_scan(), &found);
    CHECK(found == 3001);
    REQUIRE(fs.size() == mr::kMaxFindings);
    CHECK(fs[0].pid == 20000);
    CHECK(fs[0].color == Color::red);
    for (size_t i = 2; i < fs.size(); ++i) {
        CAPTURE(i);
        CHECK(fs[i].color == Color::yellow);
        CHECK(fs[i - 1].cores >= fs[i].cores);   // the busiest of the workers were kept
    }
    CHECK(fs.back().cores == doctest::Approx(0.06));   // 3000 / 7 of each share: only the top one fits
}

TEST_CASE("rules: detector — a config-file-only miner is caught by its binary and connection") {
    // No flags at all in argv; a renamed binary in a normal place. What gives it away: the
    // strings in its executable and the connection to a listed pool address.
    mr_test::TempDir tmp("det");
    const std::string& root = tmp.path;
    std::string bin = tmp.write("systemd-logind-helper",
                                std::string(5000, '\x7f') + "usage: --donate-level=N" + std::string(3000, 'z') +
                                    "{\"method\":\"mining.subscribe\"}");
    ::mkdir((root + "/proc").c_str(), 0755);
    ::mkdir((root + "/proc/900").c_str(), 0755);
    REQUIRE(::symlink(bin.c_str(), (root + "/proc/900/exe").c_str()) == 0);

    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    mr::ProcessInfo p = proc(900, "systemd-logind-helper", {"/usr/lib/systemd/systemd-logind-helper"});
    p.exe = "/usr/lib/systemd/systemd-logind-helper";
    p.cores = 0.6;
    s.procs.push_back(p);
    s.sockets.push_back(conn("203.0.113.50", 3333, 900));
    mr::DetectOptions opt;
    opt.proc_root = root + "/proc";
    opt.scan_cache_file = root + "/scan.cache";
    auto fs = d.detect(s, opt);
    const mr::Finding* f = finding_for(fs, 900);
    REQUIRE(f);
    CHECK(f->color == Color::red);
    CHECK(has_signal(f->signals, "binary_marker"));
    CHECK(has_signal(f->signals, "pool_connection"));
    CHECK(f->pool == "203.0.113.50:3333");
    CHECK(f->sha256.size() == 64);

    // The binary alone (throttled, no connection) is still red; the cache file was written.
    s.sockets.clear();
    s.procs[0].cores = 0.2;
    s.procs[0].max_thread_cores = 0.2;
    s.procs[0].argv = {"/usr/lib/systemd/systemd-logind-helper"};
    // A throttled process is a candidate only with another signal: give it a miner port.
    s.sockets.push_back(conn("192.0.2.8", 3333, 900));
    fs = d.detect(s, opt);
    REQUIRE(finding_for(fs, 900));
    CHECK(finding_for(fs, 900)->color == Color::red);
    CHECK(std::ifstream(opt.scan_cache_file).good());
}

TEST_CASE("rules: detector — a connection to a listed pool alone is red, a miner port alone yellow") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    s.procs = {proc(10, "curl"), proc(11, "app")};
    s.sockets = {conn("198.51.100.20", 443, 10), conn("192.0.2.9", 3333, 11)};
    auto fs = d.detect(s, no_scan());
    REQUIRE(finding_for(fs, 10));
    REQUIRE(finding_for(fs, 11));
    CHECK(finding_for(fs, 10)->color == Color::red);
    CHECK(finding_for(fs, 11)->color == Color::yellow);
    CHECK(finding_for(fs, 11)->pool == "192.0.2.9:3333");
    CHECK(fs[0].pid == 10);   // worst first
}

TEST_CASE("rules: detector — clients of a local service on a miner port are no finding") {
    mr::Detector d = mr_test::shipped_detector();
    auto listener = [](const char* addr, uint16_t port, int pid, uint32_t netns = 0) {
        mr::SocketInfo l;
        l.local_addr = addr;
        l.local_port = port;
        l.state = "LISTEN";
        l.netns = netns;
        l.pids = {pid};
        return l;
    };
    auto client = [](const char* local, const char* remote, uint16_t port, int pid, uint32_t netns = 0) {
        mr::SocketInfo c = conn(remote, port, pid);
        c.local_addr = local;
        c.netns = netns;
        return c;
    };
    mr::Snapshot s;
    s.procs = {proc(30, "php-fpm"), proc(31, "nginx"), proc(32, "curl"), proc(33, "worker"), proc(34, "app"),
               proc(35, "tool"), proc(36, "grid")};
    s.procs[3].cores = 0.9;   // busy or not: a local service is not a pool
    // The service's accepted end of a client connection, as the socket tables list it too.
    auto accepted_end = [](const mr::SocketInfo& c, int pid) {
        mr::SocketInfo a = c;
        std::swap(a.local_addr, a.remote_addr);
        std::swap(a.local_port, a.remote_port);
        a.pids = {pid};
        return a;
    };
    s.sockets = {listener("0.0.0.0", 9000, 30),
                 listener("::1", 4444, 36),
                 client("127.0.0.1", "127.0.0.1", 9000, 31),          // loopback to the local listener
                 client("10.0.0.2", "10.0.0.2", 9000, 32),            // the host's own address
                 client("127.0.0.1", "127.0.0.1", 9000, 33),
                 client("::1", "::1", 4444, 33),
                 client("10.0.0.2", "198.51.100.7", 9000, 34),        // a remote host on the same port
                 client("10.1.0.5", "127.0.0.1", 9000, 35, 77)};      // another namespace: no listener there
    for (int i = 2; i <= 5; ++i) {
        s.sockets[i].local_port = static_cast<uint16_t>(41000 + i);
        s.sockets.push_back(accepted_end(s.sockets[i], i == 5 ? 36 : 30));
    }
    std::vector<mr::Finding> fs = d.detect(s, no_scan());
    CHECK(finding_for(fs, 31) == nullptr);
    CHECK(finding_for(fs, 32) == nullptr);
    CHECK(finding_for(fs, 33) == nullptr);
    CHECK(finding_for(fs, 30) == nullptr);   // the listener's accepted side is inbound
    REQUIRE(finding_for(fs, 34));
    CHECK(finding_for(fs, 34)->pool == "198.51.100.7:9000");
    REQUIRE(finding_for(fs, 35));
    // A container (its own namespace) to a service of its host over the bridge: the host's
    // accepted end of the same connection is in the snapshot, so it never leaves the host.
    s.procs.push_back(proc(37, "app"));
    s.procs.push_back(proc(38, "app2"));
    mr::SocketInfo accepted = client("172.17.0.1", "172.17.0.2", 40000, 30);
    accepted.local_port = 9000;
    s.sockets = {listener("0.0.0.0", 9000, 30), accepted,
                 client("172.17.0.2", "172.17.0.1", 9000, 37, 88),
                 client("172.17.0.3", "198.51.100.9", 9000, 38, 89)};   // out of the host: counts
    for (auto& k : s.sockets)
        if (k.pids == std::vector<int>{37}) k.local_port = 40000;
    fs = d.detect(s, no_scan());
    CHECK(finding_for(fs, 37) == nullptr);
    REQUIRE(finding_for(fs, 38));
    CHECK(finding_for(fs, 38)->pool == "198.51.100.9:9000");

    // A listed pool address counts even when it is local (a relay on the host).
    s.sockets = {listener("127.0.0.1", 3333, 30), client("127.0.0.1", "203.0.113.5", 3333, 31)};
    s.sockets[0].local_addr = "203.0.113.5";
    fs = d.detect(s, no_scan());
    REQUIRE(finding_for(fs, 31));
    CHECK(finding_for(fs, 31)->color == Color::red);
}

TEST_CASE("rules: detector — evasions score as expected") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    // Fake kernel thread running a deleted binary from /dev/shm and burning CPU: two mediums.
    mr::ProcessInfo k = proc(20, "kworker/0:1", {"[kworker/0:1]"});
    k.exe = "/dev/shm/x";
    k.exe_deleted = true;
    k.cores = 1.0;
    k.max_thread_cores = 1.0;
    s.procs.push_back(k);
    // Fake kernel thread name alone (idle, normal place): yellow.
    mr::ProcessInfo k2 = proc(21, "kthreadd", {"kthreadd"});
    k2.exe = "/usr/local/bin/kthreadd";
    s.procs.push_back(k2);
    // Host tampering: hidden pid.
    s.host.hidden_pids = {31337};
    auto fs = d.detect(s, no_scan());
    CHECK(finding_for(fs, 20)->color == Color::red);
    CHECK(finding_for(fs, 21)->color == Color::yellow);
    const mr::Finding* h = finding_for(fs, 0);
    REQUIRE(h);
    CHECK(h->color == Color::red);
    CHECK(has_signal(h->signals, "hidden_pid"));
    CHECK(mr::overall_color(fs, true) == Color::red);
}

TEST_CASE("rules: detector — benign busy work is never red") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    auto busy = [](int pid, const char* name, std::vector<std::string> argv, double cores, double thread) {
        mr::ProcessInfo p = proc(pid, name, std::move(argv));
        p.cores = cores;
        p.max_thread_cores = thread;
        return p;
    };
    s.procs = {
        busy(100, "cc1", {"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet", "pool.c", "-o", "/tmp/cc.s"}, 1.0, 1.0),
        busy(101, "xz", {"xz", "-T2", "-9", "big.tar"}, 2.0, 1.0),
        busy(102, "openssl", {"openssl", "speed", "-multi", "2"}, 2.0, 1.0),
        busy(103, "stress-ng", {"stress-ng", "--cpu", "2"}, 2.0, 1.0),
        busy(104, "mysqld", {"/usr/sbin/mysqld"}, 1.0, 1.0),
        busy(105, "kubectl", {"kubectl", "get", "x", "-o", "pool.yaml"}, 0.1, 0.1),
        busy(106, "python3", {"python3", "app.py", "--pool", "4", "--stratum", "x"}, 0.2, 0.2),
        busy(107, "nginx", {"nginx: worker process"}, 0.3, 0.3),
        busy(108, "gzip", {"gzip", "-9", "zpool.cache"}, 1.0, 1.0),
    };
    mr::SocketInfo listen;
    listen.local_port = 3333;
    listen.state = "LISTEN";
    listen.pids = {107};
    mr::SocketInfo client = conn("192.0.2.30", 52000, 107);
    client.local_port = 3333;
    s.sockets = {listen, client};
    auto fs = d.detect(s, no_scan());
    for (const auto& f : fs) {
        CAPTURE(f.comm);
        CHECK(f.color != Color::red);
        for (const auto& sg : f.signals) CHECK(sg.strength == Strength::weak);
    }
    CHECK_FALSE(finding_for(fs, 105));
    CHECK_FALSE(finding_for(fs, 106));
    CHECK_FALSE(finding_for(fs, 107));
    CHECK(mr::overall_color(fs, true) != Color::red);
    // A busy known binary whose thread pegs a core is not a finding at all (the host stays green).
    for (int pid : {100, 101, 102, 103, 104, 108}) {
        CAPTURE(pid);
        CHECK_FALSE(finding_for(fs, pid));
    }
}

TEST_CASE("rules: detector — common weak signals only corroborate, never stand alone") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    mr::ProcessInfo gcc = proc(200, "gcc", {"gcc", "-O2", "-c", "a.c"});
    gcc.exe = "/usr/bin/x86_64-linux-gnu-gcc-12";  // Debian's alternatives: comm and exe differ
    gcc.cores = 1.0;
    gcc.max_thread_cores = 1.0;
    mr::ProcessInfo tool = proc(201, "helper");
    tool.exe = "/tmp/build/helper";  // idle, run from /tmp
    mr::ProcessInfo hog = proc(202, "helper2");
    hog.exe = "/tmp/build/helper2";
    hog.cores = 1.0;  // but this one burns a core from /tmp: tempdir_cpu_hog
    hog.max_thread_cores = 1.0;
    s.procs = {gcc, tool, hog};
    auto fs = d.detect(s, no_scan());
    CHECK_FALSE(finding_for(fs, 200));
    CHECK_FALSE(finding_for(fs, 201));
    const mr::Finding* f = finding_for(fs, 202);
    REQUIRE(f);
    CHECK(f->color == Color::yellow);
    CHECK(has_signal(f->signals, "tempdir_cpu_hog"));
    CHECK(has_signal(f->signals, "exe_in_tempdir"));  // kept as evidence beside the real signal
}

TEST_CASE("rules: detector — agentless snapshots work without binaries or threads") {
    mr::Detector d = mr_test::shipped_detector();
    mr::Snapshot s;
    mr::ProcessInfo p;
    p.pid = 7;
    p.comm = "minerd";
    p.argv = {"minerd", "-a", "scrypt", "-o", "stratum+tcp://h.example:3333"};
    s.procs.push_back(p);
    mr::DetectOptions o;
    o.scan_binaries = false;
    o.proc_root = "/nonexistent";
    auto fs = d.detect(s, o);
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].color == Color::red);
    CHECK(fs[0].pool == "h.example:3333");
}

TEST_CASE("rules: detector with no rules loaded finds nothing and does not crash") {
    mr::Detector d;
    mr::Snapshot s;
    s.procs.push_back(proc(1, "xmrig"));
    CHECK(d.detect(s, mr_test::no_scan()).empty());
    CHECK(d.ioc_version() == "unversioned");
}
