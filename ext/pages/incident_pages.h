// The incident pages: one report per incident (incident-ID.html, printable on A4, with
// incident-ID.md and incident-ID.json exports of the same content) and the incidents index
// (incidents.html: open and closed, newest first), written atomically beside the fleet pages.
// Built with HtmlDoc: host text is text on every page.
#pragma once
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "incident/entry_hints.h"
#include "incident/incident.h"
#include "incident/incident_report.h"
#include "util/expected.h"
#include "xymon/xymon_template.h"

namespace mr {

struct IncidentPagesConfig {
    std::string www_dir;
    std::string templates_dir;
    std::string incidents_dir;       // shown on the page: where the lessons-learned file is
    TemplateVars env;
    std::time_t now = 0;
};

std::string render_incident_body(const IncidentReport& r, const std::string& lessons_path);
std::string render_incidents_index(const std::vector<const Incident*>& newest_first, std::time_t now);

// "incident-ID.html"
std::string incident_page_name(const std::string& id, const char* ext = ".html");

// Incidents per host for the host and fleet pages: the open one, else the latest.
std::map<std::string, const Incident*> latest_incident_per_host(const std::vector<Incident>& all);

struct IncidentPagesResult {
    size_t incidents = 0;
    size_t files_written = 0;
    size_t skipped = 0;              // ids unfit for a file name
};

// Writes every incident's page and exports (only when changed) and the index; a file that cannot
// be written is named in the error, the others are still written.
Expected<IncidentPagesResult> generate_incident_pages(const std::vector<Incident>& all, const EntryHintRules& rules,
                                                      const IncidentPagesConfig& cfg);

}  // namespace mr
