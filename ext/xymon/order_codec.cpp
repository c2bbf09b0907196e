#include "xymon/order_codec.h"

#include <ctime>

#include <fmt/core.h>

#include "util/hmac.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"

namespace mr {

namespace {
constexpr int kMaxPid = 4194304;  // PID_MAX_LIMIT on 64-bit Linux

bool all_of(std::string_view s, bool (*ok)(char)) {
    for (char c : s)
        if (!ok(c)) return false;
    return true;
}
}  // namespace

bool valid_order_host(std::string_view s) {
    if (s.empty() || s.size() > 200 || s[0] == '.' || s[0] == '-') return false;
    return all_of(s, [](char c) { return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool valid_order_operator(std::string_view s) {
    return !s.empty() && s.size() <= 64 && all_of(s, [](char c) { return c > ' ' && c < 0x7f && c != '='; });
}

bool valid_order_id(std::string_view s) {
    return s.size() >= 8 && s.size() <= 64 && all_of(s, [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool valid_order_action(std::string_view s) {
    return s == "snapshot" || s == "freeze" || s == "thaw" || s == "kill";
}

bool valid_sha256_hex(std::string_view s) {
    return s.size() == 64 && all_of(s, [](char c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'f'); });
}

std::string order_problem(const Order& o) {
    if (!valid_order_id(o.id)) return "id: not 8..64 letters, digits or '-'";
    if (!valid_order_host(o.host)) return "host: not a Xymon host name";
    if (o.pid < 2 || o.pid > kMaxPid) return "pid: not a number 2..4194304";
    if (o.start_ticks == 0) return "start: not a process start time";
    if (!o.sha256.empty() && !valid_sha256_hex(o.sha256)) return "sha256: not 64 lowercase hex digits";
    if (!valid_order_action(o.action)) return "action: not snapshot, freeze, thaw or kill";
    if (!valid_order_operator(o.by)) return "by: no operator name";
    if (o.time <= 0) return "time: missing";
    return "";
}

std::string format_order_line(const Order& o) {
    return encode_kv_line({{"id", o.id},
                           {"host", o.host},
                           {"pid", std::to_string(o.pid)},
                           {"start", std::to_string(o.start_ticks)},
                           {"sha256", o.sha256.empty() ? "-" : o.sha256},
                           {"action", o.action},
                           {"by", o.by},
                           {"time", std::to_string(o.time)}});
}

Expected<Order> parse_order_line(std::string_view line) {
    line = trim(line);
    if (line.empty()) return fail("empty order line");
    KvRecord kv = parse_kv_line(line);
    for (const char* key : {"id", "host", "pid", "start", "sha256", "action", "by", "time"}) {
        int n = 0;
        for (const auto& [k, v] : kv) n += k == key;
        if (n != 1) return fail(fmt::format("{}: {}", key, n ? "given twice" : "missing"));
    }
    Order o;
    o.id = kv_get(kv, "id");
    o.host = kv_get(kv, "host");
    unsigned long long pid = 0, start = 0, time = 0;
    if (!parse_decimal(kv_get(kv, "pid"), 7, pid) || pid > static_cast<unsigned long long>(kMaxPid))
        return fail("pid: not a number 2..4194304");
    if (!parse_decimal(kv_get(kv, "start"), 20, start)) return fail("start: not a number");
    if (!parse_decimal(kv_get(kv, "time"), 12, time)) return fail("time: not a number");
    o.pid = static_cast<int>(pid);
    o.start_ticks = start;
    o.time = static_cast<int64_t>(time);
    o.sha256 = kv_get(kv, "sha256");
    if (o.sha256 == "-") o.sha256.clear();
    o.action = kv_get(kv, "action");
    o.by = kv_get(kv, "by");
    if (std::string why = order_problem(o); !why.empty()) return fail(why);
    return o;
}

std::string make_order_id(int64_t now, uint32_t random) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return fmt::format("{}-{:08x}", buf, random);
}

std::string sign_order_line(std::string_view line, std::string_view key) {
    return std::string(line) + " sig=" + hmac_sha256_hex(key, line);
}

Expected<std::string> verify_order_line(std::string_view signed_line, std::string_view key) {
    signed_line = trim(signed_line);
    size_t at = signed_line.rfind(" sig=");
    if (at == std::string_view::npos) return fail("no signature");
    if (key.empty()) return fail("no order key to check the signature with");
    std::string_view line = signed_line.substr(0, at), sig = signed_line.substr(at + 5);
    if (!equal_constant_time(sig, hmac_sha256_hex(key, line))) return fail("bad signature");
    return std::string(line);
}

}  // namespace mr
