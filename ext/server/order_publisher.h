// The worker side of operators' orders (issue 11): `xymond_miningrisk --orders` under
// xymond_channel --channel=user. Each `usermsg miningrisk-order` the CGI sent is checked
// (signature with the order key, fields, freshness) and added to the host's order file
// DIR/HOST.cfg, which clients fetch as `config miningrisk-orders/HOST.cfg` (/etc/xymon/
// miningrisk-orders is a link to DIR). Runs as xymon: the CGI (www-data) never writes here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "xymon/channel_reader.h"

namespace mr {

struct OrderPublisherOptions {
    std::string dir = "/var/lib/xymon/miningrisk/orders";
    std::string key_file = "/var/lib/xymon/miningrisk/order.key";
};

class OrderPublisher {
public:
    explicit OrderPublisher(OrderPublisherOptions opt) : opt_(std::move(opt)) {}
    // One channel message; other user messages are ignored. Log lines say what happened.
    void handle(const ChannelMessage& m, int64_t now);
    std::vector<std::string> take_log();
    uint64_t published() const { return published_; }

private:
    OrderPublisherOptions opt_;
    std::vector<std::string> log_;
    uint64_t published_ = 0;
};

}  // namespace mr
