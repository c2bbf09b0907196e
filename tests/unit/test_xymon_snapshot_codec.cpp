// The [snapshots] section of the client message (added within version 1) and what the server's
// status shows of it: the manifest digest, escaped host text.
#include <doctest/doctest.h>

#include "server/status_text.h"
#include "xymon/message.h"
#include "xymon/snapshot_codec.h"

using namespace mr;

namespace {
SnapshotRecord sample() {
    SnapshotRecord s;
    s.id = "web01-20261203T061013Z-4316";
    s.time = 1796278213;
    s.pid = 4316;
    s.start_ticks = 777;
    s.comm = "<script>alert(1)</script>";
    s.exe = "/tmp/x y\n&red";
    s.sha256 = std::string(64, 'e');
    s.manifest_sha256 = std::string(64, 'f');
    s.prev_manifest = std::string(64, '0');
    s.files = 105;
    s.bytes = 1618532;
    s.seconds = 0.37;
    s.trigger = "first red";
    s.tree = "1 systemd > 4316 <b>x</b>";
    s.persistence = "/etc/cron.d/x: 1: * * * * * /tmp/x";
    s.skipped = "/proc/1/environ: Permission denied";
    s.ioc_hits = 2;
    s.hits = "stratum_url stratum+tcp://1.2.3.4:3333 @1000-2000 rw-p [heap]+0x10";
    return s;
}
}  // namespace

TEST_CASE("xymon snapshots: the section round-trips and older messages have none") {
    ClientReport r;
    r.agent = "miningrisk-client/0.1.0";
    r.host = "web01";
    r.time = 1796278213;
    r.snapshots = {sample()};
    std::string msg = build_client_message(r);
    CHECK(msg.find("\n[snapshots]\nid=web01-20261203T061013Z-4316 ") != std::string::npos);
    CHECK(msg.find("\n&red") == std::string::npos);  // host text cannot start a line
    ClientReport back;
    REQUIRE(parse_client_message(msg, back).has_value());
    REQUIRE(back.snapshots.size() == 1);
    const SnapshotRecord& s = back.snapshots[0];
    CHECK(s.manifest_sha256 == std::string(64, 'f'));
    CHECK(s.exe == "/tmp/x y\n&red");
    CHECK(s.tree == "1 systemd > 4316 <b>x</b>");
    CHECK(s.start_ticks == 777);
    CHECK(s.bytes == 1618532);
    CHECK(s.status == "ok");

    r.snapshots.clear();
    std::string old = build_client_message(r);
    CHECK(old.find("[snapshots]") == std::string::npos);
    ClientReport none;
    REQUIRE(parse_client_message(old, none).has_value());
    CHECK(none.snapshots.empty());
}

TEST_CASE("xymon snapshots: garbage values keep defaults, at most kMaxSnapshots are read") {
    SnapshotRecord g = snapshot_from_kv(parse_kv_line("pid=-5 time=abc bytes=99999999999999999999999 seconds=nan files=x"));
    CHECK(g.pid == 0);
    CHECK(g.time == 0);
    CHECK(g.files == 0);
    CHECK(g.seconds == 0);
    std::string msg = "client/miningrisk h.linux linux\n[miningrisk]\nversion=1\n[snapshots]\n";
    for (int i = 0; i < 20; ++i) msg += "id=x" + std::to_string(i) + " pid=" + std::to_string(i + 2) + "\n";
    ClientReport r;
    REQUIRE(parse_client_message(msg, r).has_value());
    CHECK(r.snapshots.size() == kMaxSnapshots);
}

TEST_CASE("server status: evidence snapshots with their manifest digest, host text escaped") {
    StatusInput in;
    in.host = "web01";
    in.snapshots = {sample()};
    std::string st = build_status_message(in);
    CHECK(st.find("<h4>Evidence snapshots</h4>") != std::string::npos);
    CHECK(st.find("<tr><td>manifest sha256</td><td>" + std::string(64, 'f') + "</td></tr>") != std::string::npos);
    CHECK(st.find("/var/lib/xymon/miningrisk/evidence/web01-20261203T061013Z-4316") != std::string::npos);
    CHECK(st.find("2026-12-03 06:10:13 UTC") != std::string::npos);
    CHECK(st.find("<script>") == std::string::npos);
    CHECK(st.find("&lt;script&gt;") != std::string::npos);
    CHECK(st.find("\n&red") == std::string::npos);
    CHECK(st.find("105 files, 1618532 bytes") != std::string::npos);
    CHECK(st.find("persistence found") != std::string::npos);
}
