#include <doctest/doctest.h>

#include "server/order_book.h"

using namespace mr;

namespace {
Order order(const std::string& id, int64_t time) {
    Order o;
    o.id = id;
    o.host = "vm";
    o.pid = 4316;
    o.start_ticks = 99;
    o.action = "freeze";
    o.by = "alice";
    o.time = time;
    return o;
}
}  // namespace

TEST_CASE("order book: orders join a host's file once, expire after 24 h, at most 50") {
    std::vector<Order> book;
    book = add_order(book, order("20261203T130501Z-00000001", 1000), 1000);
    book = add_order(book, order("20261203T130501Z-00000001", 1000), 1001);  // the same id again
    CHECK(book.size() == 1);
    book = add_order(book, order("20261203T130501Z-00000002", 1000 + 86401), 1000 + 86401);
    REQUIRE(book.size() == 1);  // the first one expired
    CHECK(book[0].id == "20261203T130501Z-00000002");
    for (int i = 0; i < 60; ++i) book = add_order(book, order("20261203T130501Z-1000" + std::to_string(1000 + i), 90000), 90000);
    CHECK(book.size() == kMaxOrdersPerHost);
    CHECK(book.back().id == "20261203T130501Z-10001059");
    std::string text = format_order_file("vm", book);
    CHECK(text.rfind("# miningrisk orders for vm", 0) == 0);
    CHECK(parse_order_file(text + "not an order\n").size() == kMaxOrdersPerHost);
}

TEST_CASE("order message: signature, fields and freshness are checked") {
    Order o = order("20261203T130501Z-00000001", 5000);
    std::string msg = "usermsg miningrisk-order\n" + sign_order_line(format_order_line(o), "key") + "\n";
    Expected<Order> ok = accept_order_message(msg, "key", 5100);
    REQUIRE(ok);
    CHECK(ok->id == o.id);
    CHECK(accept_order_message(msg, "wrong", 5100).error().message == "bad signature");
    CHECK(accept_order_message(msg, "key", 5000 + 601).error().message.find("more than 10 minutes") != std::string::npos);
    CHECK_FALSE(accept_order_message("usermsg other\nx\n", "key", 5100));
    CHECK_FALSE(accept_order_message("usermsg miningrisk-order\n", "key", 5100));
    Order bad = o;
    bad.pid = 1;
    std::string badmsg = "usermsg miningrisk-order\n" + sign_order_line(format_order_line(bad), "key") + "\n";
    CHECK(accept_order_message(badmsg, "key", 5100).error().message.find("pid:") == 0);
}
