#include "server/side_events.h"

#include <cstdlib>

#include "incident/incident.h"

namespace mr {

namespace {
int64_t seconds(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    return end != s.c_str() && v > 0 && v < 32503680000.0 ? static_cast<int64_t>(v) : 0;
}

std::string one_line(std::string s, size_t max = 400) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > max) s = s.substr(0, max) + "...";
    return s;
}
}  // namespace

std::optional<HostEvent> side_event(const ChannelMessage& m, const std::string& test) {
    HostEvent e;
    e.host = m.field(2);
    e.event.source = "xymond";
    e.event.time = seconds(m.field(0));
    if (e.host.empty() || e.event.time == 0) return std::nullopt;
    if (m.channel == "page") {
        if (m.field(3) != test || m.field(6) != "red") return std::nullopt;
        e.event.kind = "paged";
        e.event.text = "paged: xymond passed the red status to the alerter (alerts.cfg decides who is paged)";
    } else if (m.channel == "ack") {
        if (m.field(3) != test) return std::nullopt;
        int64_t until = seconds(m.field(5));
        e.event.kind = "acknowledged";
        e.event.text = "acknowledged from " + m.field(1) + (until ? " until " + utc_time(until) : std::string()) + ": " +
                       one_line(m.body);
    } else if (m.channel == "enadis") {
        if (m.field(3) != test && m.field(3) != "*") return std::nullopt;
        int64_t until = seconds(m.field(4));
        if (m.field(4) == "0" || until == 0) {
            e.event.kind = "enabled";
            e.event.text = "column enabled again from " + m.field(1);
        } else {
            e.event.kind = "disabled";
            e.event.text = "column disabled from " + m.field(1) + " until " + utc_time(until) + ": " + one_line(m.field(5));
        }
    } else {
        return std::nullopt;
    }
    return e;
}

}  // namespace mr
