#include <doctest/doctest.h>

#include "feed_config.h"

using namespace mr;

TEST_CASE("feed: config parses feeds and globals") {
    FeedConfig c;
    std::string err;
    bool ok = parse_feed_config(
        "# sample\nOUTPUT=/tmp/x/pools.txt\nPUBLISH=/etc/xymon/miningrisk-pools.cfg\n"
        "ALLOW=104.16.0.0/13\nALLOW=cdn.example.net\nRESOLVE=yes\nTIMEOUT=30s\nBACKOFF=0.5s\n"
        "FEED coinblocker URL=https://example.org/list.txt FORMAT=domains LICENSE=\"AGPL v3\" MAXAGE=2d "
        "MAXSIZE=8M\n"
        "FEED maltrail URL=http://127.0.0.1:8080/m.txt FORMAT=maltrail MINENTRIES=5 DISABLED\n",
        "feed.cfg", c, err);
    REQUIRE_MESSAGE(ok, err);
    CHECK(c.output == "/tmp/x/pools.txt");
    CHECK(c.allow.size() == 2);
    CHECK(c.resolve);
    CHECK(c.total_timeout == 30.0);
    CHECK(c.backoff == doctest::Approx(0.5));
    REQUIRE(c.feeds.size() == 2);
    CHECK(c.feeds[0].license == "AGPL v3");
    CHECK(c.feeds[0].max_age == 2 * 86400);
    CHECK(c.feeds[0].max_size == 8u * 1024 * 1024);
    CHECK(c.feeds[0].enabled);
    CHECK(c.feeds[1].format == FeedFormat::Maltrail);
    CHECK(c.feeds[1].min_entries == 5);
    CHECK_FALSE(c.feeds[1].enabled);
}

TEST_CASE("feed: config errors name the file and line and leave the old config") {
    FeedConfig c;
    c.output = "/keep/me";
    std::string err;
    struct Case {
        const char* text;
        const char* error;
    } cases[] = {
        {"OUTPUT=/a\nFEED x URL=ftp://h/x FORMAT=domains\n", "f.cfg:2: URL must be http:// or https://, got 'ftp://h/x'"},
        {"FEED x URL=http://h/x FORMAT=xml\n", "f.cfg:1: unknown FORMAT 'xml' (domains, hosts, ips, ipport, maltrail, ioc)"},
        {"FEED x URL=http://h/x\n", "f.cfg:1: FEED needs FORMAT="},
        {"\n\nBOGUS=1\n", "f.cfg:3: unknown setting 'BOGUS'"},
        {"FEED x URL=http://h/x FORMAT=ips MAXAGE=soon\n", "f.cfg:1: bad MAXAGE 'soon'"},
        {"FEED x URL=http://h/x FORMAT=ips\nFEED x URL=http://h/y FORMAT=ips\n", "f.cfg:2: feed 'x' defined twice"},
        {"FEED x URL=http://h/x FORMAT=ips LICENSE=\"open\n", "f.cfg:1: unterminated quote"},
        {"ALLOW=not_an..address\n", "f.cfg:1: bad ALLOW entry 'not_an..address': empty label in domain"},
        {"FEED ../etc URL=http://h/x FORMAT=ips\n", "f.cfg:1: FEED needs a name of letters, digits, '-', '_' or '.'"},
    };
    for (const auto& k : cases) {
        CHECK_FALSE(parse_feed_config(k.text, "f.cfg", c, err));
        CHECK(err == k.error);
    }
    CHECK(c.output == "/keep/me");
}

TEST_CASE("feed: durations and sizes") {
    long long s = 0;
    CHECK((parse_duration("2d", s) && s == 172800));
    CHECK((parse_duration("36h", s) && s == 129600));
    CHECK((parse_duration("90", s) && s == 90));
    CHECK_FALSE(parse_duration("d", s));
    CHECK_FALSE(parse_duration("-5m", s));
    std::size_t b = 0;
    CHECK((parse_size("512K", b) && b == 524288));
    CHECK((parse_size("1000", b) && b == 1000));
    CHECK_FALSE(parse_size("lots", b));
}
