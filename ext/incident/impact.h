// What an incident cost, shown plainly with its formula:
//   core-hours = sum over the incident's process lives (pid + start ticks) of their CPU time
//                (the last CPU seconds the client reported for that life, i.e. every cycle's
//                delta counted from the process's start; a restarted miner is a new life and
//                adds up); a life without reported CPU time counts cores x cycle per report.
//   kWh        = core-hours x (busy W - idle W) x PUE / 1000   (busy counted above idle: the
//                host would have drawn its idle power anyway)
//   money      = kWh x price per kWh + core-hours x price per vCPU-hour (cloud hosts)
#pragma once
#include <string>

#include "incident/incident.h"

namespace mr {

struct Impact {
    double core_seconds = 0;
    double core_hours = 0;
    double kwh = 0;
    double energy_cost = 0;      // kWh x price_kwh
    double cpu_cost = 0;         // core-hours x price_vcpu_hour
    double cost() const { return energy_cost + cpu_cost; }
    int lives = 0;               // process lives counted
    int estimated_lives = 0;     // of those, from cores x cycle (no CPU time reported)
};

Impact compute_impact(const Incident& inc);
Impact impact_of_core_hours(double core_hours, const ImpactSettings& s);

// "core-hours x (3.5 W - 0.74 W) x PUE 1.135 / 1000 = kWh; kWh x 0.30 EUR + ..." with the values used.
std::string impact_formula(const ImpactSettings& s);
// "4.00 core-hours, 0.0125 kWh, 0.00 EUR"
std::string impact_summary(const Impact& i, const ImpactSettings& s);
// Fixed decimals without locale surprises.
std::string fixed(double v, int decimals);

}  // namespace mr
