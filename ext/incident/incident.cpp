#include "incident/incident.h"

#include <algorithm>
#include <ctime>

namespace mr {

void sort_timeline(std::vector<TimelineEvent>& events) {
    std::stable_sort(events.begin(), events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });
}

bool IncidentProcess::operator==(const IncidentProcess& o) const {
    return pid == o.pid && start_ticks == o.start_ticks && start_time == o.start_time && comm == o.comm &&
           exe == o.exe && user == o.user && parent_comm == o.parent_comm && pool == o.pool && sha256 == o.sha256 &&
           parent_chain == o.parent_chain && argv == o.argv && signals == o.signals && worst == o.worst &&
           first_seen == o.first_seen && last_seen == o.last_seen && cpu_seconds == o.cpu_seconds &&
           estimated_core_seconds == o.estimated_core_seconds && exe_mtime == o.exe_mtime && exe_ctime == o.exe_ctime;
}

bool ImpactSettings::operator==(const ImpactSettings& o) const {
    return idle_watts == o.idle_watts && busy_watts == o.busy_watts && pue == o.pue && price_kwh == o.price_kwh &&
           price_vcpu_hour == o.price_vcpu_hour && currency == o.currency;
}

bool Incident::operator==(const Incident& o) const {
    return id == o.id && host == o.host && config_class == o.config_class && opened == o.opened &&
           first_yellow == o.first_yellow && closed == o.closed && last_report == o.last_report && state == o.state &&
           clean_cycles == o.clean_cycles && clean_needed == o.clean_needed && relapses == o.relapses &&
           cycles == o.cycles && last_unclean == o.last_unclean && verified_clean == o.verified_clean && paged == o.paged && impact == o.impact && processes == o.processes &&
           timeline == o.timeline && lessons == o.lessons;
}

const char* to_string(IncidentState s) {
    switch (s) {
        case IncidentState::open: return "open";
        case IncidentState::recovering: return "recovering";
        case IncidentState::recovered: return "recovered";
    }
    return "open";
}

bool parse_incident_state(const std::string& s, IncidentState& out) {
    for (IncidentState v : {IncidentState::open, IncidentState::recovering, IncidentState::recovered})
        if (s == to_string(v)) {
            out = v;
            return true;
        }
    return false;
}

namespace {
std::string format_utc(int64_t t, const char* fmt) {
    std::time_t tt = static_cast<std::time_t>(t);
    struct tm tm {};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, fmt, &tm);
    return buf;
}
}  // namespace

std::string utc_time(int64_t t) { return t > 0 ? format_utc(t, "%Y-%m-%d %H:%M:%S UTC") : "-"; }
std::string iso_utc(int64_t t) { return format_utc(t, "%Y-%m-%dT%H:%M:%S.000Z"); }

std::string incident_id(const std::string& host, int64_t first_red) {
    return host + "-" + format_utc(first_red, "%Y%m%dT%H%M%SZ");
}

std::string Incident::status_text() const {
    std::string why = last_unclean.empty() ? "" : " (last unclean cycle: " + last_unclean + ")";
    switch (state) {
        case IncidentState::open: return "open since " + utc_time(opened) + why;
        case IncidentState::recovering:
            return "recovering: " + std::to_string(clean_cycles) + " of " + std::to_string(clean_needed) +
                   " clean cycles" + why;
        case IncidentState::recovered: return "recovered at " + utc_time(closed);
    }
    return "";
}

IncidentProcess* Incident::find_process(int pid, uint64_t start_ticks) {
    for (auto& p : processes)
        if (p.pid == pid && p.start_ticks == start_ticks) return &p;
    return nullptr;
}

}  // namespace mr
