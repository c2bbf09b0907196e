// The Xymon board as records: what `xymondxboard` / `xymondxlog` (XML, ISO-8859-1) and
// `xymondboard fields=...` (pipe format) return, plus the per-column history file.
// Everything in a record except host/test/times came from a monitored host: untrusted text.
#pragma once
#include <ctime>
#include <string>
#include <vector>

#include "util/expected.h"

namespace mr {

struct BoardEntry {
    std::string host;
    std::string test;
    std::string color;          // green, yellow, red, clear, blue, purple
    std::time_t lastchange = 0;
    std::time_t logtime = 0;
    std::time_t validtime = 0;
    std::time_t acktime = 0;    // 0: not acknowledged
    std::string ackmsg;
    std::string line1;          // first line after the colour word, e.g. "xmrig (pid 4316, ...)"
    std::string message;        // full text from the colour word on; "" when the board lacks it
};

// Field list for the pipe query; hostname..cookie are server-made, msg is escaped by xymond
// (\n \t \p \\), ackmsg last so that a raw '|' in it cannot shift other fields.
constexpr const char* kPipeBoardFields =
    "hostname,testname,color,lastchange,logtime,validtime,acktime,msg,ackmsg";

// Parses `xymondxboard` (<StatusBoard><ServerStatus>...) or a single `xymondxlog` answer
// (<ServerStatus>...<Message>). Only well-formed XML is accepted (no recovery, no network, no
// entity expansion): line 1 of a status can contain "]]>" and so break out of its CDATA, so a
// malformed board is refused, and when a host/test appears twice (a forged record) the worse
// colour wins, so a forgery can add an alarm but never hide one. Live use prefers the pipe format.
Expected<std::vector<BoardEntry>> parse_xml_board(const std::string& xml);

// Parses `xymondboard ... fields=<kPipeBoardFields>` output.
Expected<std::vector<BoardEntry>> parse_pipe_board(const std::string& text);

// Either format, chosen by the first non-blank character ('<' = XML).
Expected<std::vector<BoardEntry>> parse_board(const std::string& text);

// Undoes xymond's escaping of the msg field: \n \t \p(|) \\ .
std::string unescape_board_field(const std::string& s);

// "status+30 h.t red headline" or "red headline" -> color "red", line1 "headline".
void split_first_line(const std::string& first_line, std::string& color, std::string& rest);

// Xymon's text time "Thu Nov 26 21:57:00 2026" (local time) -> epoch; 0 for "N/A" or garbage.
std::time_t parse_xymon_time(const std::string& s);

// One colour change from the history file (hist/HOST.TEST):
// "Thu Nov 26 22:45:42 2026 red 1795733142 15" (duration added once the next change comes).
struct HistoryEvent {
    std::time_t start = 0;
    std::string color;
    long duration = -1;        // seconds; -1 = still current
};

// Bad lines are skipped; returns the last `max_events` events, newest first.
std::vector<HistoryEvent> parse_history(const std::string& text, size_t max_events);

}  // namespace mr
