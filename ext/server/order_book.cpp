#include "server/order_book.h"

#include <algorithm>

#include "util/text_util.h"

namespace mr {

namespace {
constexpr int64_t kMaxClockSkew = 600;
}

std::vector<Order> parse_order_file(std::string_view text) {
    std::vector<Order> out;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        if (Expected<Order> o = parse_order_line(line)) out.push_back(*o);
    }
    return out;
}

std::string format_order_file(const std::string& host, const std::vector<Order>& orders) {
    std::string text = "# miningrisk orders for " + host + ", written by xymond_miningrisk --orders\n";
    for (const Order& o : orders) text += format_order_line(o) + "\n";
    return text;
}

std::vector<Order> add_order(std::vector<Order> orders, const Order& o, int64_t now) {
    orders.erase(std::remove_if(orders.begin(), orders.end(),
                                [&](const Order& x) { return now - x.time > kOrderPublishSeconds; }),
                 orders.end());
    if (std::none_of(orders.begin(), orders.end(), [&](const Order& x) { return x.id == o.id; })) orders.push_back(o);
    if (orders.size() > kMaxOrdersPerHost) orders.erase(orders.begin(), orders.end() - kMaxOrdersPerHost);
    return orders;
}

Expected<Order> accept_order_message(std::string_view body, std::string_view key, int64_t now) {
    // The channel gives the message as sent ("usermsg ID" first); the line after it is the order.
    LineReader lines(body);
    std::string_view line;
    if (!lines.next(line)) return fail("no order line");
    if (trim(line).rfind("usermsg", 0) == 0) {
        if (trim(line) != "usermsg " + std::string(kOrderUserMsgId)) return fail("not a miningrisk order message");
        if (!lines.next(line)) return fail("no order line");
    }
    Expected<std::string> plain = verify_order_line(line, key);
    if (!plain) return fail(plain.error().message);
    Expected<Order> o = parse_order_line(*plain);
    if (!o) return fail(o.error().message);
    if (o->time < now - kMaxClockSkew || o->time > now + kMaxClockSkew)
        return fail("order time " + std::to_string(o->time) + " is more than 10 minutes from now (a replay?)");
    return o;
}

}  // namespace mr
