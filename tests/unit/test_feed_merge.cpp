#include <doctest/doctest.h>

#include "feed/feed_merge.h"

using namespace mr;

namespace {
std::vector<FeedEntry> entries(const char* body) { return parse_feed(body, FeedFormat::Ioc).entries; }
}  // namespace

TEST_CASE("feed: merge dedupes, sorts and drops shared addresses and domains") {
    std::vector<MergeSource> src = {
        {"feed:a", entries("pool.example.org\n203.0.113.5\n104.16.5.5\n104.17.0.1:3333\n")},
        {"feed:b", entries("pool.example.org\nedge.cdn.example.net\n198.51.100.0/24\n")},
        {"shipped", entries("xmr.example.com:4444\n")},
    };
    std::vector<FeedEntry> allow = entries("104.16.0.0/13\ncdn.example.net\n");
    MergeResult m = merge_sources(src, allow);
    std::vector<std::string> got;
    for (const auto& e : m.entries) got.push_back(e.text);
    CHECK(got == std::vector<std::string>{"198.51.100.0/24", "203.0.113.5", "pool.example.org",
                                          "xmr.example.com:4444"});
    CHECK(m.duplicates == 1);
    CHECK(m.dropped_shared == 3);
    CHECK(m.source_counts[0] == "feed:a=4");
}

TEST_CASE("feed: a CIDR that contains a shared range is dropped too") {
    MergeResult m = merge_sources({{"f", entries("104.0.0.0/8\n8.8.8.0/24\n")}}, entries("104.16.0.0/13\n"));
    REQUIRE(m.entries.size() == 1);
    CHECK(m.entries[0].text == "8.8.8.0/24");
}

TEST_CASE("feed: the content hash is stable and the list round-trips through the ioc format") {
    MergeResult a = merge_sources({{"x", entries("b.example\na.example\n")}}, {});
    MergeResult b = merge_sources({{"y", entries("a.example\nb.example\na.example\n")}}, {});
    CHECK(a.content_hash == b.content_hash);
    CHECK(a.content_hash.size() == 12);
    MergeResult c = merge_sources({{"x", entries("c.example\n")}}, {});
    CHECK(c.content_hash != a.content_hash);

    std::string version = make_version(1795734000, a.content_hash);  // 2026-11-26 23:00 UTC
    CHECK(version == "20261126T2300Z-" + a.content_hash);
    std::string text = render_merged_list(a, version, 1795734000);
    CHECK(text.find("\n# version: " + version + "\n") != std::string::npos);
    CHECK(list_version(text) == version);
    CHECK(version_hash(list_version(text)) == a.content_hash);
    ParsedFeed back = parse_feed(text, FeedFormat::Ioc);
    CHECK(back.bad_count == 0);
    CHECK(entries_hash(back.entries) == a.content_hash);
}

TEST_CASE("feed: entries that match everything never reach the merged list") {
    MergeResult m = merge_sources({{"shipped", entries("com\n0.0.0.0/0\npool.example.org\n")}}, {});
    REQUIRE(m.entries.size() == 1);
    CHECK(m.dropped_dangerous == 2);
}
