// The incident's state file: one kv_codec record a line (host text percent-encoded, so no
// process name can forge a line), written atomically by the store.
//   # miningrisk incident v1
//   incident id=web01-20261203T061500Z host=web01 opened=... state=recovering clean=3 needed=12 ...
//   process pid=4316 startticks=... comm=xmrig exe=/tmp/.x/xmrig cpu=14400.00 ...
//   event time=... source=worker kind=first_red text=...
// The engineer's "lessons learned" text is not in it: it has a file of its own beside it.
#pragma once
#include <string>
#include <string_view>

#include "incident/incident.h"
#include "util/expected.h"

namespace mr {

std::string serialize_incident(const Incident& inc);
// The incident, or a reason when the text has no incident line or a bad value; never throws.
Expected<Incident> parse_incident(std::string_view text);

}  // namespace mr
