// Operators' orders (issue 11): what the drill-down page's buttons ask of a host's client, as one
// kv_codec line. The CGI builds one from a POST, signs it and sends it to xymond as a usermsg;
// the server worker checks the signature and publishes the host's orders in a file the client
// fetches with `config`; the client parses, checks again and applies each id once.
//   id=20261203T130501Z-1a2b3c4d host=web1 pid=4316 start=123456 sha256=HEX action=freeze by=alice time=1796...
// Parsing is strict (every field checked: host charset, digits, hex, a known action); a bad line
// gives an error naming the field and never a half-filled order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "util/expected.h"

namespace mr {

struct Order {
    std::string id;           // unique: UTC time and random hex
    std::string host;         // Xymon host name
    int pid = 0;
    uint64_t start_ticks = 0; // /proc/PID/stat field 22: with pid, one process life
    std::string sha256;       // of the executable (64 lowercase hex), "" when the client had none
    std::string action;       // snapshot, freeze, thaw, kill
    std::string by;           // the operator (REMOTE_USER)
    int64_t time = 0;         // when it was ordered (unix seconds)
};

// Charsets, each one what Xymon or the kernel can produce, nothing more.
bool valid_order_host(std::string_view s);      // [A-Za-z0-9._-], 1..200, not starting with '.' or '-'
bool valid_order_operator(std::string_view s);  // printable ASCII but space and '=', 1..64
bool valid_order_id(std::string_view s);        // [A-Za-z0-9-], 8..64
bool valid_order_action(std::string_view s);
bool valid_sha256_hex(std::string_view s);      // 64 lowercase hex digits

// "" when the order is well-formed, else what is wrong ("pid: not a number 1..4194304").
std::string order_problem(const Order& o);

std::string format_order_line(const Order& o);
Expected<Order> parse_order_line(std::string_view line);

// An id from the time and 32 random bits: "20261203T130501Z-1a2b3c4d".
std::string make_order_id(int64_t now, uint32_t random);

// The signed form the CGI sends and the worker checks: the line, " sig=", HMAC-SHA256(key, line).
std::string sign_order_line(std::string_view line, std::string_view key);
// The order line without its signature when the signature is right; an error otherwise.
Expected<std::string> verify_order_line(std::string_view signed_line, std::string_view key);

// The usermsg id the CGI uses and the worker's xymond_channel filters on.
inline constexpr std::string_view kOrderUserMsgId = "miningrisk-order";

}  // namespace mr
