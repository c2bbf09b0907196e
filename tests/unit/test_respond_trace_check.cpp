// Verified recovery on fixture trees: the snapshot writes what to check (recovery.txt), and the
// root helper's check finds each trace gone, present, or not checkable: the exe's sha256 in a
// running process (deleted from disk too) or back at its path, a persistence line left.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "temp_dir.h"
#include "proc_fixture.h"
#include "respond/evidence_snapshot.h"
#include "respond/trace_check.h"
#include "rules_test_util.h"
#include "util/sha256.h"

using namespace mr;
using mr_test::slurp;
using mr_test::FakeProc;
using mr_test::ProcFixture;

namespace {

const std::string kMiner = std::string("\x7f" "ELF", 4) + std::string(2000, 'm') + "stratum+tcp://";
const std::string kCronLine = "*/10 * * * * www-data /opt/.cache/kworkerds -B";

// An evidence directory with one snapshot of web01 (2026-12-03 06:10:13 UTC), a host root and a
// /proc, everything clean to start with.
struct Fixture {
    ProcFixture proc, host, store;
    std::string evidence;
    Fixture() {
        evidence = store.path("evidence");
        TraceBaseline b;
        b.sha256 = sha256_hex(kMiner);
        b.size = kMiner.size();
        b.exe_path = "/opt/.cache/kworkerds";
        b.persistence = {{"/etc/cron.d/sysupdate", kCronLine}};
        store.write("evidence/web01-20261203T061013Z-4316/recovery.txt", format_trace_baseline(b));
        host.write("etc/cron.d/harmless", "0 3 * * * root /usr/bin/apt-get update\n");
        host.write("usr/bin/bash", "#!bash, not the miner");
        FakeProc sh;
        sh.pid = 500;
        sh.comm = "bash";
        sh.exe = host.path("usr/bin/bash");
        proc.add(sh);
    }
    TraceCheckRequest request() const {
        TraceCheckRequest r;
        r.proc_root = proc.root;
        r.root = host.root;
        r.evidence_dir = evidence;
        r.host = "web01";
        r.since = 1796278213;
        return r;
    }
    const RecoveryItem& item(const std::vector<RecoveryItem>& v, const std::string& kind) const {
        for (const auto& i : v)
            if (i.kind == kind) return i;
        FAIL("no item " << kind);
        return v.front();
    }
};

}  // namespace

TEST_CASE("trace check: after the clean-up every trace is gone") {
    Fixture fx;
    std::vector<RecoveryItem> items = check_traces(fx.request());
    REQUIRE(items.size() == 3);
    for (const auto& i : items) CHECK_MESSAGE(i.presence == TracePresence::gone, i.kind << " " << i.what);
    CHECK(fx.item(items, "running").what == sha256_hex(kMiner));
    CHECK(fx.item(items, "file").what == "/opt/.cache/kworkerds");
    CHECK(fx.item(items, "persistence").what == "/etc/cron.d/sysupdate: " + kCronLine);
    for (const auto& i : items) CHECK(i.of == sha256_hex(kMiner));  // whose trace each is
}

TEST_CASE("trace check: the sha256 in a running process, also under another name and path") {
    Fixture fx;
    fx.host.write("var/tmp/.hidden/netlogd", kMiner);  // the same bytes, moved and renamed
    FakeProc m;
    m.pid = 777;
    m.comm = "netlogd";
    m.exe = fx.host.path("var/tmp/.hidden/netlogd");
    fx.proc.add(m);
    fx.proc.write("777/comm", "netlogd\n");
    std::vector<RecoveryItem> items = check_traces(fx.request());
    const RecoveryItem& r = fx.item(items, "running");
    CHECK(r.presence == TracePresence::present);
    CHECK(r.detail == "pid 777 (netlogd)");
}

TEST_CASE("trace check: the exe back at its recorded path; another file there is no copy") {
    Fixture fx;
    fx.host.write("opt/.cache/kworkerds", kMiner);
    CHECK(fx.item(check_traces(fx.request()), "file").presence == TracePresence::present);
    fx.host.write("opt/.cache/kworkerds", kMiner + "x");  // other bytes at the path
    CHECK(fx.item(check_traces(fx.request()), "file").presence == TracePresence::gone);
    REQUIRE(::unlink(fx.host.path("opt/.cache/kworkerds").c_str()) == 0);
    fx.host.write("elsewhere", kMiner);
    fx.host.link("opt/.cache/kworkerds", fx.host.path("elsewhere"));  // a symlink is never followed
    CHECK(fx.item(check_traces(fx.request()), "file").presence == TracePresence::gone);
}

TEST_CASE("trace check: a persistence line left, another line in the same file is fine") {
    Fixture fx;
    fx.host.write("etc/cron.d/sysupdate", "# keep\n  " + kCronLine + "  \n");
    CHECK(fx.item(check_traces(fx.request()), "persistence").presence == TracePresence::present);
    fx.host.write("etc/cron.d/sysupdate", "0 4 * * * root /usr/bin/true\n");
    CHECK(fx.item(check_traces(fx.request()), "persistence").presence == TracePresence::gone);
}

TEST_CASE("trace check: an unreadable file is 'unknown' with why, never 'gone'") {
    if (geteuid() == 0) {
        // root reads any file; an unreadable one is a directory in its place
        Fixture fx;
        fx.host.write("etc/cron.d/sysupdate/x", "");
        std::vector<RecoveryItem> items = check_traces(fx.request());
        const RecoveryItem& p = fx.item(items, "persistence");
        CHECK(p.presence == TracePresence::unknown);
        CHECK_FALSE(p.detail.empty());
        return;
    }
    Fixture fx;
    fx.host.write("etc/cron.d/sysupdate", kCronLine + "\n");
    ::chmod(fx.host.path("etc/cron.d/sysupdate").c_str(), 0);
    CHECK(fx.item(check_traces(fx.request()), "persistence").presence == TracePresence::unknown);
}

TEST_CASE("trace check: other hosts' and older snapshots are not this incident's; one without recovery.txt cannot be verified") {
    Fixture fx;
    TraceCheckRequest r = fx.request();
    r.since = 1796278214;  // after the snapshot
    CHECK(check_traces(r).empty());
    r = fx.request();
    r.host = "web0";       // a prefix of the name is another host
    CHECK(check_traces(r).empty());
    fx.store.write("evidence/web01-20261203T070000Z-99/manifest.json", "{}");
    std::vector<RecoveryItem> items = check_traces(fx.request());
    const RecoveryItem& s = fx.item(items, "snapshot");
    CHECK(s.what == "web01-20261203T070000Z-99");
    CHECK(s.presence == TracePresence::unknown);
}

TEST_CASE("trace check: a hostile recovery.txt is read safely") {
    CHECK(parse_trace_baseline("kind=exe sha256=../../etc size=-1 path=x\nkind=persistence file=relative line=a\n"
                               "garbage\n\xff\xfe\nkind=persistence file=/etc/x line=\n")
              .persistence.empty());
    TraceBaseline b = parse_trace_baseline("kind=exe sha256=../../etc size=12 path=/x\n");
    CHECK(b.sha256.empty());
    std::string text;
    for (int i = 0; i < 500; ++i) text += "kind=persistence file=/etc/x line=l" + std::to_string(i) + "\n";
    CHECK(parse_trace_baseline(text).persistence.size() == 50);
}

TEST_CASE("trace check: the snapshot writes recovery.txt (in SHA256SUMS) with the exe and the cron line naming it") {
    ProcFixture proc, host, store;
    host.write("opt/.cache/kworkerds", kMiner);
    std::string exe = host.path("opt/.cache/kworkerds");
    FakeProc m;
    m.pid = 4316;
    m.comm = "kworkerds";
    m.start_ticks = 777;
    m.argv = {"kworkerds"};
    m.exe = exe;
    proc.add(m);
    host.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    host.write("etc/cron.d/sysupdate", "SHELL=/bin/sh\n*/10 * * * * root " + exe + " -B\n");
    host.write("etc/cron.d/harmless", "0 3 * * * root /usr/bin/apt-get update\n");
    host.write("etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n");
    SnapshotRequest req;
    req.proc_root = proc.root;
    req.root = host.root;
    req.evidence_dir = store.path("evidence");
    req.host = "web01";
    req.pid = 4316;
    req.start_ticks = 777;
    req.rules = &mr_test::shipped_rules();
    req.now = 1796278213;
    SnapshotRecord rec = take_evidence_snapshot(req);
    REQUIRE(rec.status == "ok");
    std::string dir = store.path("evidence/" + rec.id);
    TraceBaseline b = parse_trace_baseline(slurp(dir + "/recovery.txt"));
    CHECK(b.sha256 == sha256_hex(kMiner));
    CHECK(b.size == kMiner.size());
    CHECK(b.exe_path == exe);
    INFO(slurp(dir + "/recovery.txt"));
    bool cron = false, preload = false, harmless = false;
    for (const auto& l : b.persistence) {
        cron |= l.file == "/etc/cron.d/sysupdate" && l.text == "*/10 * * * * root " + exe + " -B";
        preload |= l.file == "/etc/ld.so.preload" && l.text == "/usr/local/lib/libprocesshider.so";
        harmless |= l.file == "/etc/cron.d/harmless";
    }
    CHECK(cron);
    CHECK(preload);
    CHECK_FALSE(harmless);
    CHECK(slurp(dir + "/SHA256SUMS").find("  recovery.txt\n") != std::string::npos);
}
