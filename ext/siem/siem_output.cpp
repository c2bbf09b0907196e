#include "siem/siem_output.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "siem/ecs_line.h"
#include "siem/syslog_format.h"

namespace mr {

SiemRecord make_siem_record(const EcsEvent& ev, size_t max_line) {
    SiemRecord r;
    r.line = ecs_line(ev, max_line);
    r.host = ev.contains("host") ? ev["host"].value("name", "") : "";
    r.action = ev["event"].value("action", "");
    std::string kind = ev["event"].value("kind", "");
    int sev = ev["event"].value("severity", 0);
    r.severity = kind == "alert" ? (sev >= 70 ? 2 : 4) : 6;
    // @timestamp back to unix seconds is not needed: the caller's event time is in the line;
    // syslog's TIMESTAMP uses the same report time.
    std::string ts = ev.value("@timestamp", "");
    struct tm tm {};
    if (strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) r.time = timegm(&tm);
    return r;
}

SiemOutput::~SiemOutput() { close_syslog(); }

void SiemOutput::configure(const SiemConfig& c) {
    if (!(c == cfg_)) close_syslog();
    cfg_ = c;
}

void SiemOutput::close_syslog() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

namespace {
bool wait_fd(int fd, short events, double timeout) {
    pollfd p{fd, events, 0};
    int r;
    do r = ::poll(&p, 1, static_cast<int>(timeout * 1000)); while (r < 0 && errno == EINTR);
    return r > 0;
}
}  // namespace

Status SiemOutput::connect_syslog() {
    if (fd_ >= 0) return {};
    sockaddr_storage ss {};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, cfg_.syslog_host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(cfg_.syslog_port));
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, cfg_.syslog_host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(cfg_.syslog_port));
        len = sizeof *v6;
    } else {
        return fail("syslog address " + cfg_.syslog_host + " is not an IP address");
    }
    bool tcp = cfg_.syslog_proto == "tcp";
    int fd = ::socket(ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fail(std::string("syslog socket: ") + std::strerror(errno));
    int r = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
    if (r != 0 && errno == EINPROGRESS) {
        int soerr = ETIMEDOUT;
        socklen_t sl = sizeof soerr;
        if (wait_fd(fd, POLLOUT, cfg_.timeout)) getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        r = soerr == 0 ? 0 : -1;
        errno = soerr;
    }
    if (r != 0) {
        std::string why = std::strerror(errno);
        ::close(fd);
        return fail("syslog " + cfg_.syslog_proto + "://" + cfg_.syslog_host + ":" + std::to_string(cfg_.syslog_port) +
                    ": " + why);
    }
    fd_ = fd;
    return {};
}

std::vector<std::string> SiemOutput::emit(const std::vector<SiemRecord>& records) {
    std::vector<std::string> log;
    if (records.empty()) return log;
    if (!cfg_.events_path.empty()) {
        int fd = ::open(cfg_.events_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) {
            log.push_back("events file " + cfg_.events_path + ": " + std::strerror(errno));
        } else {
            for (const SiemRecord& r : records) {
                std::string l = r.line + "\n";
                if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) {
                    log.push_back("events file " + cfg_.events_path + ": short write: " + std::strerror(errno));
                    break;
                }
            }
            ::close(fd);
        }
    }
    if (cfg_.syslog_proto.empty()) return log;
    if (Status connected = connect_syslog(); !connected) {
        log.push_back(connected.error().message + " (" + std::to_string(records.size()) +
                      " event(s) not sent by syslog; they are in the events file)");
        return log;
    }
    bool tcp = cfg_.syslog_proto == "tcp";
    for (const SiemRecord& r : records) {
        std::string rec = syslog_5424(r.time, r.host, r.action, static_cast<SyslogSeverity>(r.severity), r.line);
        std::string out = tcp ? syslog_octet_frame(rec) : rec;
        size_t sent = 0;
        while (sent < out.size()) {
            if (!wait_fd(fd_, POLLOUT, cfg_.timeout)) {
                errno = ETIMEDOUT;
                break;
            }
            ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) break;
            sent += static_cast<size_t>(n);
            if (!tcp) break;  // one datagram
        }
        if (sent < (tcp ? out.size() : 1)) {
            log.push_back("syslog send failed: " + std::string(std::strerror(errno)));
            close_syslog();
            break;
        }
    }
    return log;
}

}  // namespace mr
