#include "incident/impact.h"

#include <fmt/core.h>

namespace mr {

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

Impact impact_of_core_hours(double core_hours, const ImpactSettings& s) {
    Impact i;
    i.core_hours = core_hours;
    i.core_seconds = core_hours * 3600.0;
    i.kwh = core_hours * (s.busy_watts - s.idle_watts) * s.pue / 1000.0;
    i.energy_cost = i.kwh * s.price_kwh;
    i.cpu_cost = core_hours * s.price_vcpu_hour;
    return i;
}

Impact compute_impact(const Incident& inc) {
    double seconds = 0;
    int lives = 0, estimated = 0;
    for (const IncidentProcess& p : inc.processes) {
        if (p.pid <= 0) continue;  // host-level evidence uses no CPU of its own
        ++lives;
        if (p.cpu_seconds >= 0) {
            seconds += p.cpu_seconds;
        } else {
            seconds += p.estimated_core_seconds;
            ++estimated;
        }
    }
    Impact i = impact_of_core_hours(seconds / 3600.0, inc.impact);
    i.core_seconds = seconds;
    i.lives = lives;
    i.estimated_lives = estimated;
    return i;
}

std::string impact_formula(const ImpactSettings& s) {
    std::string f = "kWh = core-hours x (" + fixed(s.busy_watts, 2) + " W busy - " + fixed(s.idle_watts, 2) +
                    " W idle per vCPU) x PUE " + fixed(s.pue, 3) + " / 1000";
    f += "; cost = kWh x " + fixed(s.price_kwh, 4) + " " + s.currency + "/kWh + core-hours x " +
         fixed(s.price_vcpu_hour, 4) + " " + s.currency + "/vCPU-hour";
    return f;
}

std::string impact_summary(const Impact& i, const ImpactSettings& s) {
    return fixed(i.core_hours, 2) + " core-hours, " + fixed(i.kwh, 4) + " kWh, " + fixed(i.cost(), 2) + " " + s.currency;
}

}  // namespace mr
