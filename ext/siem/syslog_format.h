// RFC 5424 syslog records of the ECS lines: "<PRI>1 TIMESTAMP HOST miningrisk - MSGID - MSG",
// facility local0, severity from the event (alert red: crit, alert yellow: warning, else info).
// Header fields are printable US-ASCII only (RFC 5424 6.2), so a host name cannot break them;
// MSG is the JSON line as it is. TCP uses octet counting (RFC 6587 3.4.1).
#pragma once
#include <cstdint>
#include <string>

namespace mr {

enum class SyslogSeverity { crit = 2, warning = 4, info = 6 };

std::string syslog_5424(int64_t time, const std::string& host, const std::string& msgid, SyslogSeverity sev,
                        const std::string& msg);
// "LEN SP RECORD"
std::string syslog_octet_frame(const std::string& record);

}  // namespace mr
