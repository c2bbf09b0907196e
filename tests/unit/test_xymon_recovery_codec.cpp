// The [recovery] section (added within version 1): round trip, older messages without it, and
// hostile input that must never crash the parser nor pass for "gone".
#include <doctest/doctest.h>

#include <random>

#include "xymon/message.h"
#include "xymon/recovery_codec.h"

using namespace mr;

namespace {
ClientReport base() {
    ClientReport r;
    r.agent = "miningrisk-client/0.1.0";
    r.host = "web01";
    r.time = 1796278213;
    return r;
}
}  // namespace

TEST_CASE("xymon recovery: the section round-trips, host text cannot start a line") {
    ClientReport r = base();
    r.has_recovery = true;
    r.recovery.now = {1280, 2};
    r.recovery.before = {0, 0};
    r.recovery.items = {{"running", std::string(64, 'b'), TracePresence::present, "pid 4316", ""},
                        {"file", "/tmp/x y\n[findings]\n&red", TracePresence::gone, "", ""},
                        {"persistence", "/etc/cron.d/x: * * * * * /tmp/x", TracePresence::unknown, "Permission denied", ""}};
    std::string msg = build_client_message(r);
    CHECK(msg.find("\n[recovery]\nkind=host hugepages=1280 msr=2 hugepages_before=0 msr_before=0\n") != std::string::npos);
    CHECK(msg.find("\n[findings]\n&red") == std::string::npos);
    ClientReport back;
    REQUIRE(parse_client_message(msg, back).has_value());
    REQUIRE(back.has_recovery);
    CHECK(back.recovery.now.hugepages == 1280);
    CHECK(back.recovery.now.msr == 2);
    CHECK(back.recovery.before.msr == 0);
    REQUIRE(back.recovery.items.size() == 3);
    CHECK(back.recovery.items[0].presence == TracePresence::present);
    CHECK(back.recovery.items[0].detail == "pid 4316");
    CHECK(back.recovery.items[1].what == "/tmp/x y\n[findings]\n&red");
    CHECK(back.recovery.items[1].presence == TracePresence::gone);
    CHECK(back.recovery.items[2].presence == TracePresence::unknown);
    CHECK(back.findings.empty());  // the forged section header stayed data
}

TEST_CASE("xymon recovery: an older client's message has no section (not verified)") {
    ClientReport r = base();
    std::string msg = build_client_message(r);
    CHECK(msg.find("[recovery]") == std::string::npos);
    ClientReport back;
    REQUIRE(parse_client_message(msg, back).has_value());
    CHECK_FALSE(back.has_recovery);
}

TEST_CASE("xymon recovery: bad values are unknown, never gone; counts are capped") {
    RecoveryFacts f;
    recovery_add_kv(parse_kv_line("kind=host hugepages=-5 msr=banana hugepages_before=99999999999999 msr_before=7"), f);
    CHECK(f.now.hugepages == -1);
    CHECK(f.now.msr == -1);
    CHECK(f.before.hugepages == -1);  // too long to be a number we trust
    CHECK(f.before.msr == 2);         // clamped at the worst state
    recovery_add_kv(parse_kv_line("kind=file what=/tmp/x present=yes"), f);
    recovery_add_kv(parse_kv_line("kind=file present=0"), f);  // no what: ignored
    recovery_add_kv(parse_kv_line("what=/tmp/y present=0"), f);  // no kind: ignored
    REQUIRE(f.items.size() == 1);
    CHECK(f.items[0].presence == TracePresence::unknown);
    for (int i = 0; i < 100; ++i) recovery_add_kv(parse_kv_line("kind=file what=/x present=0"), f);
    CHECK(f.items.size() == kMaxRecoveryItems);
    recovery_add_kv(parse_kv_line("kind=file what=" + std::string(10000, 'A') + " present=0"), f);
    CHECK(f.items.size() == kMaxRecoveryItems);
    RecoveryFacts g;
    recovery_add_kv(parse_kv_line("kind=" + std::string(100, 'k') + " what=" + std::string(10000, 'A')), g);
    REQUIRE(g.items.size() == 1);
    CHECK(g.items[0].kind.size() == 32);
    CHECK(g.items[0].what.size() == 600);
}

TEST_CASE("xymon recovery: random garbage in the section never crashes and keeps the bounds") {
    std::mt19937 rng(11);
    std::string alphabet = "kind=host what=present=01?%\n \r\t[]recovery\xff" "detail=-9";
    alphabet += '\0';
    for (int round = 0; round < 2000; ++round) {
        std::string msg = "client/miningrisk h.linux linux\n[miningrisk]\nversion=1 time=1\n[recovery]\n";
        size_t n = rng() % 400;
        for (size_t i = 0; i < n; ++i) msg += alphabet[rng() % alphabet.size()];
        ClientReport back;
        parse_client_message(msg, back);
        CHECK(back.recovery.items.size() <= kMaxRecoveryItems);
        CHECK(back.recovery.now.msr <= 2);
        for (const auto& it : back.recovery.items) {
            CHECK(it.what.size() <= 600);
            CHECK(it.detail.size() <= 300);
        }
    }
}
