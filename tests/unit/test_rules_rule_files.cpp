#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "rules/detector.h"
#include "rules/rule_files.h"
#include "rules/rule_text.h"
#include "util/file_io.h"
#include "rules/rules.h"
#include "rules_test_util.h"

namespace {

// A scratch copy of the shipped rule directory that a test may break.
struct RuleDirCopy : mr_test::TempDir {
    const std::string& dir = path;
    RuleDirCopy() : TempDir("rules") {
        std::string cmd = "cp " + mr_test::shipped_rules_dir() + "/*.txt " + dir + "/";
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    void append(const std::string& file, const std::string& text) {
        std::ofstream(dir + "/" + file, std::ios::app) << text;
    }
    int lines(const std::string& file) {
        std::ifstream in(dir + "/" + file);
        int n = 0;
        std::string l;
        while (std::getline(in, l)) ++n;
        return n;
    }
};

}  // namespace

TEST_CASE("rules: split_rule_text drops comments and keeps line numbers and the version") {
    mr::RuleText rt = mr::split_rule_text("# header\n# version: 2025.1 \n\nxmrig strong # src\n"
                                          "  a  b\tc  \nkey#notcomment\n# version: 9\n");
    CHECK(rt.version == "2025.1");
    REQUIRE(rt.lines.size() == 3);
    CHECK(rt.lines[0].line == 4);
    CHECK(rt.lines[0].fields == std::vector<std::string>{"xmrig", "strong"});
    CHECK(rt.lines[1].fields.size() == 3);
    CHECK(rt.lines[2].fields[0] == "key#notcomment");
}

TEST_CASE("rules: the shipped rule directory loads and every list is populated") {
    const mr::RuleSet& rs = mr_test::shipped_rules();
    CHECK(rs.miner_names.count("xmrig"));
    CHECK(rs.miner_names.count("kdevtmpfsi"));
    CHECK(rs.is_kernel_thread_name("kworker/0:1"));
    CHECK_FALSE(rs.is_kernel_thread_name("watchdog"));
    CHECK(rs.miner_ports.test(3333));
    CHECK_FALSE(rs.miner_ports.test(80));
    CHECK(rs.binary_markers.size() >= 5);
    CHECK(rs.miner_flags.count("--donate-level"));
    CHECK(rs.algorithms.count("rx/0"));
    CHECK(rs.env_names.count("POOL_URL"));
    CHECK(!rs.match_pool_host("pool.supportxmr.com").empty());
    CHECK(!rs.match_pool_addr("203.0.113.5", 3333).empty());
    CHECK(rs.versions.size() == 7);
    for (const auto& [file, version] : rs.versions) {
        CAPTURE(file);
        CHECK(!version.empty());
    }
}

TEST_CASE("rules: a broken rule file is reported as FILE:LINE and the last good set stays") {
    RuleDirCopy copy;
    mr::Detector d;
    mr::Status first = d.load(copy.dir);
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    REQUIRE(d.rules().miner_names.count("xmrig"));

    struct Case {
        const char* file;
        const char* text;
        const char* says;
    } cases[] = {
        {"miner-ports.txt", "99999 # too big\n", "port number"},
        {"miner-names.txt", "evilminer extreme\n", "NAME"},
        {"cmdline-flags.txt", "flag --x\n", "unknown kind"},
        {"binary-markers.txt", "abc strong\n", "4 to 64"},
        {"pool-domains.txt", "not/a/domain\n", "CIDR"},
        {"pool-addresses.txt", "300.1.1.1\n", "not a domain"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.file);
        RuleDirCopy broken;
        // A valid new name plus one broken line: nothing of it may take effect.
        broken.append("miner-names.txt", "newminer\n");
        int line = broken.lines(c.file) + 1;
        broken.append(c.file, c.text);
        mr::Status loaded = d.load(broken.dir);
        REQUIRE_FALSE(loaded);
        const std::string& err = loaded.error().message;
        CHECK(err.find(broken.dir + "/" + c.file + ":" + std::to_string(line) + ": ") == 0);
        CHECK(err.find(c.says) != std::string::npos);
        // The set in force is still the good one, without anything from the broken load.
        CHECK(d.rules().miner_names.count("xmrig"));
        CHECK_FALSE(d.rules().miner_names.count("newminer"));
    }
}

TEST_CASE("rules: a missing rule file fails the load and keeps the previous set") {
    RuleDirCopy copy;
    mr::Detector d;
    REQUIRE(d.load(copy.dir));
    std::remove((copy.dir + "/miner-ports.txt").c_str());
    mr::Status loaded = d.load(copy.dir);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message.find("miner-ports.txt:0: cannot open") != std::string::npos);
    CHECK(d.rules().miner_ports.test(3333));
}

TEST_CASE("rules: a feed IOC file adds pools, sets the version and is all-or-nothing") {
    mr::Detector d = mr_test::shipped_detector();
    CHECK(d.ioc_version() == "2025.01.1");
    mr_test::TempDir tmp("feed");
    std::string path = tmp / "pools.txt";
    std::ofstream(path) << "# version: feed-42\nevilpool.example  # test feed\n192.0.2.0/24\n";
    mr::Status fed = d.load_ioc_file(path);
    REQUIRE_MESSAGE(fed, (fed ? "" : fed.error().message));
    CHECK(d.ioc_version() == "feed-42");
    CHECK(!d.rules().match_pool_host("eu.evilpool.example").empty());
    CHECK(!d.rules().match_pool_addr("192.0.2.9", 1).empty());
    CHECK(!d.rules().match_pool_host("supportxmr.com").empty());  // shipped list still there

    std::ofstream(path) << "# version: feed-43\nother.example\nbad entry here\n";
    mr::Status rejected = d.load_ioc_file(path);
    REQUIRE_FALSE(rejected);
    CHECK(rejected.error().message.rfind(path + ":3: ", 0) == 0);
    CHECK(d.ioc_version() == "feed-42");
    CHECK(!d.rules().match_pool_host("evilpool.example").empty());
    CHECK(d.rules().match_pool_host("other.example").empty());

    // Reloading the rule directory keeps the feed in force.
    REQUIRE(d.load(mr_test::shipped_rules_dir()));
    CHECK(d.ioc_version() == "feed-42");
}
