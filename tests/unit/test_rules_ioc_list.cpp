#include <doctest/doctest.h>

#include "rules/ioc_list.h"

using mr::IocList;

namespace {
IocList parse_ok(const std::string& text) {
    mr::Expected<IocList> l = IocList::parse(text, "t.txt");
    REQUIRE_MESSAGE(l, (l ? "" : l.error().message));
    return *l;
}
}  // namespace

TEST_CASE("rules: IOC domains match themselves and subdomains, never lookalikes") {
    IocList l = parse_ok("# version: 7\nsupportxmr.com  # pool docs\n*.nanopool.org\nPool.MineXMR.com.\n");
    CHECK(l.version() == "7");
    CHECK(l.size() == 3);
    CHECK(l.match_host("supportxmr.com") == "supportxmr.com");
    CHECK(l.match_host("pool.supportxmr.com", 443) == "supportxmr.com");
    CHECK(l.match_host("POOL.SupportXMR.com.") == "supportxmr.com");
    CHECK(l.match_host("xmr-eu1.nanopool.org") == "*.nanopool.org");
    CHECK(l.match_host("nanopool.org") == "*.nanopool.org");
    CHECK(l.match_host("pool.minexmr.com") == "Pool.MineXMR.com.");
    CHECK(l.match_host("minexmr.com").empty());          // parent of a listed name: not listed
    CHECK(l.match_host("notsupportxmr.com").empty());    // suffix but not a label boundary
    CHECK(l.match_host("supportxmr.com.evil.example").empty());
    CHECK(l.match_host("supportxmr").empty());
    CHECK(l.match_host("").empty());
}

TEST_CASE("rules: IOC addresses, CIDRs, IPv6 and addr:port") {
    IocList l = parse_ok(
        "203.0.113.0/24\n198.51.100.7\n198.51.100.9:14444\n2001:db8::7\n2001:db8:1::/48\n"
        "[2001:db8::9]:3333\npool.example.org:3333\n");
    CHECK(l.match_addr("203.0.113.200", 80) == "203.0.113.0/24");
    CHECK(l.match_addr("203.0.114.1", 80).empty());
    CHECK(l.match_addr("198.51.100.7", 1) == "198.51.100.7");
    CHECK(l.match_addr("198.51.100.8", 1).empty());
    CHECK(l.match_addr("198.51.100.9", 14444) == "198.51.100.9:14444");
    CHECK(l.match_addr("198.51.100.9", 3333).empty());
    CHECK(l.match_addr("::ffff:203.0.113.5", 3333) == "203.0.113.0/24");   // v4-mapped
    CHECK(l.match_addr("2001:db8::7", 443) == "2001:db8::7");
    CHECK(l.match_addr("2001:0db8:0000::7", 443) == "2001:db8::7");         // other spelling
    CHECK(l.match_addr("2001:db8:1:ffff::1", 1) == "2001:db8:1::/48");
    CHECK(l.match_addr("2001:db8:2::1", 1).empty());
    CHECK(l.match_addr("2001:db8::9", 3333) == "[2001:db8::9]:3333");
    CHECK(l.match_addr("2001:db8::9", 3334).empty());
    CHECK(l.match_host("pool.example.org", 3333) == "pool.example.org:3333");
    CHECK(l.match_host("eu.pool.example.org", 3333) == "pool.example.org:3333");
    CHECK(l.match_host("pool.example.org", 80).empty());
    CHECK(l.match_host("pool.example.org", 0) == "pool.example.org:3333");  // port unknown
    CHECK(l.match_host("203.0.113.9") == "203.0.113.0/24");                 // literal in argv
    CHECK(l.match_addr("not an address", 1).empty());
}

TEST_CASE("rules: IOC parse errors name FILE:LINE and leave the old list") {
    IocList l = parse_ok("# version: old\nsupportxmr.com\n");
    mr::Expected<IocList> next = IocList::parse("# version: new\nnanopool.org\n\nbad_domain\n", "feed.txt");
    REQUIRE_FALSE(next);
    CHECK(next.error().message.rfind("feed.txt:4: ", 0) == 0);
    CHECK(l.version() == "old");
    CHECK(!l.match_host("supportxmr.com").empty());
    CHECK(l.match_host("nanopool.org").empty());
    for (const char* bad : {"203.0.113.0/33", "1.2.3.4:0", "1.2.3.4:70000", "[2001:db8::1]",
                            "2001:db8::/129", "host..example.com", "two words", "a.b/x", "999.1.1.1.1"}) {
        CAPTURE(bad);
        mr::Expected<IocList> rejected = IocList::parse(std::string("ok.example.com\n") + bad + "\n", "f");
        REQUIRE_FALSE(rejected);
        CHECK(rejected.error().message.rfind("f:2: ", 0) == 0);
    }
}
