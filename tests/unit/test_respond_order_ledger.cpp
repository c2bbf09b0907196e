#include <doctest/doctest.h>

#include "respond/order_ledger.h"

using namespace mr;

TEST_CASE("order ledger: an id is handled once, kept 8 days, a torn line skipped") {
    OrderLedger l;
    CHECK_FALSE(order_handled(l, "20261203T130501Z-00000001"));
    mark_order_handled(l, "20261203T130501Z-00000001", 1000);
    mark_order_handled(l, "20261203T130501Z-00000001", 1001);  // twice: one entry
    CHECK(l.handled.size() == 1);
    std::string text = format_order_ledger(l) + "20261203T130501Z-0000";  // a torn last line
    OrderLedger back = parse_order_ledger(text, 2000);
    CHECK(order_handled(back, "20261203T130501Z-00000001"));
    CHECK(back.handled.size() == 1);
    CHECK(parse_order_ledger(text, 1000 + 9 * 86400).handled.empty());
    CHECK(parse_order_ledger("bad id! 5\n\n", 10).handled.empty());
}

TEST_CASE("order refusal: another host, a gone or changed process, kill before snapshot and freeze") {
    Order o;
    o.id = "20261203T130501Z-00000001";
    o.host = "vm";
    o.pid = 4316;
    o.start_ticks = 99;
    o.sha256 = std::string(64, 'b');
    o.action = "freeze";
    o.by = "alice";
    o.time = 1;
    OrderTarget t;
    t.exists = true;
    t.start_ticks = 99;
    t.sha256 = o.sha256;
    CHECK(order_refusal(o, "vm", t) == "");
    CHECK(order_refusal(o, "other", t) == "the order is for host vm, not other");
    OrderTarget gone;
    CHECK(order_refusal(o, "vm", gone) == "process 4316 is gone");
    OrderTarget reused = t;
    reused.start_ticks = 100;
    CHECK(order_refusal(o, "vm", reused).find("identity changed: pid 4316 started at 100") == 0);
    OrderTarget swapped = t;
    swapped.sha256 = std::string(64, 'c');
    CHECK(order_refusal(o, "vm", swapped).find("identity changed: the executable's sha256") == 0);
    o.action = "kill";
    CHECK(order_refusal(o, "vm", t).find("kill needs an evidence snapshot and a freeze first") == 0);
    t.snapshot_taken = true;
    CHECK(order_refusal(o, "vm", t).find("not frozen") != std::string::npos);
    t.frozen = true;
    CHECK(order_refusal(o, "vm", t) == "");
}
