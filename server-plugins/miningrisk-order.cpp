// miningrisk-order: the CGI behind the drill-down page's order buttons (issue 11). Apache runs it
// as www-data under Xymon's authenticated /xymon-seccgi/ path (Basic auth against
// /etc/xymon/xymonpasswd, as Xymon's own enadis.sh), so REMOTE_USER names the operator.
//
// It checks the POST (method, operator, Origin/Referer, every field), for a kill also that the
// host's current status marks the process as snapshotted and frozen, signs the order with the
// order key (HMAC-SHA256, readable by www-data and xymon only) and sends it to xymond as
// `usermsg miningrisk-order`. The worker `xymond_miningrisk --orders` on the user channel checks
// the signature and publishes it for the host's client (`config miningrisk-orders/HOST.cfg`).
// So the CGI writes no file of Xymon's, and nobody without the key can order through xymond.
#include <sys/random.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "server/order_request.h"
#include "util/cli.h"
#include "util/file_io.h"
#include "util/html_escape.h"
#include "util/text_util.h"
#include "util/version.h"
#include "xymon/order_codec.h"
#include "xymon/xymon_sender.h"

namespace {

constexpr const char* kDefaultKey = "/var/lib/xymon/miningrisk/order.key";

const mr::CliSpec& cli_spec() {
    static const mr::CliSpec spec{
        "miningrisk-order",
        mr::kMiningriskVersion,
        {"   (as a CGI: Apache runs it for POST /xymon-seccgi/miningrisk-order)", "--key FILE   (a CGI run with this key)"},
        "The CGI behind the order buttons (snapshot now, freeze, thaw, kill) of the miningrisk\n"
        "drill-down page. Takes a POSTed form (host, pid, start, sha256, action), the operator's\n"
        "name from REMOTE_USER, checks it, signs it with the order key and sends it to xymond as\n"
        "`usermsg miningrisk-order`; xymond_miningrisk --orders publishes it for the host's client.",
        {{"--key", "FILE", "the order key (default /var/lib/xymon/miningrisk/order.key, or $MININGRISK_ORDER_KEY)"}},
        {},
        "Environment (CGI): REQUEST_METHOD, REMOTE_USER, HTTP_HOST, HTTP_ORIGIN, HTTP_REFERER,\n"
        "CONTENT_TYPE, CONTENT_LENGTH; XYMON and XYMSRV (default /usr/lib/xymon/client/bin/xymon, 127.0.0.1).\n"
        "HTTP answers: 200 order sent, 400 a bad field, 403 no operator or another site, 404 no\n"
        "miningrisk status for the host, 405 not a POST, 409 kill before snapshot and freeze,\n"
        "500 no order key, 502 xymond did not take it."};
    return spec;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

const char* reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 500: return "Internal Server Error";
        default: return "Bad Gateway";
    }
}

int answer(int status, const std::string& title, const std::string& text, const std::string& back = "") {
    std::cout << "Status: " << status << " " << reason_phrase(status) << "\r\n"
              << (status == 405 ? "Allow: POST\r\n" : "")
              << "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                 "Content-Security-Policy: default-src 'none'\r\n\r\n"
              << "<!DOCTYPE html>\n<html><head><title>miningrisk order: " << mr::escape_html(title)
              << "</title></head>\n<body>\n<h2 id=\"mr-order-result\" class=\"" << (status == 200 ? "ok" : "refused")
              << "\">" << mr::escape_html(title) << "</h2>\n<p id=\"mr-order-text\">" << mr::escape_html(text) << "</p>\n";
    if (!back.empty()) std::cout << "<p><a href=\"" << mr::escape_html(back) << "\">Back to the host page</a></p>\n";
    std::cout << "</body></html>\n";
    if (status != 200) std::cerr << "miningrisk-order: refused (" << status << "): " << text << "\n";
    return 0;
}

uint32_t random32() {
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) r = static_cast<uint32_t>(std::time(nullptr) ^ getpid());
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const mr::CliSpec& spec = cli_spec();
    // Apache passes a query string without '=' as arguments: only a shell run reads options.
    mr::CliArgs args;
    if (env("GATEWAY_INTERFACE").empty()) args = mr::handle_cli(spec, argc, argv);
    std::string key_file = args.get("--key", env("MININGRISK_ORDER_KEY").empty() ? kDefaultKey : env("MININGRISK_ORDER_KEY"));

    mr::OrderRequest req;
    req.method = env("REQUEST_METHOD");
    req.remote_user = env("REMOTE_USER");
    req.http_host = env("HTTP_HOST");
    req.origin = env("HTTP_ORIGIN");
    req.referer = env("HTTP_REFERER");
    req.content_type = env("CONTENT_TYPE");
    unsigned long long length = 0;
    if (req.method == "POST") {
        if (!mr::parse_decimal(env("CONTENT_LENGTH"), 9, length) || length > mr::kMaxOrderForm)
            return answer(413, "refused", "the form is missing or too large");
        req.body.resize(length);
        std::cin.read(req.body.data(), static_cast<std::streamsize>(length));
        req.body.resize(static_cast<size_t>(std::cin.gcount()));
    }
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    mr::OrderDecision d = mr::decide_order_request(req, now, random32());
    // The way back only to a page of this server.
    std::string back = !req.http_host.empty() && mr::url_authority(req.referer) == req.http_host ? req.referer : "";
    if (d.http_status != 200) return answer(d.http_status, "refused", d.reason, back);
    const mr::Order& o = d.order;
    std::string what = o.action + " of pid " + std::to_string(o.pid) + " on " + o.host;

    // The host's column now: it must exist, and a kill needs the process snapshotted and frozen.
    mr::Expected<std::string> reply = mr::xymon_query("xymondlog " + o.host + ".miningrisk", 10);
    if (!reply) return answer(502, "refused", "xymond did not answer: " + reply.error().message, back);
    const std::string& status = *reply;
    if (mr::trim(status).empty()) return answer(404, "refused", "no miningrisk status for host " + o.host, back);
    if (o.action == "kill" && !mr::status_marks_frozen_with_snapshot(status, o.pid, o.start_ticks))
        return answer(409, "refused",
                      "kill is offered only after an evidence snapshot and a freeze of that process; the host's "
                      "status does not show both for pid " + std::to_string(o.pid),
                      back);

    mr::Expected<std::string> key = mr::read_file(key_file, 4096);
    if (!key || mr::trim(*key).empty())
        return answer(500, "refused", "the order key " + key_file + " cannot be read (install-server.sh makes it, "
                      "owner xymon, group www-data, mode 0640)", back);
    std::string msg = "usermsg " + std::string(mr::kOrderUserMsgId) + "\n" +
                      mr::sign_order_line(mr::format_order_line(o), mr::trim(*key)) + "\n";
    if (mr::Status sent = mr::send_to_xymon(msg, 10); !sent)
        return answer(502, "refused", "xymond did not take the order: " + sent.error().message, back);
    std::cerr << "miningrisk-order: " << o.by << " ordered " << what << " (order " << o.id << ")\n";
    return answer(200, "order " + o.id + " sent",
                  o.by + " ordered " + what + " (order " + o.id + "). The host's client applies it on its next "
                  "cycle and reports the result on the drill-down page.", back);
}
