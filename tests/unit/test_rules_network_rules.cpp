#include <doctest/doctest.h>

#include "rules/network_rules.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::shipped_rules;
using mr_test::signal_of;

TEST_CASE("rules: network — listed pool connections strong, miner ports weak, inbound ignored") {
    mr::Snapshot s;
    auto sock = [](const char* raddr, uint16_t rport, const char* state, std::vector<int> pids,
                   uint16_t lport = 40000, mr::SocketProto proto = mr::SocketProto::tcp) {
        mr::SocketInfo x;
        x.proto = proto;
        x.local_addr = "10.0.0.2";
        x.local_port = lport;
        x.remote_addr = raddr;
        x.remote_port = rport;
        x.state = state;
        x.pids = std::move(pids);
        return x;
    };
    s.sockets = {
        sock("203.0.113.10", 443, "ESTABLISHED", {50}),          // listed range, any port
        sock("198.51.100.4", 3333, "SYN_SENT", {51}),            // listed, being set up
        sock("192.0.2.1", 3333, "ESTABLISHED", {52}),            // miner port only
        sock("::ffff:203.0.113.11", 80, "ESTABLISHED", {53}, 40001, mr::SocketProto::tcp6),
        sock("2001:db8:5ee::9", 5555, "ESTABLISHED", {54}, 40002, mr::SocketProto::tcp6),
        sock("0.0.0.0", 0, "LISTEN", {60}, 3333),                // web server on 3333
        sock("192.0.2.77", 4444, "ESTABLISHED", {60}, 3333),     // its client, from port 4444
        sock("192.0.2.1", 3333, "TIME_WAIT", {61}),              // closed
        sock("192.0.2.1", 3333, "ESTABLISHED", {62}, 40003, mr::SocketProto::udp),
        sock("203.0.113.12", 3333, "ESTABLISHED", {}),           // owner unknown
        sock("192.0.2.1", 8080, "ESTABLISHED", {63}),            // ordinary port
    };
    auto hits = mr::check_network(s, shipped_rules());
    REQUIRE(hits.count(50));
    CHECK(signal_of(hits[50].signals, "pool_connection")->strength == mr::Strength::strong);
    CHECK(hits[50].pool == "203.0.113.10:443");
    CHECK(has_signal(hits[51].signals, "pool_connection"));
    CHECK(signal_of(hits[52].signals, "miner_port")->strength == mr::Strength::weak);
    CHECK_FALSE(has_signal(hits[52].signals, "pool_connection"));
    CHECK(hits[52].pool == "192.0.2.1:3333");
    CHECK(hits[53].pool == "203.0.113.11:80");
    CHECK(hits[54].pool == "[2001:db8:5ee::9]:5555");
    CHECK(has_signal(hits[54].signals, "pool_connection"));
    CHECK_FALSE(hits.count(60));
    CHECK_FALSE(hits.count(61));
    CHECK_FALSE(hits.count(62));
    CHECK_FALSE(hits.count(63));
    REQUIRE(hits.count(0));
    CHECK(has_signal(hits[0].signals, "pool_connection"));
}
