#include "xymon/channel_reader.h"

#include <cstdlib>
#include <cstring>

namespace mr {

namespace {
constexpr size_t kMaxHeaderLine = 64 * 1024;
constexpr size_t kMaxLogLines = 100;

const char* const kControl[] = {"shutdown", "reload", "logrotate", "drophost", "droptest",
                                "renamehost", "renametest", "dropstate", "idle"};

std::vector<std::string> split_bar(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t bar = s.find('|', start);
        if (bar == std::string_view::npos) {
            out.emplace_back(s.substr(start));
            break;
        }
        out.emplace_back(s.substr(start, bar - start));
        start = bar + 1;
    }
    return out;
}
}  // namespace

const std::string& ChannelMessage::field(size_t i) const {
    static const std::string empty;
    return i < fields.size() ? fields[i] : empty;
}

bool ChannelMessage::is_control() const {
    for (const char* c : kControl)
        if (channel == c) return true;
    return false;
}

ClientHeader client_header(const ChannelMessage& m) {
    ClientHeader h;
    h.timestamp = std::strtod(m.field(0).c_str(), nullptr);
    h.sender = m.field(1);
    h.hostname = m.field(2).empty() ? m.host : m.field(2);
    h.ostype = m.field(3);
    h.config_class = m.field(4);
    h.collector_id = m.field(5);
    return h;
}

ChannelReader::ChannelReader(size_t max_message_bytes) : max_(max_message_bytes) {}

void ChannelReader::feed(std::string_view chunk) {
    while (!chunk.empty()) {
        const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
        size_t take = nl ? static_cast<size_t>(nl - chunk.data()) : chunk.size();
        // Bound the unfinished line: inside a message by what is left of the budget, outside by
        // the header limit. An overflowed line can no longer be "@@", so its bytes are not kept.
        size_t budget = in_message_ ? (max_ > current_.body.size() ? max_ - current_.body.size() : 0)
                                    : kMaxHeaderLine;
        if (!line_overflowed_) {
            if (line_.size() + take > budget || discarding_) {
                // While discarding only the first bytes matter (is it "@@"?).
                if (discarding_ && line_.size() + take <= 2) {
                    line_.append(chunk.data(), take);
                } else {
                    line_overflowed_ = true;
                    line_.clear();
                }
            } else {
                line_.append(chunk.data(), take);
            }
        }
        if (!nl) break;
        on_line(line_, line_overflowed_);
        line_.clear();
        line_overflowed_ = false;
        chunk.remove_prefix(take + 1);
    }
}

void ChannelReader::on_line(std::string_view line, bool overflowed) {
    if (!in_message_) {
        if (!overflowed && line.size() > 2 && line[0] == '@' && line[1] == '@') {
            start_message(line.substr(2));
            return;
        }
        if (!overflowed && line == "@@") return;  // a stray terminator
        ++stats_.garbage_lines;
        ++garbage_since_log_;
        return;
    }
    if (!overflowed && line == "@@") {
        if (discarding_) {
            ++stats_.oversized;
            log("dropped oversized message " + current_.channel + "#" + std::to_string(current_.seq) +
                " from " + current_.host + " (" + std::to_string(discarded_bytes_) + " bytes, limit " +
                std::to_string(max_) + ")");
        } else {
            ++stats_.messages;
            ready_.push_back(std::move(current_));
        }
        current_ = ChannelMessage();
        in_message_ = false;
        discarding_ = false;
        discarded_bytes_ = 0;
        return;
    }
    if (discarding_) {
        discarded_bytes_ += line.size() + 1;
        return;
    }
    if (overflowed || current_.body.size() + line.size() + 1 > max_) {
        discarding_ = true;
        discarded_bytes_ = current_.body.size() + line.size() + 1;
        std::string().swap(current_.body);  // give the memory back now
        return;
    }
    current_.body.append(line.data(), line.size());
    current_.body += '\n';
}

void ChannelReader::start_message(std::string_view header) {
    if (garbage_since_log_) {
        log("skipped " + std::to_string(garbage_since_log_) + " line(s) outside any message");
        garbage_since_log_ = 0;
    }
    current_ = ChannelMessage();
    in_message_ = true;
    size_t bar = header.find('|');
    std::string_view head = header.substr(0, bar);
    if (bar != std::string_view::npos) current_.fields = split_bar(header.substr(bar + 1));
    size_t slash = head.find('/');
    if (slash != std::string_view::npos) {
        current_.host = std::string(head.substr(slash + 1));
        head = head.substr(0, slash);
    }
    size_t hash = head.find('#');
    current_.channel = std::string(head.substr(0, hash));
    if (hash != std::string_view::npos)
        current_.seq = std::strtoull(std::string(head.substr(hash + 1)).c_str(), nullptr, 10);
}

bool ChannelReader::next(ChannelMessage& out) {
    if (ready_.empty()) return false;
    out = std::move(ready_.front());
    ready_.pop_front();
    return true;
}

void ChannelReader::finish() {
    if (in_message_) {
        ++stats_.truncated;
        log("input ended inside message " + current_.channel + "#" + std::to_string(current_.seq) +
            " from " + current_.host + "; dropped");
        current_ = ChannelMessage();
        in_message_ = false;
        discarding_ = false;
    }
    line_.clear();
    line_overflowed_ = false;
}

void ChannelReader::log(std::string line) {
    if (log_.size() < kMaxLogLines) log_.push_back(std::move(line));
}

std::vector<std::string> ChannelReader::take_log() {
    if (garbage_since_log_) {
        log("skipped " + std::to_string(garbage_since_log_) + " line(s) outside any message");
        garbage_since_log_ = 0;
    }
    std::vector<std::string> out;
    out.swap(log_);
    return out;
}

}  // namespace mr
