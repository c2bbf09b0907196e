// The order CGI's checks: POST, an operator, the same site (CSRF), every field.
#include <doctest/doctest.h>

#include "server/order_request.h"
#include "xymon/process_marker.h"

using namespace mr;

namespace {
OrderRequest good() {
    OrderRequest r;
    r.method = "POST";
    r.remote_user = "alice";
    r.http_host = "127.0.0.1:8084";
    r.origin = "http://127.0.0.1:8084";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "host=vm&pid=4316&start=99&sha256=-&action=freeze";
    return r;
}
}  // namespace

TEST_CASE("order request: a good POST becomes an order with id, operator and time") {
    OrderDecision d = decide_order_request(good(), 1796300000, 0xabcdef01);
    REQUIRE(d.http_status == 200);
    CHECK(d.order.host == "vm");
    CHECK(d.order.pid == 4316);
    CHECK(d.order.start_ticks == 99u);
    CHECK(d.order.sha256.empty());
    CHECK(d.order.by == "alice");
    CHECK(d.order.time == 1796300000);
    CHECK(d.order.id.find("-abcdef01") != std::string::npos);
}

TEST_CASE("order request: refused without POST, operator, same origin or good fields") {
    auto status = [](OrderRequest r) { return decide_order_request(r, 1796300000, 1).http_status; };
    OrderRequest r = good();
    r.method = "GET";
    CHECK(status(r) == 405);
    r = good();
    r.remote_user = "";
    CHECK(status(r) == 403);
    r = good();
    r.origin = "http://evil.example";
    CHECK(status(r) == 403);
    r = good();
    r.origin = "";
    CHECK(status(r) == 403);  // neither Origin nor Referer
    r.referer = "http://127.0.0.1:8084/xymon/miningrisk/host-vm.html";
    CHECK(status(r) == 200);  // the Referer of our own page will do
    r.referer = "http://127.0.0.1:8084.evil.example/";
    CHECK(status(r) == 403);
    r = good();
    r.content_type = "text/plain";
    CHECK(status(r) == 400);
    for (const char* body : {"host=vm%2F..&pid=4316&start=99&action=freeze", "host=vm&pid=1&start=99&action=freeze",
                             "host=vm&pid=43x&start=99&action=freeze", "host=vm&pid=4316&start=&action=freeze",
                             "host=vm&pid=4316&start=99&sha256=XYZ&action=freeze", "host=vm&pid=4316&start=99&action=reboot"}) {
        r = good();
        r.body = body;
        CHECK_MESSAGE(status(r) == 400, body);
    }
    r = good();
    r.body = std::string(kMaxOrderForm + 1, 'a');
    CHECK(status(r) == 413);
}

TEST_CASE("order request: form decoding and the kill check on the status marks") {
    auto f = parse_form("a=1&b=x+y%21&a=2&flag&=v");
    CHECK(f["a"] == "1");
    CHECK(f["b"] == "x y!");
    CHECK(f.count("flag") == 1);
    CHECK(url_authority("https://h:1/x?y") == "h:1");
    CHECK(url_authority("javascript:alert(1)") == "");
    std::string status = "red x\n" + format_process_marker({4316, 99, "", true, true}) + "\n" +
                         format_process_marker({500, 7, "", true, false}) + "\n";
    CHECK(status_marks_frozen_with_snapshot(status, 4316, 99));
    CHECK_FALSE(status_marks_frozen_with_snapshot(status, 4316, 98));
    CHECK_FALSE(status_marks_frozen_with_snapshot(status, 500, 7));
}
