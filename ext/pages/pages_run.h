// The page run: board in, files out. Reads the templates, each host's history and last stored
// status, renders through pages/pages_render (pure) and writes the pages atomically, skipping
// host pages whose inputs did not change.
#pragma once
#include <ctime>
#include <map>
#include <utility>
#include <string>
#include <vector>

#include "pages/pages_render.h"
#include "util/expected.h"
#include "xymon/board.h"
#include "xymon/xymon_template.h"

namespace mr {

struct PagesConfig {
    std::string www_dir;          // output
    std::string templates_dir;    // miningrisk_header/_footer, miningrisk_wall_header/_footer, miningrisk.css
    std::string history_dir;      // $XYMONHISTDIR; "" = no timelines
    std::string histlog_dir;      // $XYMONHISTLOGS (stored statuses); "" = no "Last evidence"
    std::string alerts_cfg;       // alerts.cfg text ("" = no rule), for "who is paged"
    int clean_hours = 24;         // the bar for "clean for long enough"
    std::string host_filter;      // ECMAScript regex on host names; "" = all
    TemplateVars env;             // for &NAME in templates
    PageUrls urls;
    std::time_t now = 0;
    bool durable = true;          // fsync the fleet and wall pages
    size_t history_events = 20;
    // host -> {incident id, status}: linked from the fleet and host pages (incident_pages.h).
    std::map<std::string, std::pair<std::string, std::string>> incidents;
};

struct PagesResult {
    size_t hosts = 0;
    size_t pages_written = 0;
    size_t stale_removed = 0;
    size_t unchanged = 0;         // host pages already up to date, not rewritten
    size_t hosts_skipped = 0;     // names that cannot be a file name
};

// Writes index.html, wall.html, miningrisk.css and host-HOST.html for every host, and removes
// host pages of hosts no longer on the board. Fails only when nothing useful could be written;
// per-host problems are counted and logged through `warn`.
Expected<PagesResult> generate_pages(const std::vector<BoardEntry>& board, const PagesConfig& cfg,
                                     void (*warn)(const std::string&) = nullptr);

}  // namespace mr
