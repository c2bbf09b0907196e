// The fleet, wall and host pages' bodies as HTML (built with HtmlDoc, so host text stays text),
// and the whole run that writes them: board in, files out.
#pragma once
#include <ctime>
#include <regex>
#include <string>
#include <vector>

#include "xymon/board.h"
#include "pages/pages_model.h"
#include "xymon/xymon_template.h"

namespace mr {

struct PageUrls {
    std::string cgi = "/xymon-cgi";          // $XYMONSERVERCGIURL
    std::string skin = "/xymon/gifs/static";  // $XYMONSKIN (colour icons)
    std::string pages = "/xymon/miningrisk";  // where the pages are served
    std::string test = "miningrisk";

    std::string host_page(const std::string& host) const;        // relative: host-H.html
    std::string status(const std::string& host) const;
    std::string history(const std::string& host) const;
    std::string graph(const std::string& host) const;
    std::string icon(const std::string& color, bool acked) const;
    // Xymon's stored status of the colour change at `t` (historylog.sh, TIMEBUF = histlog_time).
    std::string histlog(const std::string& host, std::time_t t) const;
};

// What the host page shows beyond the board: the evidence of the last red/yellow episode.
struct HostPageExtras {
    const HistoryEvent* last_alarm = nullptr;  // last_ended_alarm(history); null: none
    bool have_stored = false;                  // its stored status was found and parsed
    StoredStatus stored;
    size_t timeline_max = 20;
};

std::string render_fleet_body(const std::vector<HostRow>& rows, const FleetSummary& s,
                              std::time_t now, const PageUrls& urls);
std::string render_wall_body(const std::vector<HostRow>& rows, const FleetSummary& s,
                             std::time_t now, const PageUrls& urls, size_t max_tiles = 12);
std::string render_host_body(const HostRow& row, const BoardEntry& entry,
                             const std::vector<HistoryEvent>& history, std::time_t now,
                             const PageUrls& urls, const HostPageExtras& extras = {});

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
};

struct PagesResult {
    size_t hosts = 0;
    size_t pages_written = 0;
    size_t stale_removed = 0;
    size_t unchanged = 0;         // host pages already up to date, not rewritten
    size_t hosts_skipped = 0;     // names that cannot be a file name
};

// Writes index.html, wall.html, miningrisk.css and host-HOST.html for every host, and removes
// host pages of hosts no longer on the board. false (and error) only when nothing useful could
// be written; per-host problems are counted and logged through `warn`.
bool generate_pages(const std::vector<BoardEntry>& board, const PagesConfig& cfg,
                    PagesResult& result, std::string* error,
                    void (*warn)(const std::string&) = nullptr);

}  // namespace mr
