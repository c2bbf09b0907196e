// /etc/xymon/miningrisk-siem.cfg (optional; "key = value", '#' comments):
//   events   = /var/log/xymon/miningrisk/events.ndjson   ECS JSON lines ("" = off)
//   syslog   = udp://127.0.0.1:514 | tcp://HOST:PORT     RFC 5424 copies of the same events ("" = off)
//   max_line = 16384                                     bytes per line (1024..1048576)
//   timeout  = 2                                         seconds per syslog connect/send (0.1..30)
// A bad file is an error "FILE:LINE: message" and the previous settings stay in force.
#pragma once
#include <string>
#include <string_view>

#include "util/expected.h"

namespace mr {

struct SiemConfig {
    std::string events_path = "/var/log/xymon/miningrisk/events.ndjson";
    std::string syslog_proto;   // "", "udp" or "tcp"
    std::string syslog_host;    // an IPv4/IPv6 address (no name lookups in the worker)
    int syslog_port = 0;
    size_t max_line = 16384;
    double timeout = 2;
    bool operator==(const SiemConfig& o) const {
        return events_path == o.events_path && syslog_proto == o.syslog_proto && syslog_host == o.syslog_host &&
               syslog_port == o.syslog_port && max_line == o.max_line && timeout == o.timeout;
    }
};

Expected<SiemConfig> parse_siem_config(std::string_view text, const std::string& file);

}  // namespace mr
