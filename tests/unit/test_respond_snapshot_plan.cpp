// Small pure pieces of the snapshot: names, passwd, lines naming the exe, socket inodes, and the
// client's trigger rule (first red of a process, once per exe sha256 per 24 h).
#include <doctest/doctest.h>

#include "respond/snapshot_plan.h"
#include "respond/snapshot_trigger.h"

using namespace mr;

TEST_CASE("respond plan: the directory name is HOST-UTC-PID and a safe path component") {
    CHECK(snapshot_dir_name("web01.example.com", 1796278213, 4316) == "web01.example.com-20261203T061013Z-4316");
    CHECK(snapshot_dir_name("../../etc", 0, 1) == "_._.._etc-19700101T000000Z-1");
    CHECK(snapshot_dir_name("", 0, 2).rfind("host-", 0) == 0);
}

TEST_CASE("respond plan: home directories from passwd text") {
    std::string pw = "root:x:0:0:root:/root:/bin/bash\nbroken line\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                     "odd:x:1x:1::/nope:/bin/sh\n";
    CHECK(home_from_passwd(pw, 0) == "/root");
    CHECK(home_from_passwd(pw, 33) == "/var/www");
    CHECK(home_from_passwd(pw, 1) == "");
    CHECK(home_from_passwd("", 0) == "");
}

TEST_CASE("respond plan: lines naming the suspect's executable, as a path or a word") {
    std::string cron = "# m h dom mon dow\n*/5 * * * * /dev/shm/.x/kdevtmpfsi -o pool\n@reboot kdevtmpfsi\n"
                       "0 1 * * * /usr/bin/notkdevtmpfsi2\n";
    auto lines = lines_naming(cron, "/dev/shm/.x/kdevtmpfsi");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "2: */5 * * * * /dev/shm/.x/kdevtmpfsi -o pool");
    CHECK(lines[1] == "3: @reboot kdevtmpfsi");
    CHECK(lines_naming(cron, "").empty());
    CHECK(lines_naming("run sh now", "/bin/sh").empty());  // a short name is no evidence
}

TEST_CASE("respond plan: socket inodes of /proc/net lines") {
    CHECK(socket_inode_of_net_line("   0: 0100007F:0CEA 0100007F:9C8A 01 00000000:00000000 00:00000000 00000000     0        0 91234 1 "
                                   "0000000000000000 20 4 30 10 -1") == 91234);
    CHECK(socket_inode_of_net_line("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode") == 0);
    CHECK(socket_inode_of_net_line("0000000000000000: 00000002 00000000 00010000 0001 01 4567 /run/x.sock") == 4567);
    CHECK(socket_inode_of_net_line("garbage") == 0);
}

TEST_CASE("respond trigger: first red of a process, once per exe per 24 h") {
    std::vector<SnapshotRecord> taken;
    const int64_t now = 1796278213;
    std::string sha(64, 'a');
    CHECK(snapshot_due(taken, 4316, 100, sha, now));
    SnapshotRecord r;
    r.pid = 4316;
    r.start_ticks = 100;
    r.sha256 = sha;
    r.time = now;
    taken.push_back(r);
    CHECK_FALSE(snapshot_due(taken, 4316, 100, sha, now + 10));          // same process
    CHECK_FALSE(snapshot_due(taken, 5000, 200, sha, now + 3600));        // same exe, within 24 h
    CHECK(snapshot_due(taken, 5000, 200, sha, now + 24 * 3600 + 1));     // same exe, a day later
    CHECK_FALSE(snapshot_due(taken, 4316, 100, sha, now + 48 * 3600));   // that process: never again
    CHECK(snapshot_due(taken, 5000, 200, std::string(64, 'b'), now + 60)); // another exe
    CHECK(snapshot_due(taken, 4316, 101, "", now + 60));                 // the pid reused, exe unknown
}

TEST_CASE("respond trigger: containment finds the evidence of the process or of its executable in the last 24 h") {
    const int64_t now = 1796278213;
    std::string sha(64, 'a');
    SnapshotRecord r;
    r.pid = 4316;
    r.start_ticks = 100;
    r.sha256 = sha;
    r.time = now;
    r.status = "ok";
    std::vector<SnapshotRecord> taken{r};
    CHECK(evidence_taken(taken, 4316, 100, sha, now + 600));                 // that process
    CHECK(evidence_taken(taken, 5000, 200, sha, now + 600));                 // a second copy of the binary
    CHECK_FALSE(evidence_taken(taken, 5000, 200, sha, now + 24 * 3600 + 1)); // a day later: its own snapshot is due
    CHECK_FALSE(evidence_taken(taken, 5000, 200, std::string(64, 'b'), now)); // another executable
    CHECK_FALSE(evidence_taken(taken, 5000, 200, "", now));                  // exe unknown: only the process counts
    taken[0].status = "failed";
    CHECK_FALSE(evidence_taken(taken, 4316, 100, sha, now + 600));           // a failed snapshot is no evidence
}

TEST_CASE("respond trigger: state file round trip, reporting window, garbage and old lines dropped") {
    const int64_t now = 1796278213;
    std::vector<SnapshotRecord> taken;
    for (int i = 0; i < 8; ++i) {
        SnapshotRecord r;
        r.pid = 100 + i;
        r.time = now - i * 4 * 3600;  // every 4 h back to 28 h ago
        r.manifest_sha256 = std::string(64, static_cast<char>('a' + i));
        r.tree = "1 init > " + std::to_string(100 + i) + " x y";
        taken.push_back(r);
    }
    std::string text = format_snapshot_state(taken, now) + "garbage line\n\n" + "pid=9 time=1\n";
    auto back = parse_snapshot_state(text, now);
    REQUIRE(back.size() == 8);
    CHECK(back[3].tree == "1 init > 103 x y");
    auto rep = snapshots_to_report(back, now, 5);
    REQUIRE(rep.size() == 5);
    CHECK(rep[0].pid == 100);   // newest first
    CHECK(rep[4].pid == 104);
    CHECK(snapshots_to_report(back, now, 10).size() == 6);  // within 24 h
    CHECK(parse_snapshot_state(format_snapshot_state(taken, now + 8 * 24 * 3600), now + 8 * 24 * 3600).empty());
}
