#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "rules/binary_scan.h"
#include "rules/rules.h"
#include "rules_test_util.h"
#include "util/sha256.h"

namespace {

// Scratch files for the scanner.
struct TempDir : mr_test::TempDir {
    TempDir() : mr_test::TempDir("scan") {}
};

std::vector<mr::BinaryMarker> markers() {
    return {{"stratum+tcp://", mr::Strength::strong},
            {"randomx", mr::Strength::medium},
            {"cryptonight", mr::Strength::medium},
            {"mining.subscribe", mr::Strength::medium}};
}

std::string filler(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = char("abcdefgh\x01\x02"[i % 10]);
    return s;
}

}  // namespace

TEST_CASE("rules: binary scan finds a marker split across a chunk edge and hashes the file") {
    TempDir d;
    mr::ScanLimits lim;
    lim.chunk_bytes = 4096;
    // "stratum+tcp://" starts 5 bytes before the first chunk edge, "randomx" 3 before the third.
    std::string data = filler(4096 - 5) + "stratum+tcp://" + filler(2 * 4096 - 14 - 3 + 5) + "randomx" + filler(100);
    REQUIRE(data.find("randomx") == 3 * 4096 - 3);
    std::string path = d.write("bin", data);
    mr::Expected<mr::ScanResult> r = mr::scan_path(path, markers(), lim);
    REQUIRE(r);
    CHECK(r->markers == std::vector<size_t>{0, 1});
    CHECK(r->sha256 == mr::sha256_hex(data));
    mr::Signal s;
    REQUIRE(mr::marker_signal(*r, markers(), s));
    CHECK(s.id == "binary_marker");
    CHECK(s.strength == mr::Strength::strong);
    CHECK(s.evidence.find("stratum+tcp://") != std::string::npos);
}

TEST_CASE("rules: binary scan is bounded and scores markers") {
    TempDir d;
    mr::ScanLimits lim;
    lim.chunk_bytes = 4096;
    lim.max_scan_bytes = 8192;
    lim.max_hash_bytes = 1 << 20;
    std::string data = filler(8185) + "cryptonight" + filler(9000) + "randomx";
    mr::Expected<mr::ScanResult> r = mr::scan_path(d.write("big", data), markers(), lim);
    REQUIRE(r);
    // cryptonight straddles the 8192-byte bound: only bytes before the bound count.
    CHECK(r->markers.empty());
    CHECK(r->sha256 == mr::sha256_hex(data));   // the hash still covers the whole file
    lim.max_scan_bytes = 8196;
    r = mr::scan_path(d.write("big", data), markers(), lim);
    REQUIRE(r);
    CHECK(r->markers == std::vector<size_t>{2});
    mr::Signal s;
    REQUIRE(mr::marker_signal(*r, markers(), s));
    CHECK(s.strength == mr::Strength::medium);   // one medium marker
    lim.max_scan_bytes = 1 << 20;
    lim.max_hash_bytes = 100;
    r = mr::scan_path(d.write("big", data), markers(), lim);
    REQUIRE(r);
    CHECK(r->markers == std::vector<size_t>{1, 2});
    CHECK(r->sha256.empty());                  // too big to hash under this limit
    REQUIRE(mr::marker_signal(*r, markers(), s));
    CHECK(s.strength == mr::Strength::strong);   // two medium markers corroborate

    r = mr::scan_path(d.write("clean", filler(50000)), markers(), lim);
    REQUIRE(r);
    CHECK_FALSE(mr::marker_signal(*r, markers(), s));
    r = mr::scan_path(d.path, markers());              // a directory
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "not a regular file");
    r = mr::scan_path(d.path + "/missing", markers());
    REQUIRE_FALSE(r);
    CHECK(r.error().message == d.path + "/missing: No such file or directory");
}

TEST_CASE("rules: binary scanner caches by file identity, in memory and on disk") {
    TempDir d;
    // A fake proc tree: PROC/77/exe -> the binary (a symlink, like the real magic link).
    std::string bin = d.write("miner", filler(1000) + "mining.subscribe" + filler(10));
    ::mkdir((d.path + "/proc").c_str(), 0755);
    ::mkdir((d.path + "/proc/77").c_str(), 0755);
    ::mkdir((d.path + "/proc/78").c_str(), 0755);
    REQUIRE(::symlink(bin.c_str(), (d.path + "/proc/77/exe").c_str()) == 0);
    REQUIRE(::symlink(bin.c_str(), (d.path + "/proc/78/exe").c_str()) == 0);

    mr::BinaryScanner sc;
    mr::Expected<mr::ScanResult> a = sc.scan_process(d.path + "/proc", 77, markers());
    mr::Expected<mr::ScanResult> b = sc.scan_process(d.path + "/proc", 78, markers());   // same file
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->markers == std::vector<size_t>{3});
    CHECK(b->markers == a->markers);
    CHECK(sc.scans_done() == 1);
    std::string cache = d.path + "/scan.cache";
    REQUIRE(sc.save_cache(cache, markers()));

    mr::BinaryScanner fresh;
    fresh.load_cache(cache, markers());
    CHECK(fresh.cache_size() == 1);
    // A cached result comes back even when this cycle's budget allows no new scan.
    mr::Expected<mr::ScanResult> c = fresh.scan_process(d.path + "/proc", 77, markers(), false);
    CHECK(fresh.scans_done() == 0);
    REQUIRE(c);
    CHECK(c->markers == a->markers);
    CHECK(c->sha256 == a->sha256);

    // Another marker list makes old results meaningless.
    auto other = markers();
    other.push_back({"newmarker", mr::Strength::weak});
    mr::BinaryScanner third;
    third.load_cache(cache, other);
    CHECK(third.cache_size() == 0);

    // A changed file (new size/mtime) is scanned again.
    std::ofstream(bin, std::ios::app) << "cryptonight";
    // Out of budget, the changed file is not read this cycle.
    mr::Expected<mr::ScanResult> e = sc.scan_process(d.path + "/proc", 77, markers(), false);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "deferred");
    CHECK(sc.scans_done() == 1);
    e = sc.scan_process(d.path + "/proc", 77, markers());
    CHECK(sc.scans_done() == 2);
    REQUIRE(e);
    CHECK(e->markers.size() == 2);

    // A garbage cache file is ignored, never trusted.
    std::ofstream(cache) << "# miningrisk binary scan cache v1 markers=zzz\n1 2 3 4 - 0\n";
    mr::BinaryScanner g;
    g.load_cache(cache, markers());
    CHECK(g.cache_size() == 0);
    e = sc.scan_process(d.path + "/proc", 99, markers());
    REQUIRE_FALSE(e);
    CHECK(e.error().message.find("/proc/99/exe: ") != std::string::npos);
}
