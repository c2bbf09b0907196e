// The incident's record of what was done to its processes: each containment record the client
// reports (an automatic freeze or isolation, an operator's snapshot/freeze/thaw/kill order, a
// thaw by hand, a refusal) becomes one timeline event, source "containment", so it shows under
// "What was done", in the .md/.json exports and goes to the SIEM like any other event. A record
// is re-sent every cycle while it is recent; the same record gives the same event, which the
// timeline keeps once.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "incident/incident.h"
#include "model/evidence.h"

namespace mr {

// The event for one record, or nothing for bookkeeping the incident need not tell: a routine
// renewal of isolation rules (every cycle), an unknown action or an empty result.
std::optional<TimelineEvent> containment_event(const ContainmentRecord& rec);

// Adds the events of `records` made while the incident was open (not before it opened: the
// records of an earlier incident can still be in the message).
void add_containment_events(Incident& inc, const std::vector<ContainmentRecord>& records);

}  // namespace mr
