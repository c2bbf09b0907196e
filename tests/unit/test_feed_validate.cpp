#include <doctest/doctest.h>

#include "feed/feed_validate.h"

using namespace mr;

namespace {
ParsedFeed feed_of(const std::string& body, FeedFormat f = FeedFormat::Ioc) { return parse_feed(body, f); }
// The refusal, or "" when the feed is accepted.
std::string refusal(const ParsedFeed& feed, const FeedLimits& limits) {
    Status v = validate_feed(feed, limits);
    return v ? std::string() : v.error().message;
}
std::string many(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "pool" + std::to_string(i) + ".example.org\n";
    return s;
}
}  // namespace

TEST_CASE("feed: validation accepts a plausible list") {
    CHECK(validate_feed(feed_of(many(50)), FeedLimits{}));
    CHECK(refusal(feed_of(many(50)), FeedLimits{}).empty());
}

TEST_CASE("feed: validation refuses empty, tiny, oversized and implausibly changed lists") {
    CHECK(refusal(feed_of(""), {}) == "list is empty");
    CHECK(refusal(feed_of("# only comments\n\n"), {}) == "list is empty");
    FeedLimits min;
    min.min_entries = 100;
    CHECK(refusal(feed_of(many(50)), min) == "only 50 entries, below the plausible minimum of 100");
    FeedLimits max;
    max.max_entries = 10;
    CHECK(refusal(feed_of(many(50)), max) == "50 entries, over the limit of 10");
    FeedLimits grow;
    grow.previous_entries = 4;
    CHECK_FALSE(validate_feed(feed_of(many(50)), grow));
    CHECK(refusal(feed_of(many(50)), grow).find("far beyond the previous 4") != std::string::npos);
    FeedLimits shrink;
    shrink.previous_entries = 1000;
    CHECK(refusal(feed_of(many(50)), shrink).find("far below the previous 1000") != std::string::npos);
}

TEST_CASE("feed: validation refuses any entry that would match everything") {
    for (const char* bad : {"0.0.0.0/0", "::/0", "*", "com", "10.0.0.0/7", "2000::/3", "0.0.0.0"}) {
        std::string why = refusal(feed_of(many(20) + bad + "\n"), {});
        CHECK_MESSAGE(!why.empty(), bad);
        CHECK_MESSAGE(why.rfind("entry '", 0) == 0, why);
    }
    CHECK(validate_feed(feed_of(many(20) + "10.0.0.0/8\n"), {}));
}

TEST_CASE("feed: validation refuses binary and mostly unparseable downloads with the line") {
    CHECK(refusal(feed_of(std::string("pool.example\n\0\x01\x02garbage", 24)), {}) ==
          "body is binary data, not a text list");
    std::string junk = refusal(feed_of("pool.example\n<html>\n<body>\n", FeedFormat::Domains), {});
    CHECK(junk.find("2 of 3 lines are unparseable (first at line 2") != std::string::npos);
}
