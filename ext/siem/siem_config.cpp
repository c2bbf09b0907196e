#include "siem/siem_config.h"

#include <arpa/inet.h>

#include <cstdlib>

#include "util/text_util.h"

namespace mr {

Expected<SiemConfig> parse_siem_config(std::string_view text, const std::string& file) {
    SiemConfig c;
    LineReader lines(text);
    for (std::string_view raw; lines.next(raw);) {
        auto bad = [&](const std::string& m) { return fail(at_line(file, static_cast<long>(lines.number()), m)); };
        std::string_view line = trim(raw.substr(0, raw.find('#')));
        if (line.empty()) continue;
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) return bad("expected key = value");
        std::string key = to_lower_ascii(trim(line.substr(0, eq)));
        std::string value(trim(line.substr(eq + 1)));
        if (key == "events") {
            if (!value.empty() && value[0] != '/') return bad("events must be an absolute path or empty");
            c.events_path = value;
        } else if (key == "syslog") {
            if (value.empty()) {
                c.syslog_proto.clear();
                continue;
            }
            size_t sep = value.find("://");
            if (sep == std::string::npos) return bad("syslog must be udp://ADDRESS:PORT or tcp://ADDRESS:PORT");
            std::string proto = value.substr(0, sep), rest = value.substr(sep + 3);
            if (proto != "udp" && proto != "tcp") return bad("syslog protocol must be udp or tcp, not '" + proto + "'");
            size_t colon = rest.rfind(':');
            if (colon == std::string::npos) return bad("syslog needs a port (ADDRESS:PORT)");
            std::string host = rest.substr(0, colon);
            if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
            unsigned char buf[16];
            if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1)
                return bad("syslog address must be an IP address (the worker does no name lookups): '" + host + "'");
            uint16_t port = 0;
            if (!parse_port(rest.substr(colon + 1), port)) return bad("syslog port must be 1..65535");
            c.syslog_proto = proto;
            c.syslog_host = host;
            c.syslog_port = port;
        } else if (key == "max_line") {
            unsigned long long n = 0;
            if (!parse_decimal(value, 7, n) || n < 1024 || n > 1048576) return bad("max_line must be 1024..1048576");
            c.max_line = static_cast<size_t>(n);
        } else if (key == "timeout") {
            char* end = nullptr;
            double t = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(t >= 0.1 && t <= 30)) return bad("timeout must be 0.1..30 seconds");
            c.timeout = t;
        } else {
            return bad("unknown key '" + key + "' (events, syslog, max_line, timeout)");
        }
    }
    return c;
}

}  // namespace mr
