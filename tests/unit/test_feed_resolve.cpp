#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "feed/feed_resolve.h"
#include "temp_dir.h"

using namespace mr;

TEST_CASE("feed: the system resolver answers for localhost within its timeout") {
    auto addrs = system_resolver()("localhost", 5.0);
    REQUIRE_MESSAGE(addrs.has_value(), (addrs ? "" : addrs.error().message));
    bool loopback = false;
    for (const auto& a : *addrs) loopback = loopback || a == "127.0.0.1" || a == "::1";
    CHECK(loopback);
}

TEST_CASE("feed: resolved addresses keep their age and expire") {
    mr_test::TempDir tmp("feed-hosts");
    std::string hosts = tmp.write("hosts", "# test data, never the network\n203.0.113.10 pool.example.test\n"
                                           "2001:db8::10 pool.example.test xmr.example.test\n");
    Resolver r = hosts_file_resolver(hosts);
    ResolveState st;
    ResolveSummary s1 = update_resolved(st, {"pool.example.test", "gone.example.test"}, r, 1.0, 1000, 3600);
    CHECK(s1.resolved == 1);
    CHECK(s1.failed == 1);
    REQUIRE(st.items.size() == 2);
    CHECK(st.items[0].first_seen == 1000);

    // Later the pool moves: the old addresses keep first_seen, then age out.
    ResolveSummary s2 = update_resolved(st, {"xmr.example.test"}, r, 1.0, 2000, 3600);
    CHECK(s2.resolved == 1);
    CHECK(st.items.size() == 3);
    ResolveSummary s3 = update_resolved(st, {"xmr.example.test"}, r, 1.0, 6000, 3600);
    CHECK(s3.expired == 2);
    REQUIRE(st.items.size() == 1);
    CHECK(st.items[0].domain == "xmr.example.test");
    CHECK(st.items[0].first_seen == 2000);
    CHECK(st.items[0].last_seen == 6000);

    std::string path = hosts + ".state";
    REQUIRE(save_resolve_state(path, st));
    Expected<ResolveState> back = load_resolve_state(path);
    REQUIRE(back);
    CHECK(back->items.size() == 1);
    CHECK(resolved_entries(*back)[0].text == "2001:db8::10");
}
