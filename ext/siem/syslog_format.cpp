#include "siem/syslog_format.h"

#include "incident/incident.h"

namespace mr {

namespace {
// PRINTUSASCII (33..126), at most `max` of them; "-" when empty (the NILVALUE).
std::string header_field(const std::string& s, size_t max) {
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= max) break;
        out += (c >= 33 && c <= 126) ? static_cast<char>(c) : '_';
    }
    return out.empty() ? "-" : out;
}
}  // namespace

std::string syslog_5424(int64_t time, const std::string& host, const std::string& msgid, SyslogSeverity sev,
                        const std::string& msg) {
    int pri = 16 * 8 + static_cast<int>(sev);  // local0
    return "<" + std::to_string(pri) + ">1 " + iso_utc(time) + " " + header_field(host, 255) + " miningrisk - " +
           header_field(msgid, 32) + " - " + msg;
}

std::string syslog_octet_frame(const std::string& record) { return std::to_string(record.size()) + " " + record; }

}  // namespace mr
