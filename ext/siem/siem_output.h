// Where the worker's ECS events go: appended to the ndjson file (one write per line, O_APPEND:
// logrotate may move the file, the next write makes a new one) and, when configured, sent as
// RFC 5424 syslog over UDP or TCP. Every socket call has the configured timeout; a syslog
// receiver that is down costs one failed connect per event batch, never a hang.
#pragma once
#include <string>
#include <vector>

#include "siem/ecs_event.h"
#include "siem/siem_config.h"
#include "util/expected.h"

namespace mr {

struct SiemRecord {
    std::string line;        // ecs_line()
    int64_t time = 0;
    std::string host, action;
    int severity = 6;        // SyslogSeverity
};

SiemRecord make_siem_record(const EcsEvent& ev, size_t max_line);

class SiemOutput {
public:
    SiemOutput() = default;
    ~SiemOutput();
    SiemOutput(const SiemOutput&) = delete;
    SiemOutput& operator=(const SiemOutput&) = delete;

    void configure(const SiemConfig& c);
    const SiemConfig& config() const { return cfg_; }
    // Writes and sends; failures are returned as log lines (never thrown).
    std::vector<std::string> emit(const std::vector<SiemRecord>& records);

private:
    Status connect_syslog();
    void close_syslog();
    SiemConfig cfg_;
    int fd_ = -1;
};

}  // namespace mr
