// Events in the Elastic Common Schema (ECS 9.4.0, the version of the @elastic/ecs field
// definitions the tests validate against), one JSON object per event, pure:
//   - status change: event.kind alert (red/yellow; categories malware + process) or event (green)
//   - finding: alert, malware + process (+ network for a pool connection), with process.*,
//     process.parent.*, user.*, host.*, destination.*, threat.* (MITRE ATT&CK T1496; the pool
//     list as threat.indicator.* with its provider), rule.*
//   - incident opened/closed and every other timeline event (acks, clean cycles, Respond's)
// Everything ECS has no field for is under miningrisk.*. event.id is a hash of what the client
// reported (host, report time, kind, process life), so two servers give the same id.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "incident/incident.h"
#include "model/findings.h"

namespace mr {

constexpr const char* kEcsVersion = "9.4.0";

using EcsEvent = nlohmann::ordered_json;

struct EcsContext {
    std::string host;
    std::string config_class;
    int64_t report_time = 0;       // @timestamp: the client's report time
    std::string agent;             // "miningrisk-client/0.1.0"
    std::string ioc_version;       // the pool list the client scanned with (threat.indicator.provider)
    std::string incident_id;       // "" when none
};

// Deterministic: 32 hex digits of SHA-256 over the parts.
std::string ecs_event_id(const std::string& host, const std::string& kind, int64_t time, const std::string& extra);

EcsEvent ecs_status_change(const EcsContext& c, Color from, Color to, const std::string& headline);
EcsEvent ecs_finding(const EcsContext& c, const Finding& f);
// A timeline event of the incident (opened = first_red, recovered = closed, acks, ...). `repeat`
// counts the identical events before it in the incident (two cycles of one second may say the
// same): part of event.id, so a SIEM that keys on it keeps both.
EcsEvent ecs_incident_event(const EcsContext& c, const TimelineEvent& e, const std::string& state, int repeat = 0);

}  // namespace mr
