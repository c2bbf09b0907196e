// The evidence snapshot on fixture trees: a fake /proc (suspect, parent, init; exe, mem, net)
// and a fake host root (passwd, cron, a symlink, /tmp). Checks what an incident responder would:
// every file is in SHA256SUMS with its real digest, the exe comes back from its byte swap, the
// memory hits name region and offset, cron persistence is found, symlinks are not followed, the
// manifests chain, and the bounds hold.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"
#include "respond/read_prefix.h"
#include "proc_fixture.h"
#include "respond/byte_swap.h"
#include "respond/evidence_snapshot.h"
#include "rules_test_util.h"
#include "collect/proc_reader.h"
#include "util/sha256.h"

using namespace mr;
using mr_test::slurp;
using mr_test::FakeProc;
using mr_test::ProcFixture;

namespace {

struct Fixture {
    ProcFixture proc;   // the fake /proc
    ProcFixture host;   // the fake host root (its own temp dir)
    ProcFixture store;  // evidence directory's parent
    std::string exe_bytes;
    std::string exe_path;

    Fixture() {
        exe_bytes = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(3000, 'x') + "stratum+tcp://%s:%d usage";
        exe_bytes += static_cast<char>(0x42);  // odd length: the last byte stays
        host.write("opt/.cache/kworkerds", exe_bytes);
        exe_path = host.path("opt/.cache/kworkerds");
        FakeProc init;
        init.pid = 1;
        init.ppid = 0;
        init.comm = "systemd";
        init.exe = "/usr/lib/systemd/systemd";
        proc.add(init);
        FakeProc sh;
        sh.pid = 500;
        sh.ppid = 1;
        sh.comm = "bash";
        sh.exe = "/usr/bin/bash";
        proc.add(sh);
        FakeProc m;
        m.pid = 4316;
        m.ppid = 500;
        m.comm = "kworkerds";
        m.uid = 33;
        m.start_ticks = 777;
        m.argv = {"kworkerds"};
        m.exe = exe_path;
        m.socket_inodes = {91234};
        m.threads = {{4316, "kworkerds", 10, 1, 777}, {4317, "kworkerds", 500, 2, 778}};
        proc.add(m);
        proc.write("4316/environ", std::string("PATH=/usr/bin\0HOME=/var/www\0", 28));
        proc.write("4316/maps", "00001000-00003000 rw-p 00000000 00:00 0 [heap]\n"
                                "00004000-00005000 r--p 00000000 00:00 0 [vvar]\n");
        std::string mem(0x3000, '\0');
        mem.replace(0x1800, 27, "stratum+tcp://10.9.8.7:3333");
        proc.write("4316/mem", mem);
        proc.net("4316", "tcp",
                 {ProcFixture::net_line(0, "0100007F:9C8A", "0708090A:0D05", 1, 33, 91234),
                  ProcFixture::net_line(1, "0100007F:0016", "00000000:0000", 10, 0, 555)});
        proc.write("sys/kernel/random/boot_id", "0f0f0f0f-boot\n");
        proc.write("loadavg", "1.00 0.50 0.20 2/300 4316\n");
        host.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n");
        host.write("etc/cron.d/sysupdate", "*/10 * * * * www-data " + exe_path + " -B\n");
        host.write("etc/cron.d/harmless", "0 3 * * * root /usr/bin/apt-get update\n");
        host.link("etc/cron.d/shadowlink", "/etc/shadow");
        host.write("var/www/.ssh/authorized_keys", "ssh-ed25519 AAAA attacker@example\n");
        host.write("tmp/.x/payload.sh", "echo hi\n");
    }

    SnapshotRequest request() const {
        SnapshotRequest r;
        r.proc_root = proc.root;
        r.root = host.root;
        r.evidence_dir = store.path("evidence");
        r.host = "web01.example.com";
        r.pid = 4316;
        r.start_ticks = 777;
        r.trigger = "first red";
        r.rules = &mr_test::shipped_rules();
        r.now = 1796278213;
        return r;
    }
};

}  // namespace

TEST_CASE("respond snapshot: a fixture process is saved whole and SHA256SUMS holds every file's digest") {
    Fixture fx;
    SnapshotRecord rec = take_evidence_snapshot(fx.request());
    REQUIRE(rec.status == "ok");
    CHECK(rec.id == "web01.example.com-20261203T061013Z-4316");
    const std::string dir = fx.store.path("evidence/" + rec.id);
    struct stat st {};
    REQUIRE(stat(dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(stat(fx.store.path("evidence").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    // every stored file is listed with its real digest, and SHA256SUMS covers all of them
    std::string sums = slurp(dir + "/SHA256SUMS");
    size_t listed = 0;
    std::istringstream in(sums);
    for (std::string line; std::getline(in, line);) {
        REQUIRE(line.size() > 66);
        std::string want = line.substr(0, 64), rel = line.substr(66);
        CHECK_MESSAGE(sha256_hex(slurp(dir + "/" + rel)) == want, rel);
        ++listed;
    }
    size_t on_disk = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename() != "SHA256SUMS") ++on_disk;
    CHECK(listed == on_disk);
    CHECK(rec.files == static_cast<int>(on_disk) + 1);
    CHECK(sums.find("  manifest.json\n") != std::string::npos);
    CHECK(sums.find("  proc/4316/maps\n") != std::string::npos);
    CHECK(sums.find("  proc/4316/task/4317/stat\n") != std::string::npos);
    CHECK(sums.find("  proc/500/cmdline\n") != std::string::npos);  // the ancestors too
    CHECK(sums.find("  proc/1/stat\n") != std::string::npos);

    // the executable: byte-swapped on disk, its original sha256 in the record and the manifest
    std::string swab = slurp(dir + "/exe/exe.swab");
    CHECK(swab != fx.exe_bytes);
    CHECK(swab.find("stratum+tcp://") == std::string::npos);
    swap_byte_pairs(swab.data(), swab.size());
    CHECK(swab == fx.exe_bytes);
    CHECK(rec.sha256 == sha256_hex(fx.exe_bytes));
    std::string manifest = slurp(dir + "/manifest.json");
    CHECK(rec.manifest_sha256 == sha256_hex(manifest));
    CHECK(manifest.find("\"sha256\": \"" + rec.sha256 + "\"") != std::string::npos);
    CHECK(manifest.find("\"boot_id\": \"0f0f0f0f-boot\"") != std::string::npos);
    CHECK(manifest.find("\"previous_manifest_sha256\": \"\"") != std::string::npos);

    // memory: only the hit, with region and offset; never [vvar], never raw bytes
    std::string hits = slurp(dir + "/memory/ioc-hits.txt");
    CHECK(hits == "stratum_url stratum+tcp://10.9.8.7:3333 1000-3000 rw-p [heap] +0x800 (1 times)\n");
    CHECK(rec.ioc_hits == 1);
    CHECK(rec.hits.find("stratum+tcp://10.9.8.7:3333 @1000-3000 rw-p [heap]+0x800") != std::string::npos);

    // its sockets mapped to its fds; the tree; persistence naming the exe; keys; listings
    std::string mapped = slurp(dir + "/net/sockets-of-pid.txt");
    CHECK(mapped.find(" 91234 ") != std::string::npos);
    CHECK(mapped.find(" 555 ") == std::string::npos);
    CHECK(slurp(dir + "/proc/4316/fds.txt").find("socket:[91234]") != std::string::npos);
    CHECK(rec.tree == "1 systemd > 500 bash > 4316 kworkerds");
    CHECK(rec.persistence.find("/etc/cron.d/sysupdate: 1: */10 * * * * www-data " + fx.exe_path) != std::string::npos);
    CHECK(rec.persistence.find("harmless") == std::string::npos);
    CHECK(slurp(dir + "/host/files/var/www/.ssh/authorized_keys").find("attacker@example") != std::string::npos);
    CHECK(slurp(dir + "/host/symlinks.txt").find("/etc/cron.d/shadowlink -> /etc/shadow") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/host/files/etc/cron.d/shadowlink"));
    CHECK(slurp(dir + "/host/listings/tmp.txt").find("/tmp/.x/payload.sh") != std::string::npos);
}

TEST_CASE("respond snapshot: the manifests chain, and a changed process is refused") {
    Fixture fx;
    SnapshotRequest req = fx.request();
    SnapshotRecord first = take_evidence_snapshot(req);
    REQUIRE(first.status == "ok");
    req.now += 60;
    SnapshotRecord second = take_evidence_snapshot(req);
    REQUIRE(second.status == "ok");
    CHECK(second.prev_manifest == first.manifest_sha256);
    CHECK(slurp(fx.store.path("evidence/" + second.id + "/manifest.json"))
              .find("\"previous_manifest_sha256\": \"" + first.manifest_sha256 + "\"") != std::string::npos);
    std::string head;
    REQUIRE(read_prefix_into(fx.store.path("evidence/.last-manifest"), head, 100));
    CHECK(head == second.manifest_sha256 + "\n");
    // same second: a second directory, not an overwrite
    SnapshotRecord third = take_evidence_snapshot(req);
    CHECK(third.id == second.id + "-2");

    req.start_ticks = 778;  // the pid now belongs to another process
    SnapshotRecord other = take_evidence_snapshot(req);
    CHECK(other.status.rfind("refused: pid 4316 is another process now", 0) == 0);
    req.start_ticks = 777;
    req.pid = 1;
    CHECK(take_evidence_snapshot(req).status.rfind("refused", 0) == 0);
    req.pid = 999;
    CHECK(take_evidence_snapshot(req).status == "process gone");
}

TEST_CASE("respond snapshot: bounds cut text, skip what overruns, and the sums stay whole") {
    Fixture fx;
    fx.proc.write("4316/environ", std::string(3000, 'E'));
    SnapshotRequest req = fx.request();
    req.limits.text_bytes = 1000;
    req.limits.total_bytes = 2500;  // not even the exe fits
    SnapshotRecord rec = take_evidence_snapshot(req);
    REQUIRE(rec.status == "ok");
    const std::string dir = fx.store.path("evidence/" + rec.id);
    std::string manifest = slurp(dir + "/manifest.json");
    CHECK_MESSAGE(manifest.find("\"path\": \"proc/4316/environ\", \"size\": 1000") != std::string::npos, manifest);
    CHECK(manifest.find("\"truncated\": true") != std::string::npos);
    CHECK(rec.skipped.find("over the 0 MiB total") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/exe/exe.swab"));
    CHECK(rec.sha256.empty());
    // what was stored still verifies
    std::istringstream in(slurp(dir + "/SHA256SUMS"));
    int n = 0;
    for (std::string line; std::getline(in, line); ++n) CHECK(sha256_hex(slurp(dir + "/" + line.substr(66))) == line.substr(0, 64));
    CHECK(n >= 2);

    // no time at all: the manifest and sums are still written, everything else is skipped
    req.limits = SnapshotLimits{};
    req.limits.wall_seconds = 0;
    req.now += 1;
    SnapshotRecord late = take_evidence_snapshot(req);
    REQUIRE(late.status == "ok");
    CHECK(late.skipped.find("over the wall time bound") != std::string::npos);
    CHECK(std::filesystem::exists(fx.store.path("evidence/" + late.id + "/manifest.json")));
}

TEST_CASE("respond snapshot: an evidence directory that is a symlink is refused") {
    Fixture fx;
    std::filesystem::create_directories(fx.store.path("elsewhere"));
    fx.store.link("evidence", fx.store.path("elsewhere"));
    SnapshotRecord rec = take_evidence_snapshot(fx.request());
    CHECK(rec.status.find("cannot open") == 0);
    CHECK(std::filesystem::is_empty(fx.store.path("elsewhere")));
}
