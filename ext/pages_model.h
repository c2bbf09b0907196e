// What the miningrisk pages show, worked out from board records: pure, no I/O, no HTML.
#pragma once
#include <ctime>
#include <string>
#include <vector>

#include "board.h"

namespace mr {

// One host's row on the fleet page / tile on the wall. Text fields are still untrusted.
struct HostRow {
    std::string host;
    std::string color;
    std::string headline;     // line 1 without the colour word
    std::string process;      // top suspect, e.g. "xmrig (pid 4316, user www-data)"; "" if none
    std::string pool;         // "203.0.113.5:3333" or ""
    double cores = -1;        // suspectcores NCV, else "on N cores" in the headline; -1 unknown
    int score = -1;
    int findings = -1;
    std::time_t since = 0;    // lastchange
    bool acked = false;
    std::string ackmsg;
};

struct FleetSummary {
    size_t watched = 0;
    size_t red = 0, yellow = 0, purple = 0, clear = 0, blue = 0, green = 0;
    bool all_clear() const { return red + yellow + purple == 0; }
    size_t needing_attention() const { return red + yellow + purple; }
};

// Xymon severity: red 5, yellow 4, purple 3, blue 2, clear 1, green 0, unknown -1.
int color_severity(const std::string& color);

// The value of an NCV line "name : value" in a status body; false when absent.
bool ncv_value(const std::string& message, const std::string& name, double& value);

HostRow make_row(const BoardEntry& e, std::time_t now);

// Rows for `test` only, worst first: colour, then longest in that colour, then most cores, then name.
std::vector<HostRow> fleet_rows(const std::vector<BoardEntry>& board, const std::string& test,
                                std::time_t now);
void sort_worst_first(std::vector<HostRow>& rows);
bool worse_than(const HostRow& a, const HostRow& b);

FleetSummary summarize(const std::vector<HostRow>& rows);

// "45s", "12m", "3h 05m", "2d 4h".
std::string format_duration(long seconds);
// "2026-11-26 22:45" in local time; "-" for 0.
std::string format_time(std::time_t t);
// "2h 05m (since 2026-11-26 22:45)".
std::string since_text(std::time_t since, std::time_t now);
// "1.9" for cores; "" when unknown.
std::string format_cores(double cores);

// A safe file name part for a host: Xymon host names are [A-Za-z0-9._-]; anything else
// (or a name starting with '.') is refused so a page can never be written outside --www.
bool host_file_name_ok(const std::string& host);

}  // namespace mr
