#include <doctest/doctest.h>

#include "feed/feed_validate.h"

using namespace mr;

namespace {
ParsedFeed feed_of(const std::string& body, FeedFormat f = FeedFormat::Ioc) { return parse_feed(body, f); }
std::string many(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "pool" + std::to_string(i) + ".example.org\n";
    return s;
}
}  // namespace

TEST_CASE("feed: validation accepts a plausible list") {
    ValidationResult v = validate_feed(feed_of(many(50)), FeedLimits{});
    CHECK(v.ok);
    CHECK(v.reason.empty());
}

TEST_CASE("feed: validation refuses empty, tiny, oversized and implausibly changed lists") {
    CHECK(validate_feed(feed_of(""), {}).reason == "list is empty");
    CHECK(validate_feed(feed_of("# only comments\n\n"), {}).reason == "list is empty");
    FeedLimits min;
    min.min_entries = 100;
    CHECK(validate_feed(feed_of(many(50)), min).reason == "only 50 entries, below the plausible minimum of 100");
    FeedLimits max;
    max.max_entries = 10;
    CHECK(validate_feed(feed_of(many(50)), max).reason == "50 entries, over the limit of 10");
    FeedLimits grow;
    grow.previous_entries = 4;
    CHECK_FALSE(validate_feed(feed_of(many(50)), grow).ok);
    CHECK(validate_feed(feed_of(many(50)), grow).reason.find("far beyond the previous 4") != std::string::npos);
    FeedLimits shrink;
    shrink.previous_entries = 1000;
    CHECK(validate_feed(feed_of(many(50)), shrink).reason.find("far below the previous 1000") != std::string::npos);
}

TEST_CASE("feed: validation refuses any entry that would match everything") {
    for (const char* bad : {"0.0.0.0/0", "::/0", "*", "com", "10.0.0.0/7", "2000::/3", "0.0.0.0"}) {
        ValidationResult v = validate_feed(feed_of(many(20) + bad + "\n"), {});
        CHECK_MESSAGE(!v.ok, bad);
        CHECK_MESSAGE(v.reason.rfind("entry '", 0) == 0, v.reason);
    }
    CHECK(validate_feed(feed_of(many(20) + "10.0.0.0/8\n"), {}).ok);
}

TEST_CASE("feed: validation refuses binary and mostly unparseable downloads with the line") {
    ValidationResult bin = validate_feed(feed_of(std::string("pool.example\n\0\x01\x02garbage", 24)), {});
    CHECK(bin.reason == "body is binary data, not a text list");
    ValidationResult junk = validate_feed(feed_of("pool.example\n<html>\n<body>\n", FeedFormat::Domains), {});
    CHECK_FALSE(junk.ok);
    CHECK(junk.reason.find("2 of 3 lines are unparseable (first at line 2") != std::string::npos);
}
