// The server's side of operators' orders (issue 11), pure: a host's published order file (the
// file its client fetches as `config miningrisk-orders/HOST.cfg`) and how a new order joins it.
// Orders stay published 24 h (a client that misses cycles still sees them; it applies each id
// once), at most 50 per host, newest last.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"
#include "xymon/order_codec.h"

namespace mr {

inline constexpr int64_t kOrderPublishSeconds = 86400;
inline constexpr size_t kMaxOrdersPerHost = 50;

// The orders in a published file; lines that do not parse are skipped (the worker wrote them).
std::vector<Order> parse_order_file(std::string_view text);
std::string format_order_file(const std::string& host, const std::vector<Order>& orders);

// `orders` with `o` added: expired ones dropped, an id already there not added twice.
std::vector<Order> add_order(std::vector<Order> orders, const Order& o, int64_t now);

// A usermsg body from the CGI ("usermsg miningrisk-order\n<signed line>\n", or the signed line
// alone) checked: signature,
// every field, the order's time within 10 minutes of now (a replayed message is refused).
Expected<Order> accept_order_message(std::string_view body, std::string_view key, int64_t now);

}  // namespace mr
