#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "feed/feed_config.h"
#include "expected_check.h"
#include "temp_dir.h"

using namespace mr;

TEST_CASE("feed: config parses feeds and globals") {
    Expected<FeedConfig> parsed = parse_feed_config(
        "# sample\nOUTPUT=/tmp/x/pools.txt\nPUBLISH=/etc/xymon/miningrisk-pools.cfg\n"
        "ALLOW=104.16.0.0/13\nALLOW=cdn.example.net\nRESOLVE=yes\nTIMEOUT=30s\nBACKOFF=0.5s\n"
        "FEED coinblocker URL=https://example.org/list.txt FORMAT=domains LICENSE=\"AGPL v3\" MAXAGE=2d "
        "MAXSIZE=8M\n"
        "FEED maltrail URL=http://127.0.0.1:8080/m.txt FORMAT=maltrail MINENTRIES=5 DISABLED\n",
        "feed.cfg");
    REQUIRE_MESSAGE(parsed, mr_test::error_of(parsed));
    const FeedConfig& c = *parsed;
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

TEST_CASE("feed: config errors name the file and line") {
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
    for (const auto& k : cases) CHECK(mr_test::error_of(parse_feed_config(k.text, "f.cfg")) == k.error);
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

TEST_CASE("feed: config CAFILE and PROXY") {
    Expected<FeedConfig> c = parse_feed_config("FEED x URL=https://h/x FORMAT=ips\n", "f.cfg");
    REQUIRE(c);
    CHECK(c->ca_file.empty());
    CHECK_FALSE(c->proxy.has_value());  // the environment's proxies apply

    c = parse_feed_config("\nCAFILE=/etc/xymon/feed-ca.pem\nPROXY=http://proxy.corp.example:3128\n", "f.cfg");
    REQUIRE_MESSAGE(c, mr_test::error_of(c));
    CHECK(c->ca_file == "/etc/xymon/feed-ca.pem");
    CHECK(c->ca_file_line == 2);
    REQUIRE(c->proxy.has_value());
    CHECK(*c->proxy == "http://proxy.corp.example:3128");

    c = parse_feed_config("PROXY=none\n", "f.cfg");
    REQUIRE(c);
    REQUIRE(c->proxy.has_value());
    CHECK(c->proxy->empty());  // libcurl: "" turns every proxy off, the environment's too
    c = parse_feed_config("PROXY=NONE\n", "f.cfg");
    REQUIRE(c);
    CHECK(c->proxy == std::string());

    for (const char* good : {"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "HTTP://Proxy-1.corp:80",
                             "http://user:s3cret@proxy.corp:3128", "http://[::1]:3128", "http://[2001:db8::1]:8080/"})
        CHECK_MESSAGE(valid_proxy_url(good), good);
    for (const char* bad : {"proxy.corp:3128", "socks5://127.0.0.1:1080", "https://proxy:443", "http://proxy.corp",
                            "http://proxy.corp:0", "http://proxy.corp:70000", "http://:3128", "http://proxy:3128/path",
                            "http://[::1]", "http://pro xy:1", "http://-x:1", "http://h:1?x", "http://@h:1"})
        CHECK_MESSAGE(!valid_proxy_url(bad), bad);
}

TEST_CASE("feed: config CAFILE/PROXY errors name the file and line") {
    struct Case {
        const char* text;
        const char* error;
    } cases[] = {
        {"OUTPUT=/a\nCAFILE=ca.pem\n", "f.cfg:2: CAFILE must be an absolute path, got 'ca.pem'"},
        {"CAFILE=\n", "f.cfg:1: CAFILE needs a value"},
        {"\nPROXY=proxy:3128\n", "f.cfg:2: PROXY must be http://HOST:PORT or none, got 'proxy:3128'"},
        {"PROXY=socks5h://127.0.0.1:1080\n", "f.cfg:1: PROXY must be http://HOST:PORT or none, got 'socks5h://127.0.0.1:1080'"},
        {"PROXY=\n", "f.cfg:1: PROXY needs a value"},
        {"INSECURE=yes\n", "f.cfg:1: unknown setting 'INSECURE'"},  // verification cannot be turned off
    };
    for (const auto& k : cases) CHECK(mr_test::error_of(parse_feed_config(k.text, "f.cfg")) == k.error);
}

TEST_CASE("feed: loading a config checks that CAFILE is a readable PEM bundle") {
    mr_test::TempDir tmp("feedcfg");
    const std::string& dir = tmp.path;
    auto write = [](const std::string& path, const std::string& text) {
        FILE* f = std::fopen(path.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    };
    write(dir + "/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    write(dir + "/key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");

    write(dir + "/good.cfg", "# internal mirror\nCAFILE=" + dir + "/ca.pem\n");
    Expected<FeedConfig> good = load_feed_config(dir + "/good.cfg");
    REQUIRE_MESSAGE(good, mr_test::error_of(good));
    CHECK(good->ca_file == dir + "/ca.pem");

    write(dir + "/missing.cfg", "OUTPUT=/x\n\nCAFILE=" + dir + "/nope.pem\n");
    CHECK(mr_test::error_of(load_feed_config(dir + "/missing.cfg")) ==
          dir + "/missing.cfg:3: CAFILE " + dir + "/nope.pem: cannot open");

    write(dir + "/key.cfg", "CAFILE=" + dir + "/key.pem\n");
    CHECK(mr_test::error_of(load_feed_config(dir + "/key.cfg")) ==
          dir + "/key.cfg:1: CAFILE " + dir + "/key.pem: no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
}
