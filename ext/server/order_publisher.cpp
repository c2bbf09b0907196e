#include "server/order_publisher.h"

#include "server/order_book.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {

void OrderPublisher::handle(const ChannelMessage& m, int64_t now) {
    // xymond names the channel "user" or the message "usermsg"; the header's host field is the
    // usermsg id.
    if (m.channel != "user" && m.channel != "usermsg") return;
    if (m.host != kOrderUserMsgId && m.body.rfind("usermsg " + std::string(kOrderUserMsgId), 0) != 0) return;
    std::string sender = m.field(1);
    Expected<std::string> key = read_file(opt_.key_file, 4096);
    if (!key) {
        log_.push_back("order from " + sender + " refused: the order key: " + key.error().message);
        return;
    }
    Expected<Order> o = accept_order_message(m.body, trim(*key), now);
    if (!o) {
        log_.push_back("order from " + sender + " refused: " + o.error().message);
        return;
    }
    std::string path = opt_.dir + "/" + o->host + ".cfg";
    std::vector<Order> book;
    if (Expected<std::string> text = read_file(path)) book = parse_order_file(*text);
    book = add_order(std::move(book), *o, now);
    if (Status st = write_file_atomic(path, format_order_file(o->host, book), 0644, true); !st) {
        log_.push_back("order " + o->id + " for " + o->host + " not published: " + st.error().message);
        return;
    }
    ++published_;
    log_.push_back("order " + o->id + " published for " + o->host + ": " + o->action + " of pid " +
                   std::to_string(o->pid) + " (start " + std::to_string(o->start_ticks) + ") by " + o->by +
                   " (from " + sender + ")");
}

std::vector<std::string> OrderPublisher::take_log() {
    std::vector<std::string> out;
    out.swap(log_);
    return out;
}

}  // namespace mr
