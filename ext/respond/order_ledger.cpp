#include "respond/order_ledger.h"

#include <algorithm>

#include "util/text_util.h"

namespace mr {

namespace {
constexpr int64_t kKeepSeconds = 8 * 86400;
constexpr size_t kMaxIds = 4096;
}  // namespace

OrderLedger parse_order_ledger(std::string_view text, int64_t now) {
    OrderLedger l;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        std::vector<std::string_view> w = split_whitespace(line);
        unsigned long long t = 0;
        if (w.size() != 2 || !valid_order_id(w[0]) || !parse_decimal(w[1], 12, t)) continue;  // a torn line
        if (now - static_cast<int64_t>(t) > kKeepSeconds) continue;
        l.handled.emplace_back(std::string(w[0]), static_cast<int64_t>(t));
    }
    if (l.handled.size() > kMaxIds) l.handled.erase(l.handled.begin(), l.handled.end() - kMaxIds);
    return l;
}

std::string format_order_ledger(const OrderLedger& l) {
    std::string out;
    for (const auto& [id, t] : l.handled) out += id + " " + std::to_string(t) + "\n";
    return out;
}

bool order_handled(const OrderLedger& l, std::string_view id) {
    return std::any_of(l.handled.begin(), l.handled.end(), [&](const auto& e) { return e.first == id; });
}

void mark_order_handled(OrderLedger& l, const std::string& id, int64_t now) {
    if (order_handled(l, id)) return;
    l.handled.emplace_back(id, now);
    if (l.handled.size() > kMaxIds) l.handled.erase(l.handled.begin());
}

std::string order_refusal(const Order& o, const std::string& this_host, const OrderTarget& t) {
    if (o.host != this_host) return "the order is for host " + o.host + ", not " + this_host;
    if (!t.exists) return "process " + std::to_string(o.pid) + " is gone";
    if (t.start_ticks != o.start_ticks)
        return "identity changed: pid " + std::to_string(o.pid) + " started at " + std::to_string(t.start_ticks) +
               ", the order names " + std::to_string(o.start_ticks);
    if (!o.sha256.empty() && !t.sha256.empty() && t.sha256 != o.sha256)
        return "identity changed: the executable's sha256 is " + t.sha256.substr(0, 12) + "..., the order names " +
               o.sha256.substr(0, 12) + "...";
    if (o.action == "kill" && (!t.snapshot_taken || !t.frozen))
        return std::string("kill needs an evidence snapshot and a freeze first (") +
               (t.snapshot_taken ? "snapshot taken" : "no snapshot") + ", " + (t.frozen ? "frozen" : "not frozen") + ")";
    return "";
}

}  // namespace mr
