#include <doctest/doctest.h>

#include "feed/feed_formats.h"

using namespace mr;

namespace {
std::vector<std::string> texts(const ParsedFeed& p) {
    std::vector<std::string> out;
    for (const auto& e : p.entries) out.push_back(e.text);
    return out;
}
}  // namespace

TEST_CASE("feed: domains format (CoinBlockerLists list) with comments, CRLF and bad lines") {
    ParsedFeed p = parse_feed("# CoinBlockerLists\r\n; other comment\r\n\r\nPool.Example.ORG.\r\n"
                              "*.xmr.example.net\r\nbad..name\r\n   \r\nminer.example.com # note\r\n",
                              FeedFormat::Domains);
    CHECK(texts(p) == std::vector<std::string>{"pool.example.org", "xmr.example.net", "miner.example.com"});
    REQUIRE(p.bad_count == 1);
    CHECK(p.bad[0].line == 6);
    CHECK(p.bad[0].reason == "empty label in domain");
    CHECK_FALSE(p.binary);
}

TEST_CASE("feed: hosts format skips the sinkhole address and hosts-file boilerplate") {
    ParsedFeed p = parse_feed("127.0.0.1 localhost\n::1 ip6-localhost\n0.0.0.0 0.0.0.0\n"
                              "0.0.0.0 coinhive.example\n127.0.0.1 a.pool.example b.pool.example\n"
                              "justaname.example\n",
                              FeedFormat::Hosts);
    CHECK(texts(p) == std::vector<std::string>{"coinhive.example", "a.pool.example", "b.pool.example"});
    CHECK(p.skipped == 3);
    REQUIRE(p.bad_count == 1);
    CHECK(p.bad[0].line == 6);
}

TEST_CASE("feed: ips format canonicalises addresses and CIDRs") {
    ParsedFeed p = parse_feed("203.0.113.5\n198.51.100.77/24\n2001:DB8:0:0::1\n2001:db8::/32\n"
                              "10.0.0.1/32\n300.1.1.1\nexample.org\n",
                              FeedFormat::Ips);
    CHECK(texts(p) == std::vector<std::string>{"203.0.113.5", "198.51.100.0/24", "2001:db8::1",
                                               "2001:db8::/32", "10.0.0.1"});
    CHECK(p.bad_count == 2);
    CHECK(p.entries[1].kind == EntryKind::Cidr);
    CHECK(p.entries[1].prefix == 24);
    CHECK(p.entries[4].kind == EntryKind::Address);
}

TEST_CASE("feed: ipport format takes IPv4, [IPv6] and domain with a port") {
    ParsedFeed p = parse_feed("107.191.47.239:3333\n[2001:db8::7]:14444\npool.example.org:4444\n"
                              "1.2.3.4:0\n1.2.3.4:70000\n1.2.3.4\n",
                              FeedFormat::IpPort);
    CHECK(texts(p) == std::vector<std::string>{"107.191.47.239:3333", "[2001:db8::7]:14444",
                                               "pool.example.org:4444"});
    CHECK(p.entries[0].port == 3333);
    CHECK(p.entries[1].family == 6);
    CHECK(p.entries[2].kind == EntryKind::DomainPort);
    CHECK(p.bad_count == 3);
}

TEST_CASE("feed: maltrail trail files mix domains, IP:port, URLs and paths") {
    ParsedFeed p = parse_feed("# Copyright (c) Maltrail developers\n\n# Reference: https://example.org/x\n\n"
                              "107.191.47.239:3333\npool.minergate.example\nhttp://185.141.25.35\n"
                              "/xmrig/\nexample.net/path/miner.sh\n163.172.114.218\n"
                              "xmr.pool.example    # Note: different ports used\n",
                              FeedFormat::Maltrail);
    CHECK(texts(p) == std::vector<std::string>{"107.191.47.239:3333", "pool.minergate.example",
                                               "185.141.25.35", "example.net", "163.172.114.218",
                                               "xmr.pool.example"});
    CHECK(p.skipped == 1);
    CHECK(p.bad_count == 0);
}

TEST_CASE("feed: binary garbage is flagged and never crashes the parser") {
    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 151 + 7) % 256);
    for (auto f : {FeedFormat::Domains, FeedFormat::Hosts, FeedFormat::Ips, FeedFormat::IpPort,
                   FeedFormat::Maltrail, FeedFormat::Ioc}) {
        ParsedFeed p = parse_feed(garbage, f);
        CHECK(p.binary);
        CHECK(p.bad_count >= 1);
    }
    ParsedFeed longline = parse_feed(std::string(5000, 'a') + ".example\n", FeedFormat::Domains);
    CHECK(longline.entries.empty());
    CHECK(longline.bad_count == 1);
}

TEST_CASE("feed: ioc entries and range helpers") {
    auto cidr = parse_ioc_entry("104.16.0.0/13");
    auto inside = parse_ioc_entry("104.20.1.1");
    auto outside = parse_ioc_entry("104.24.0.1");
    auto with_port = parse_ioc_entry("104.17.0.9:3333");
    REQUIRE(cidr);
    REQUIRE(inside);
    REQUIRE(outside);
    REQUIRE(with_port);
    CHECK(address_in_cidr(*inside, *cidr));
    CHECK_FALSE(address_in_cidr(*outside, *cidr));
    CHECK(address_in_cidr(*with_port, *cidr));
    CHECK(ranges_overlap(*cidr, *parse_ioc_entry("104.0.0.0/8")));
    CHECK(domain_covered_by("a.pool.example", "pool.example"));
    CHECK_FALSE(domain_covered_by("xpool.example", "pool.example"));
    auto too_long = parse_ioc_entry("1.2.3.4/33");
    REQUIRE_FALSE(too_long);
    CHECK(too_long.error().message == "CIDR prefix length too long");
    CHECK_FALSE(parse_ioc_entry("[2001:db8::1]"));
    CHECK(parse_ioc_entry("*")->host == "*");
    CHECK(feed_format_from_name("ipport") == FeedFormat::IpPort);
    CHECK_FALSE(feed_format_from_name("xml"));
}
