// The operator's order as the CGI receives it (issue 11), pure: the request's method, user,
// origin and form body checked and turned into an Order, or an HTTP status and why not.
// CSRF: POST only, a form content type, and an Origin (else Referer) naming this server; a
// browser sends Basic credentials with any cross-site request, so the origin check is what
// stops another site's page from ordering in the operator's name.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "xymon/order_codec.h"

namespace mr {

struct OrderRequest {
    std::string method;        // REQUEST_METHOD
    std::string remote_user;   // REMOTE_USER (Apache's Basic auth)
    std::string http_host;     // HTTP_HOST
    std::string origin;        // HTTP_ORIGIN
    std::string referer;       // HTTP_REFERER
    std::string content_type;  // CONTENT_TYPE
    std::string body;          // the urlencoded form
};

struct OrderDecision {
    int http_status = 200;     // 200 accepted; 400, 403, 405, 413 refused
    std::string reason;        // why refused
    Order order;               // when accepted (id, time and by set)
};

inline constexpr size_t kMaxOrderForm = 4096;

// application/x-www-form-urlencoded into name -> value (the first of a repeated name wins).
std::map<std::string, std::string> parse_form(std::string_view body);

// The authority ("host:port") of an http(s) URL, "" if it is not one.
std::string url_authority(std::string_view url);

OrderDecision decide_order_request(const OrderRequest& r, int64_t now, uint32_t random);

// The process flags the status text marks per red process (see status_text.h), for the CGI's
// kill check: true when `status` has the marker of this pid and start with snapshot=1 frozen=1.
bool status_marks_frozen_with_snapshot(std::string_view status, int pid, uint64_t start_ticks);

}  // namespace mr
