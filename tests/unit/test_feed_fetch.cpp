#include <doctest/doctest.h>

#include "feed_fetch.h"

using namespace mr;

// Only local refusals here; downloads are tested against tests/lib/feed_server.py in e2e/60-feed.sh.
TEST_CASE("feed: fetch refuses non-HTTP schemes without retrying") {
    for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
        FetchRequest req;
        req.url = url;
        req.retries = 3;
        int sleeps = 0;
        FetchResult r = fetch_feed(req, [&](double) { ++sleeps; });
        CHECK(r.outcome == FetchResult::Outcome::Failed);
        CHECK(r.body.empty());
        CHECK(sleeps == 0);
    }
}

TEST_CASE("feed: fetch retries a refused connection with doubling back-off") {
    FetchRequest req;
    req.url = "http://127.0.0.1:9/";  // discard port: nothing listens
    req.retries = 3;
    req.backoff = 0.5;
    std::vector<double> waits;
    FetchResult r = fetch_feed(req, [&](double s) { waits.push_back(s); });
    CHECK(r.outcome == FetchResult::Outcome::Failed);
    CHECK(r.attempts == 4);
    CHECK(waits == std::vector<double>{0.5, 1.0, 2.0});
    CHECK(r.error.find("(after 4 attempts)") != std::string::npos);
}
