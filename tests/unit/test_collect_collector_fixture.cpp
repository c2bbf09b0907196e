// collect() on fake /proc trees: identity, odd processes, sockets per namespace, CPU state.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "collect/collector.h"
#include "collect/environ_reader.h"
#include "collect/cpu_state.h"
#include "proc_fixture.h"

using namespace mr;
using mr_test::FakeProc;
using mr_test::FakeThread;
using mr_test::ProcFixture;
using namespace std::string_literals;

namespace {

CollectOptions fixture_options(const ProcFixture& fx) {
    CollectOptions o;
    o.proc_root = fx.root;
    o.sys_root = fx.path("sys");
    o.ld_so_preload = fx.path("etc/ld.so.preload");
    o.sample_seconds = 0;      // fixture counters do not move: no point sleeping
    o.sweep_hidden_pids = false;
    return o;
}

const ProcessInfo* find_proc(const Snapshot& s, int pid) {
    for (const ProcessInfo& p : s.procs)
        if (p.pid == pid) return &p;
    return nullptr;
}

FakeProc init_proc() {
    FakeProc p;
    p.pid = 1;
    p.ppid = 0;
    p.comm = "systemd";
    p.argv = {"/sbin/init"};
    p.exe = "/usr/lib/systemd/systemd";
    return p;
}

}  // namespace

TEST_CASE("collector: fixture identity of ordinary, deleted and memfd executables") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc del;
    del.pid = 200;
    del.comm = "kworkerds";
    del.uid = 0;
    del.argv = {"/tmp/.X11/kworkerds", "--donate-level=1"};
    del.exe = "/tmp/.X11/kworkerds (deleted)";
    del.nice = 19;
    const std::string cid = "3f1c5d2a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
    del.cgroup = "0::/system.slice/docker-" + cid + ".scope\n";
    fx.add(del);
    FakeProc mem;
    mem.pid = 201;
    mem.comm = "3";
    mem.exe = "/memfd:  (deleted)";
    mem.argv = {"[kworker/0:1]"};
    fx.add(mem);

    Snapshot s = collect(fixture_options(fx));
    CHECK(s.procs.size() == 3);
    const ProcessInfo* d = find_proc(s, 200);
    REQUIRE(d != nullptr);
    CHECK(d->exe == "/tmp/.X11/kworkerds");
    CHECK(d->exe_deleted);
    CHECK_FALSE(d->exe_memfd);
    CHECK(d->exe_readable);
    CHECK(d->argv == std::vector<std::string>{"/tmp/.X11/kworkerds", "--donate-level=1"});
    CHECK(d->nice == 19);
    CHECK(d->ppid == 1);
    CHECK(d->user == "root");
    CHECK(d->container_id == cid);
    CHECK(d->cgroup == "/system.slice/docker-" + cid + ".scope");
    CHECK(d->netns == 4026531992ull);
    CHECK(d->pidns == 4026531836ull);
    CHECK(d->mntns == 4026531841ull);
    CHECK_FALSE(d->kernel_thread);
    const ProcessInfo* m = find_proc(s, 201);
    REQUIRE(m != nullptr);
    CHECK(m->exe_memfd);
    CHECK(m->exe_deleted);
    CHECK(m->exe == "/memfd: ");  // the name was " ": one space before " (deleted)"
    CHECK(s.host.cores == 2);
    CHECK(s.host.cpu_total_ticks == 9600);
}

TEST_CASE("collector: fixture environments of candidates keep only what the rules read") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc del;   // deleted binary: a candidate even when idle
    del.pid = 200;
    del.comm = "worker";
    del.argv = {"/opt/app/worker"};
    del.exe = "/opt/app/worker (deleted)";
    fx.add(del);
    fx.write("200/environ", "HOME=/root\0PATH=/usr/bin\0POOL_URL=stratum+tcp://p.example:3333\0"
                            "LD_PRELOAD=/dev/shm/.x.so\0DOCS=see https://example.org\0EMPTY=\0"s);
    FakeProc plain;   // idle, ordinary binary: its environment is not read at all
    plain.pid = 300;
    plain.comm = "sshd";
    plain.argv = {"sshd"};
    plain.exe = "/usr/sbin/sshd";
    fx.add(plain);
    fx.write("300/environ", "LD_PRELOAD=/tmp/y.so\0"s);

    Snapshot s = collect(fixture_options(fx));
    std::vector<std::string> seen_keep;
    read_candidate_environments(s, fx.root, [&](std::string_view e) {
        seen_keep.emplace_back(e);
        return e.rfind("HOME=", 0) != 0 && e.rfind("PATH=", 0) != 0;
    });
    const ProcessInfo* d = find_proc(s, 200);
    REQUIRE(d != nullptr);
    CHECK(d->env == std::vector<std::string>{"POOL_URL=stratum+tcp://p.example:3333",
                                             "LD_PRELOAD=/dev/shm/.x.so", "DOCS=see https://example.org",
                                             "EMPTY="});
    CHECK(seen_keep.size() == 6);   // every entry of the candidate was offered, in order
    CHECK(find_proc(s, 300)->env.empty());
}

TEST_CASE("collector: fixture zombie and kernel threads") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc kthreadd;
    kthreadd.pid = 2;
    kthreadd.ppid = 0;
    kthreadd.comm = "kthreadd";
    kthreadd.cgroup = "0::/\n";
    fx.add(kthreadd);
    FakeProc kw;
    kw.pid = 14;
    kw.ppid = 2;
    kw.comm = "ksoftirqd/0";
    fx.add(kw);
    FakeProc fake_kw;  // named like a kernel thread but a child of a shell, with an exe
    fake_kw.pid = 15;
    fake_kw.ppid = 1;
    fake_kw.comm = "kworker/0:0";
    fake_kw.exe = "/usr/bin/kworker";
    fx.add(fake_kw);
    FakeProc zombie;
    zombie.pid = 300;
    zombie.comm = "defunct";
    zombie.state = 'Z';
    fx.add(zombie);

    Snapshot s = collect(fixture_options(fx));
    REQUIRE(s.procs.size() == 5);
    CHECK(find_proc(s, 2)->kernel_thread);
    CHECK(find_proc(s, 14)->kernel_thread);
    CHECK_FALSE(find_proc(s, 14)->exe_readable);
    CHECK_FALSE(find_proc(s, 15)->kernel_thread);
    const ProcessInfo* z = find_proc(s, 300);
    CHECK(z->state == 'Z');
    CHECK_FALSE(z->exe_readable);
    CHECK_FALSE(z->kernel_thread);
    CHECK(z->argv.empty());
    CHECK(s.visibility.unreadable_exe == 0);  // no exe is not "no permission"
}

TEST_CASE("collector: fixture odd names survive byte for byte") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc odd;
    odd.pid = 400;
    odd.comm = "a) (b c\nd\xff\xfe";
    odd.argv = {"./x y", "--url=stratum+tcp://p\xc3\x28:3333", "line\nbreak", ")"};
    odd.exe = "/tmp/dir with space/\xff\xfe (deleted)";
    fx.add(odd);
    Snapshot s = collect(fixture_options(fx));
    const ProcessInfo* p = find_proc(s, 400);
    REQUIRE(p != nullptr);
    CHECK(p->comm == odd.comm);
    CHECK(p->argv == odd.argv);
    CHECK(p->exe == "/tmp/dir with space/\xff\xfe");
    CHECK(p->exe_deleted);
    CHECK(p->ppid == 1);
}

TEST_CASE("collector: fixture process in another network namespace, IPv4 and IPv6 sockets") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc web;
    web.pid = 100;
    web.comm = "nginx";
    web.exe = "/usr/sbin/nginx";
    web.socket_inodes = {1001};
    fx.add(web);
    FakeProc miner;
    miner.pid = 500;
    miner.comm = "worker";
    miner.exe = "/opt/app/worker";
    miner.netns = 4026532500;
    miner.socket_inodes = {2001, 2002};
    fx.add(miner);
    FakeProc sibling;  // same namespace, shares the IPv6 socket after fork
    sibling.pid = 501;
    sibling.netns = 4026532500;
    sibling.exe = "/opt/app/worker";
    sibling.socket_inodes = {2002};
    fx.add(sibling);
    // the host namespace, read through pid 1
    fx.net("1", "tcp", {ProcFixture::net_line(0, "00000000:0050", "00000000:0000", 0x0A, 0, 1001)});
    fx.net("1", "tcp6", {});
    fx.net("1", "udp", {});
    fx.net("1", "udp6", {});
    // the container's namespace, read through pid 500 (or 501)
    fx.net("500", "tcp", {ProcFixture::net_line(0, "0200000A:C350", "0500000A:0D05", 0x01, 1000, 2001),
                          ProcFixture::net_line(1, "0200000A:C351", "0500000A:0D05", 0x06, 0, 0)});
    fx.net("500", "tcp6", {ProcFixture::net_line(0, "00000000000000000000000001000000:9C40",
                                                 "B80D0120000000000000000001000000:0E1D", 0x01, 1000, 2002)});
    fx.net("500", "udp", {});
    fx.net("500", "udp6", {});
    // the root's own net/ must not be read when namespaces are known
    fx.net("", "tcp", {ProcFixture::net_line(0, "0100007F:0001", "0100007F:0002", 0x01, 0, 9999)});

    Snapshot s = collect(fixture_options(fx));
    CHECK(s.netns_count == 2);
    REQUIRE(s.sockets.size() == 4);
    auto sock = [&](uint64_t inode) -> const SocketInfo* {
        for (const SocketInfo& k : s.sockets)
            if (k.inode == inode) return &k;
        return nullptr;
    };
    const SocketInfo* v4 = sock(2001);
    REQUIRE(v4 != nullptr);
    CHECK(v4->netns == 4026532500ull);
    CHECK(v4->remote_addr == "10.0.0.5");
    CHECK(v4->remote_port == 3333);
    CHECK(v4->local_addr == "10.0.0.2");
    CHECK(v4->state == "ESTABLISHED");
    CHECK(v4->pids == std::vector<int>{500});
    const SocketInfo* v6 = sock(2002);
    REQUIRE(v6 != nullptr);
    CHECK(v6->proto == SocketProto::tcp6);
    CHECK(v6->remote_addr == "2001:db8::1");
    CHECK(v6->remote_port == 3613);
    CHECK(v6->local_addr == "::1");
    CHECK(v6->pids == std::vector<int>{500, 501});
    const SocketInfo* listen = sock(1001);
    REQUIRE(listen != nullptr);
    CHECK(listen->netns == 4026531992ull);
    CHECK(listen->pids == std::vector<int>{100});
    CHECK(listen->state == "LISTEN");
    const SocketInfo* tw = sock(0);
    REQUIRE(tw != nullptr);
    CHECK(tw->state == "TIME_WAIT");
    CHECK(tw->pids.empty());
    CHECK(sock(9999) == nullptr);
    CHECK(find_proc(s, 500)->socket_inodes == std::vector<mr::SocketInode>{2001, 2002});
    CHECK(find_proc(s, 500)->fds_readable);
}

TEST_CASE("collector: fixture namespace tables come from a live member when one has exited") {
    ProcFixture fx;
    FakeProc a;
    a.pid = 600;
    a.netns = 4026532600;
    a.socket_inodes = {77};
    fx.add(a);
    FakeProc b = a;
    b.pid = 601;
    fx.add(b);
    // 600 has no net/ directory (it exited between the listing and the read); 601 does.
    fx.net("601", "tcp", {ProcFixture::net_line(0, "0100007F:1F90", "0100007F:D000", 0x01, 0, 77)});
    Snapshot s = collect(fixture_options(fx));
    REQUIRE(s.sockets.size() == 1);
    CHECK(s.sockets[0].pids == std::vector<int>{600, 601});
}

TEST_CASE("collector: fixture process that vanishes mid-scan") {
    ProcFixture fx;
    fx.add(init_proc());
    fx.write("700/cmdline", "ghost");           // directory left, stat gone: skipped
    FakeProc half;
    half.pid = 701;
    half.exe = "/bin/half";
    fx.add(half);
    std::filesystem::remove(fx.path("701/status"));   // these went away after its stat was read
    std::filesystem::remove(fx.path("701/cmdline"));
    std::filesystem::remove_all(fx.path("701/fd"));
    std::filesystem::remove_all(fx.path("701/ns"));
    std::filesystem::remove(fx.path("701/exe"));
    fx.write("not-a-pid/stat", "garbage");
    Snapshot s = collect(fixture_options(fx));
    CHECK(find_proc(s, 700) == nullptr);
    const ProcessInfo* h = find_proc(s, 701);
    REQUIRE(h != nullptr);
    CHECK(h->argv.empty());
    CHECK(h->netns == 0);
    CHECK_FALSE(h->fds_readable);
    CHECK(s.procs.size() == 2);
}

TEST_CASE("collector: fixture CPU over the cycle from the state file, threads included") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc burner;
    burner.pid = 800;
    burner.comm = "busy";
    burner.exe = "/usr/bin/busy";
    burner.utime = 1000;
    burner.start_ticks = 5000;  // 50 s after boot, uptime is 1000 s
    burner.threads = {{800, "busy", 100, 0, 5000}, {801, "w1", 500, 0, 5001}, {802, "w2", 400, 0, 5001}};
    fx.add(burner);
    FakeProc idle;
    idle.pid = 801 + 100;
    idle.exe = "/usr/bin/idle";
    idle.utime = 50;
    fx.add(idle);

    const std::string state = fx.path("state");
    CollectOptions o = fixture_options(fx);
    o.state_file = state;
    Snapshot first = collect(o);
    CHECK(first.first_sample);
    CHECK(find_proc(first, 800)->cores == 0);

    // Ten seconds later: the main thread used 100 ticks, w1 1000 (a full core), w2 nothing.
    fx.write("uptime", "1010.00 1900.00\n");
    burner.utime = 2100;
    burner.threads = {{800, "busy", 200, 0, 5000}, {801, "w1", 1500, 0, 5001}, {802, "w2", 400, 0, 5001}};
    fx.add(burner);
    Snapshot s = collect(o);
    CHECK_FALSE(s.first_sample);
    CHECK(s.interval_seconds == doctest::Approx(10.0));
    const ProcessInfo* b = find_proc(s, 800);
    REQUIRE(b != nullptr);
    CHECK(b->cores == doctest::Approx(1.1));
    CHECK(b->max_thread_cores == doctest::Approx(1.0));
    REQUIRE(b->threads.size() == 3);
    CHECK(find_proc(s, 901)->cores == 0);
    CHECK(find_proc(s, 901)->threads.empty());   // idle: its threads are not read
    CHECK(s.thread_count >= 5);
}

TEST_CASE("collector: fixture pid reuse in the state file gives no delta from the old process") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc old;
    old.pid = 900;
    old.exe = "/usr/bin/old";
    old.utime = 100000;
    old.start_ticks = 2000;
    fx.add(old);
    CollectOptions o = fixture_options(fx);
    o.state_file = fx.path("state");
    collect(o);
    // pid 900 is now another process, started at 995 s, that used 200 ticks in 5 s.
    fx.write("uptime", "1000.00 1900.00\n");
    CpuState st;
    REQUIRE(load_cpu_state(o.state_file, st));
    st.uptime = 900;  // the baseline was taken at 900 s
    REQUIRE(save_cpu_state(o.state_file, st));
    FakeProc fresh;
    fresh.pid = 900;
    fresh.exe = "/usr/bin/new";
    fresh.utime = 200;
    fresh.start_ticks = 99500;
    fx.add(fresh);
    Snapshot s = collect(o);
    const ProcessInfo* p = find_proc(s, 900);
    REQUIRE(p != nullptr);
    // not (200 - 100000): its own 200 ticks over its 5 s of life
    CHECK(p->cores == doctest::Approx(0.4));
}

TEST_CASE("collector: fixture corrupt or foreign state file means no state") {
    ProcFixture fx;
    fx.add(init_proc());
    CollectOptions o = fixture_options(fx);
    o.state_file = fx.path("state");
    for (std::string junk : {"\x7f" "ELF\x02\x01garbage"s, "miningrisk-cpu-state 1\nboot -\nuptime x\n"s, ""s}) {
        fx.write("state", junk);
        Snapshot s = collect(o);
        CHECK(s.first_sample);
        CHECK(s.procs.size() == 1);
        CpuState st;
        CHECK(load_cpu_state(o.state_file, st));  // replaced by a good one
    }
    // A state from another boot is no baseline either.
    CpuState other;
    other.boot_id = "another-boot";
    other.uptime = 10;
    REQUIRE(save_cpu_state(o.state_file, other));
    CHECK(collect(o).first_sample);
}

TEST_CASE("collector: fixture host facts") {
    ProcFixture fx;
    fx.add(init_proc());
    fx.write("etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n");
    fx.write("sys/vm/nr_hugepages", "1280\n");
    fx.write("sys/module/msr/parameters/allow_writes", "on\n");
    Snapshot s = collect(fixture_options(fx));
    CHECK(s.host.ld_so_preload_present);
    CHECK(s.host.ld_so_preload == "/usr/local/lib/libprocesshider.so\n");
    CHECK(s.host.hugepages_total == 1280);
    CHECK(s.host.msr_loaded);
    CHECK(s.host.msr_allow_writes);
    CHECK(s.host.cpu_busy_ticks == 1500);
}

TEST_CASE("collector: fixture with 10,000 processes") {
    ProcFixture fx;
    fx.add(init_proc());
    FakeProc p;
    p.exe = "/usr/bin/sleep";
    p.argv = {"sleep", "infinity"};
    p.other_fds = 1;
    std::vector<std::string> lines;
    for (int i = 0; i < 10000; ++i) {
        p.pid = 1000 + i;
        p.socket_inodes = {static_cast<uint64_t>(50000 + i)};
        fx.add(p);
        char local[32];
        snprintf(local, sizeof local, "0100007F:%04X", 20000 + i % 40000);
        lines.push_back(ProcFixture::net_line(i, local, "0100007F:0D05", 0x01, 0, 50000 + i));
    }
    fx.net("1", "tcp", lines);
    CollectOptions o = fixture_options(fx);
    o.state_file = fx.path("state");
    Snapshot s = collect(o);
    CHECK(s.procs.size() == 10001);
    REQUIRE(s.sockets.size() == 10000);
    size_t mapped = 0;
    for (const SocketInfo& k : s.sockets)
        if (k.pids.size() == 1 && k.pids[0] == static_cast<int>(k.inode) - 50000 + 1000) ++mapped;
    CHECK(mapped == 10000);
    CHECK(collect(o).procs.size() == 10001);   // and again with the state it wrote
}
