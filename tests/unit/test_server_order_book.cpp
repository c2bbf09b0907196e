#include <doctest/doctest.h>

#include "server/order_book.h"
#include "server/order_publisher.h"
#include "temp_dir.h"
#include "util/file_io.h"

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
    CHECK(accept_order_message(sign_order_line(format_order_line(o), "key"), "key", 5100));  // the line alone
    Order bad = o;
    bad.pid = 1;
    std::string badmsg = "usermsg miningrisk-order\n" + sign_order_line(format_order_line(bad), "key") + "\n";
    CHECK(accept_order_message(badmsg, "key", 5100).error().message.find("pid:") == 0);
}

TEST_CASE("order publisher: a signed order from the user channel lands in the host's file, a forged one does not") {
    mr_test::TempDir dir("orderpub");
    REQUIRE(write_file_atomic(dir.path + "/key", "k3y\n"));
    OrderPublisherOptions opt;
    opt.dir = dir.path;
    opt.key_file = dir.path + "/key";
    OrderPublisher pub(opt);
    Order o = order("20261203T130501Z-00000009", 7000);
    ChannelMessage m;
    m.channel = "user";
    m.host = "miningrisk-order";
    m.fields = {"7000.1", "127.0.0.1", "miningrisk-order"};
    m.body = "usermsg miningrisk-order\n" + sign_order_line(format_order_line(o), "k3y") + "\n";
    pub.handle(m, 7001);
    CHECK(pub.published() == 1);
    Expected<std::string> text = read_file(dir.path + "/vm.cfg");
    REQUIRE(text);
    REQUIRE(parse_order_file(*text).size() == 1);
    CHECK(parse_order_file(*text)[0].id == o.id);
    m.body = "usermsg miningrisk-order\n" + sign_order_line(format_order_line(order("20261203T130501Z-0000000a", 7000)), "guess") + "\n";
    pub.handle(m, 7001);
    CHECK(pub.published() == 1);
    std::vector<std::string> log = pub.take_log();
    REQUIRE(log.size() == 2);
    CHECK(log[1] == "order from 127.0.0.1 refused: bad signature");
    m.host = "other-id";
    m.body = "usermsg other-id\nhello\n";
    pub.handle(m, 7001);
    CHECK(pub.take_log().empty());  // other user messages are not ours to judge
}
