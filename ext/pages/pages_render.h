// The fleet, wall and host pages' bodies as HTML (built with HtmlDoc, so host text stays text).
// Pure: rows and board entries in, HTML out; pages/pages_run writes the files.
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
    std::string seccgi = "/xymon-seccgi";    // $XYMONSERVERSECURECGIURL (the order CGI)
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

}  // namespace mr
