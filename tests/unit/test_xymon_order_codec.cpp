#include <doctest/doctest.h>

#include "util/hmac.h"
#include "xymon/order_codec.h"

using namespace mr;

namespace {
Order sample() {
    Order o;
    o.id = "20261203T130501Z-1a2b3c4d";
    o.host = "web1.example.com";
    o.pid = 4316;
    o.start_ticks = 123456;
    o.sha256 = std::string(64, 'a');
    o.action = "freeze";
    o.by = "alice";
    o.time = 1796300000;
    return o;
}
}  // namespace

TEST_CASE("hmac_sha256: RFC 4231 test case 2") {
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(equal_constant_time("abc", "abc"));
    CHECK_FALSE(equal_constant_time("abc", "abd"));
    CHECK_FALSE(equal_constant_time("abc", "ab"));
}

TEST_CASE("order line: round trip, every field") {
    Order o = sample();
    std::string line = format_order_line(o);
    Expected<Order> back = parse_order_line(line);
    REQUIRE(back);
    CHECK(back->id == o.id);
    CHECK(back->host == o.host);
    CHECK(back->pid == 4316);
    CHECK(back->start_ticks == 123456u);
    CHECK(back->sha256 == o.sha256);
    CHECK(back->action == "freeze");
    CHECK(back->by == "alice");
    CHECK(back->time == 1796300000);
    // no sha256 known: "-" on the wire, "" back
    o.sha256.clear();
    Expected<Order> nosha = parse_order_line(format_order_line(o));
    REQUIRE(nosha);
    CHECK(nosha->sha256.empty());
}

TEST_CASE("order line: malformed lines are refused with the field named") {
    std::string good = format_order_line(sample());
    auto problem = [](const std::string& line) {
        Expected<Order> o = parse_order_line(line);
        return o ? std::string("accepted") : o.error().message;
    };
    CHECK(problem("") == "empty order line");
    CHECK(problem("garbage") .find("missing") != std::string::npos);
    CHECK(problem(good + " pid=1").find("pid: given twice") == 0);
    CHECK(problem(std::string(good).replace(good.find("pid=4316"), 8, "pid=43x6")).find("pid:") == 0);
    CHECK(problem(std::string(good).replace(good.find("pid=4316"), 8, "pid=1")).find("pid:") == 0);  // never pid 1
    CHECK(problem(std::string(good).replace(good.find("action=freeze"), 13, "action=reboot")).find("action:") == 0);
    CHECK(problem(std::string(good).replace(good.find("host=web1"), 9, "host=w%2Fb")).find("host:") == 0);
    CHECK(problem(std::string(good).replace(good.find("host=web1"), 9, "host=-x")).find("host:") == 0);
    CHECK(problem(std::string(good).replace(good.find("sha256=aaaa"), 11, "sha256=AAAA")).find("sha256:") == 0);
    CHECK(problem(std::string(good).replace(good.find("by=alice"), 8, "by=")).find("by:") == 0);
    CHECK(problem(std::string(good).replace(good.find("id=2026"), 28, "id=x")).find("id:") == 0);
}

TEST_CASE("order charsets") {
    CHECK(valid_order_host("vm"));
    CHECK(valid_order_host("web-1.example_2.com"));
    CHECK_FALSE(valid_order_host(""));
    CHECK_FALSE(valid_order_host("a b"));
    CHECK_FALSE(valid_order_host("a/b"));
    CHECK_FALSE(valid_order_host(".hidden"));
    CHECK_FALSE(valid_order_host(std::string(201, 'a')));
    CHECK(valid_order_operator("alice@example.com"));
    CHECK_FALSE(valid_order_operator(""));
    CHECK_FALSE(valid_order_operator("al ice"));
    CHECK_FALSE(valid_order_operator("a=b"));
    CHECK_FALSE(valid_order_operator("bell\x07"));
    CHECK(make_order_id(0, 0x1a2b3c4d) == "19700101T000000Z-1a2b3c4d");
    CHECK(valid_order_id(make_order_id(1796300000, 7)));
}

TEST_CASE("signed order line: the key holder's signature is checked") {
    std::string line = format_order_line(sample());
    std::string signed_line = sign_order_line(line, "k3y");
    Expected<std::string> ok = verify_order_line(signed_line, "k3y");
    REQUIRE(ok);
    CHECK(*ok == line);
    CHECK_FALSE(verify_order_line(signed_line, "other"));
    CHECK_FALSE(verify_order_line(line, "k3y"));   // unsigned
    CHECK_FALSE(verify_order_line(signed_line, ""));
    std::string tampered = signed_line;
    tampered.replace(tampered.find("action=freeze"), 13, "action=thaw00");
    CHECK(verify_order_line(tampered, "k3y").error().message == "bad signature");
}
