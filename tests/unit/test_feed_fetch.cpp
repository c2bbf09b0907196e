#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "feed/feed_fetch.h"

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

// Proxy choice without any network: nothing listens on 127.0.0.1 ports 7 and 9, so the error
// names the address libcurl tried, the proxy's or the feed's.
TEST_CASE("feed: fetch uses the given proxy, the environment's, or none") {
    struct EnvProxy {  // http_proxy for this test only
        std::string old;
        bool had;
        EnvProxy() {
            const char* v = std::getenv("http_proxy");
            had = v != nullptr;
            if (had) old = v;
            setenv("http_proxy", "http://127.0.0.1:7", 1);
            unsetenv("no_proxy");
            unsetenv("NO_PROXY");
        }
        ~EnvProxy() { had ? setenv("http_proxy", old.c_str(), 1) : unsetenv("http_proxy"); }
    } env;
    FetchRequest req;
    req.url = "http://127.0.0.1:9/list.txt";
    req.retries = 0;

    FetchResult from_env = fetch_feed(req);  // proxy unset: http_proxy applies
    CHECK(from_env.outcome == FetchResult::Outcome::Failed);
    CHECK_MESSAGE(from_env.error.find("port 7") != std::string::npos, from_env.error);

    req.proxy = "";  // PROXY=none: the environment is ignored too
    FetchResult direct = fetch_feed(req);
    CHECK_MESSAGE(direct.error.find("port 9") != std::string::npos, direct.error);

    req.proxy = "http://127.0.0.1:9";  // an explicit proxy wins over the environment
    req.url = "http://feeds.example.invalid/list.txt";  // the proxy resolves names, not us
    FetchResult explicit_proxy = fetch_feed(req);
    CHECK_MESSAGE(explicit_proxy.error.find("127.0.0.1 port 9") != std::string::npos, explicit_proxy.error);
    CHECK(explicit_proxy.error.find("resolve") == std::string::npos);
}
