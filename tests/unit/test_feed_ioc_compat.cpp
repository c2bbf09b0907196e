// The merged list the feed updater writes must load in the detector's IOC parser (ext/rules/ioc_list.h)
// unchanged: the contract between the server side (issue 6) and the clients.
#include <doctest/doctest.h>

#include "feed/feed_formats.h"
#include "feed/feed_merge.h"
#include "rules/ioc_list.h"

using namespace mr;

TEST_CASE("feed: the detector's IOC parser loads the merged list with its version") {
    std::string maltrail = "# Reference: x\n107.191.47.239:3333\npool.minergate.example\nhttp://185.141.25.35\n"
                           "/xmrig/\n[2001:db8::7]:14444\n";
    std::string hosts = "0.0.0.0 coinhive.example\n0.0.0.0 *.wild.example\n";
    std::string ips = "198.51.100.0/24\n2001:db8:1::/48\n203.0.113.5\n104.16.1.1\n";
    std::vector<MergeSource> src = {
        {"feed:maltrail", parse_feed(maltrail, FeedFormat::Maltrail).entries},
        {"feed:hosts", parse_feed(hosts, FeedFormat::Hosts).entries},
        {"feed:ips", parse_feed(ips, FeedFormat::Ips).entries},
        {"shipped", parse_feed("pool.example.org:4444\n", FeedFormat::Ioc).entries},
    };
    MergeResult m = merge_sources(src, parse_feed("104.16.0.0/13\n", FeedFormat::Ioc).entries);
    std::string version = make_version(1795734000, m.content_hash);
    std::string text = render_merged_list(m, version, 1795734000);

    mr::Expected<IocList> parsed = IocList::parse(text, "pools.txt");
    REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
    const IocList& list = *parsed;
    CHECK(list.version() == version);
    CHECK(list.size() == m.entries.size());
    CHECK(list.match_addr("107.191.47.239", 3333) == "107.191.47.239:3333");
    CHECK(list.match_addr("107.191.47.239", 80).empty());
    CHECK(list.match_addr("198.51.100.77", 443) == "198.51.100.0/24");
    CHECK(list.match_addr("2001:db8::7", 14444) == "[2001:db8::7]:14444");
    CHECK(list.match_host("eu.pool.minergate.example") == "pool.minergate.example");
    CHECK(list.match_host("x.wild.example") == "wild.example");
    CHECK(list.match_addr("104.16.1.1", 443).empty());  // the CDN address was dropped
}
