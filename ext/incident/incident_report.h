// The incident report's content, worked out once for the page and both exports (.md, .json):
// summary line, hosts, timeline, evidence, entry hints, impact, what was done, lessons learned.
#pragma once
#include <string>
#include <vector>

#include "incident/entry_hints.h"
#include "incident/impact.h"
#include "incident/incident.h"
#include "util/expected.h"

namespace mr {

struct IncidentReport {
    const Incident* incident = nullptr;
    std::string summary;                  // one line, host text included
    std::vector<EntryHint> hints;
    Impact impact;
    std::string formula;
    std::vector<const TimelineEvent*> done;  // what people and tools did (not the client/worker's)
};

IncidentReport build_report(const Incident& inc, const EntryHintRules& rules);

// The checklist from the seed talk a new incident's lessons-learned file starts with.
std::string lessons_template(const Incident& inc);

// Markdown: host text escaped (no line breaks, no markup from a process name).
std::string report_markdown(const IncidentReport& r);
// JSON (one object; host text as JSON strings, invalid UTF-8 replaced by U+FFFD, "</" as "<\/").
std::string report_json(const IncidentReport& r);
// Reads a report_json() text back into the incident it was made from (derived parts, such as
// hints and impact, are recomputed from it). A reason on bad input; never throws.
Expected<Incident> incident_from_json(const std::string& text);

}  // namespace mr
