// The client's memory of operators' orders (pure): the ids it has handled (applied or refused),
// so that an order is acted on once however often the order file is fetched, and the check an
// order must pass before the root helper is asked to act on it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xymon/order_codec.h"

namespace mr {

struct OrderLedger {
    std::vector<std::pair<std::string, int64_t>> handled;  // id, when
};

// Ids are kept 8 days (the server publishes an order for 24 h) and at most 4096 of them.
OrderLedger parse_order_ledger(std::string_view text, int64_t now);
std::string format_order_ledger(const OrderLedger& l);
bool order_handled(const OrderLedger& l, std::string_view id);
void mark_order_handled(OrderLedger& l, const std::string& id, int64_t now);

// What the client knows of the ordered process when the order is read.
struct OrderTarget {
    bool exists = false;          // /proc/PID/stat readable
    uint64_t start_ticks = 0;
    std::string sha256;           // of its executable as this cycle saw it ("" unknown)
    bool snapshot_taken = false;  // an ok evidence snapshot of this process life
    bool frozen = false;          // the last containment step on it was a done freeze
};

// "" when the client may hand the order to the root helper (which checks again), else why not:
// another host's order, the process gone or a different one now, kill before snapshot+freeze.
std::string order_refusal(const Order& o, const std::string& this_host, const OrderTarget& t);

}  // namespace mr
