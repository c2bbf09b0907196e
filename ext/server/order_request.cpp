#include "server/order_request.h"

#include "util/text_util.h"
#include "xymon/kv_codec.h"
#include "xymon/process_marker.h"

namespace mr {

namespace {

std::string form_decode(std::string_view s) {
    std::string plus(s);
    for (char& c : plus)
        if (c == '+') c = ' ';
    return percent_decode(plus);
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t amp = body.find('&', pos);
        std::string_view pair = body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
        size_t eq = pair.find('=');
        if (!pair.empty()) {
            std::string name = form_decode(pair.substr(0, eq));
            std::string value = eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
            out.emplace(std::move(name), std::move(value));
        }
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
    return out;
}

std::string url_authority(std::string_view url) {
    size_t start;
    if (url.rfind("http://", 0) == 0) start = 7;
    else if (url.rfind("https://", 0) == 0) start = 8;
    else return "";
    std::string_view rest = url.substr(start);
    return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

OrderDecision decide_order_request(const OrderRequest& r, int64_t now, uint32_t random) {
    OrderDecision d;
    auto refuse = [&](int status, std::string why) {
        d.http_status = status;
        d.reason = std::move(why);
        return d;
    };
    if (r.method != "POST") return refuse(405, "orders are POSTed (the drill-down page's buttons)");
    if (r.remote_user.empty()) return refuse(403, "no operator name: REMOTE_USER is empty (is Basic auth on for this path?)");
    if (!valid_order_operator(r.remote_user)) return refuse(403, "the operator name (REMOTE_USER) has characters an order cannot carry");
    // CSRF: the request must come from a page of this server.
    std::string from = !r.origin.empty() ? url_authority(r.origin) : url_authority(r.referer);
    if (r.origin.empty() && r.referer.empty()) return refuse(403, "no Origin or Referer: cross-site requests are refused");
    if (from.empty() || r.http_host.empty() || to_lower_ascii(from) != to_lower_ascii(r.http_host))
        return refuse(403, "the request comes from another site (" + (from.empty() ? std::string("?") : from) +
                               "), not from this server: refused");
    std::string ct = to_lower_ascii(r.content_type.substr(0, r.content_type.find(';')));
    if (trim(ct) != "application/x-www-form-urlencoded") return refuse(400, "not a form (application/x-www-form-urlencoded)");
    if (r.body.size() > kMaxOrderForm) return refuse(413, "the form is too large");
    std::map<std::string, std::string> f = parse_form(r.body);
    Order& o = d.order;
    o.host = f["host"];
    unsigned long long pid = 0, start = 0;
    if (!valid_order_host(o.host)) return refuse(400, "host: not a Xymon host name");
    if (!parse_decimal(f["pid"], 7, pid) || pid < 2 || pid > 4194304) return refuse(400, "pid: not a number 2..4194304");
    if (!parse_decimal(f["start"], 20, start) || start == 0) return refuse(400, "start: not a process start time");
    o.pid = static_cast<int>(pid);
    o.start_ticks = start;
    o.sha256 = f["sha256"] == "-" ? "" : f["sha256"];
    if (!o.sha256.empty() && !valid_sha256_hex(o.sha256)) return refuse(400, "sha256: not 64 lowercase hex digits");
    o.action = f["action"];
    if (!valid_order_action(o.action)) return refuse(400, "action: not snapshot, freeze, thaw or kill");
    o.by = r.remote_user;
    o.time = now;
    o.id = make_order_id(now, random);
    if (std::string why = order_problem(o); !why.empty()) return refuse(400, why);
    return d;
}

bool status_marks_frozen_with_snapshot(std::string_view status, int pid, uint64_t start_ticks) {
    for (const ProcessMarker& m : parse_process_markers(status))
        if (m.pid == pid && m.start_ticks == start_ticks) return m.snapshot && m.frozen;
    return false;
}

}  // namespace mr
