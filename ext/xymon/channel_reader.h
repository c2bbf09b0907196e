// Splits what xymond_channel writes on a worker's stdin into messages. Each message is a header
// line "@@NAME#SEQ/HOST|field|field|...", its body, and a line "@@". Control messages
// (@@shutdown, @@reload, @@logrotate, @@drophost, ...) have the same framing.
//
// Incremental and bounded: feed it chunks of any size and split anywhere; a message larger than
// the limit is dropped (with a log line) while its bytes stream past, a line outside any message is
// skipped, and nothing ever grows past about the limit. Never throws on garbage.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

struct ChannelMessage {
    std::string channel;              // "client", "status", "shutdown", "reload", ...
    uint64_t seq = 0;
    std::string host;                 // after '/', "*" for control messages
    std::vector<std::string> fields;  // the '|'-separated header fields after the host
    std::string body;                 // the lines between header and "@@", each ending in '\n'

    // Header field i (0 = timestamp), or "" when absent.
    const std::string& field(size_t i) const;
    // True for the messages xymond sends to every worker (shutdown, reload, logrotate, drop...).
    bool is_control() const;
};

// The header fields of a client-channel message: @@client#SEQ/HOST|ts|sender|hostname|ostype|class|collectorid
struct ClientHeader {
    double timestamp = 0;
    std::string sender, hostname, ostype, config_class, collector_id;
};
ClientHeader client_header(const ChannelMessage& m);

struct ChannelStats {
    uint64_t messages = 0;
    uint64_t oversized = 0;       // messages dropped for size
    uint64_t garbage_lines = 0;   // lines outside any message
    uint64_t truncated = 0;       // a message cut off by the end of input
};

class ChannelReader {
public:
    static constexpr size_t kDefaultMaxMessage = 4u << 20;  // 4 MiB, far above xymond's 512 KB
    explicit ChannelReader(size_t max_message_bytes = kDefaultMaxMessage);

    void feed(std::string_view chunk);
    // Pops the next complete message; false when none is ready.
    bool next(ChannelMessage& out);
    // End of input: an unfinished message is dropped and counted as truncated.
    void finish();

    const ChannelStats& stats() const { return stats_; }
    // Log lines about dropped input since the last call (oversized, garbage, truncated).
    std::vector<std::string> take_log();

private:
    void on_line(std::string_view line, bool overflowed);
    void start_message(std::string_view header);
    void log(std::string line);

    size_t max_;
    std::string line_;            // the current, unfinished line
    bool line_overflowed_ = false;
    bool in_message_ = false;
    bool discarding_ = false;     // the current message went over the limit
    size_t discarded_bytes_ = 0;
    ChannelMessage current_;
    std::deque<ChannelMessage> ready_;
    ChannelStats stats_;
    std::vector<std::string> log_;
    uint64_t garbage_since_log_ = 0;
};

}  // namespace mr
