#include <doctest/doctest.h>

#include "rules/identity_rules.h"
#include "util/path_util.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::proc;
using mr_test::signal_of;

namespace {
std::vector<mr::Signal> identity(const mr::ProcessInfo& p) { return mr_test::rule_signals(mr::check_identity, p); }
}  // namespace

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
