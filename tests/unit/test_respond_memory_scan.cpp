// Memory IOC scanning over buffers and the choice of regions: pure, no process memory needed.
#include <doctest/doctest.h>

#include <string>

#include "respond/memory_scan.h"
#include "rules_test_util.h"

using namespace mr;

namespace {
const char* kMonero = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
}

TEST_CASE("respond memory: /proc/PID/maps lines parse, garbage does not") {
    MapRegion r;
    REQUIRE(parse_maps_line("55ce8d329000-55ce8d34a000 rw-p 00000000 00:00 0                          [heap]", r));
    CHECK(r.start == 0x55ce8d329000ull);
    CHECK(r.size() == 0x21000u);
    CHECK(r.perms == "rw-p");
    CHECK(r.path == "[heap]");
    REQUIRE(parse_maps_line("7f00-8f00 r-xp 00001000 fd:01 123456 /tmp/x y (deleted)", r));
    CHECK(r.path == "/tmp/x y (deleted)");
    CHECK(r.offset == 0x1000);
    MapRegion anon;
    REQUIRE(parse_maps_line("1000-2000 rw-p 00000000 00:00 0", anon));
    CHECK(anon.path.empty());
    CHECK_FALSE(parse_maps_line("", r));
    CHECK_FALSE(parse_maps_line("2000-1000 rw-p 00000000 00:00 0", r));
    CHECK_FALSE(parse_maps_line("zz-yy rw-p", r));
    CHECK(parse_maps("garbage\n1000-2000 r--p 00000000 00:00 0 [stack]\n\x01\x02\n").size() == 1);
}

TEST_CASE("respond memory: regions within 64 MiB each and 256 MiB in all, heap first, vvar never") {
    SnapshotLimits lim;
    auto region = [](uint64_t start, uint64_t mib, const char* perms, const char* path) {
        MapRegion r;
        r.start = start;
        r.end = start + (mib << 20);
        r.perms = perms;
        r.path = path;
        return r;
    };
    std::vector<MapRegion> all = {region(0x10000000, 1, "r-xp", "/usr/bin/x"),
                                  region(0x20000000, 100, "rw-p", ""),          // over 64 MiB
                                  region(0x30000000, 60, "rw-p", ""),
                                  region(0x40000000, 60, "rw-p", ""),
                                  region(0x50000000, 60, "rw-p", ""),
                                  region(0x60000000, 60, "rw-p", ""),
                                  region(0x68000000, 60, "rw-p", ""),           // 2 + 4 x 60 + 60 > 256
                                  region(0x70000000, 2, "rw-p", "[heap]"),
                                  region(0x80000000, 1, "---p", ""),            // not readable
                                  region(0x90000000, 1, "r--p", "[vvar]")};
    std::vector<Skipped> skipped;
    std::vector<MapRegion> pick = select_regions(all, lim, skipped);
    REQUIRE(!pick.empty());
    CHECK(pick[0].path == "[heap]");
    uint64_t total = 0;
    for (const auto& r : pick) {
        CHECK(r.size() <= lim.region_bytes);
        CHECK(r.path != "[vvar]");
        CHECK(r.perms[0] == 'r');
        total += r.size();
    }
    CHECK(total <= lim.memory_bytes);
    CHECK(pick.size() == 6);  // heap, four of the five 60 MiB anonymous ones, the file
    CHECK(pick.back().path == "/usr/bin/x");
    REQUIRE(skipped.size() == 2);
    CHECK(skipped[0].reason == "region over 64 MiB");
    CHECK(skipped[1].reason == "over the 256 MiB read in all");
}

TEST_CASE("respond memory: stratum URLs, listed pools and checksummed wallets are hits, with offsets") {
    const RuleSet& rules = mr_test::shipped_rules();
    MapRegion heap;
    heap.start = 0x1000;
    heap.end = 0x9000;
    heap.perms = "rw-p";
    heap.path = "[heap]";
    std::string buf(4096, '\0');
    buf.replace(100, 30, "stratum+tcp://10.9.8.7:3333");
    buf.replace(400, 23, "gulf.moneroocean.stream");
    buf.replace(900, std::strlen(kMonero), kMonero);
    buf.replace(2000, 20, "www.example.com:443");
    std::string fake(kMonero);
    fake[10] = fake[10] == 'a' ? 'b' : 'a';  // checksum broken: no hit
    buf.replace(3000, fake.size(), fake);
    IocHits hits;
    hits.scan(buf, heap, 0x200, rules);
    REQUIRE(hits.hits().size() == 3);
    CHECK(hits.hits()[0].kind == "stratum_url");
    CHECK(hits.hits()[0].value == "stratum+tcp://10.9.8.7:3333");
    CHECK(hits.hits()[0].offset == 0x200 + 100);
    CHECK(hits.hits()[0].region == "1000-9000 rw-p [heap]");
    CHECK(hits.hits()[1].kind == "pool");
    CHECK(hits.hits()[1].value == "gulf.moneroocean.stream");
    CHECK(hits.hits()[2].kind == "wallet");
    CHECK(hits.hits()[2].offset == 0x200 + 900);
    // the same again (an overlapping chunk) only counts
    hits.scan(buf.substr(0, 200), heap, 0x200, rules);
    CHECK(hits.hits().size() == 3);
    CHECK(hits.hits()[0].count == 2);
    CHECK(hits.text().find("stratum_url stratum+tcp://10.9.8.7:3333 1000-9000 rw-p [heap] +0x264 (2 times)") !=
          std::string::npos);
}

TEST_CASE("respond memory: hostile bytes never crash and hits stay bounded") {
    const RuleSet& rules = mr_test::shipped_rules();
    MapRegion r;
    r.start = 0;
    r.end = 1 << 20;
    r.perms = "rw-p";
    std::string buf;
    for (int i = 0; i < 300; ++i) buf += "stratum+ssl://pool" + std::to_string(i) + ".example.net:443\n";
    for (int i = 0; i < 5000; ++i) buf += static_cast<char>(i * 37);
    buf += "stratum+tcp://";  // cut at the end
    IocHits hits(50);
    hits.scan(buf, r, 0, rules);
    CHECK(hits.hits().size() == 50);
    for (const auto& h : hits.hits()) CHECK(h.value.find('\n') == std::string::npos);
}
