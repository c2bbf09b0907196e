// Verified recovery, the host side (issue 11, section 3): are the incident's traces still on the
// host? Root's own evidence directory says what to look for: each snapshot of the host since
// `since` has a recovery.txt (written with the snapshot, listed in its SHA256SUMS) naming the
// exe's sha256, size and path and each persistence line found. The check looks, under a proc
// root and a file root (fixture trees in tests):
//   running      a process whose executable (through /proc/PID/exe: deleted or memfd too) has
//                that sha256 (hashed only when the size matches)
//   file         a regular file (never a symlink followed) at the recorded path with that sha256
//   persistence  the recorded line still in that file
// Each answer is gone, present, or unknown with why (unreadable, snapshot without recovery.txt).
// Run as root by miningrisk-snapshot --recovery-check: the caller chooses no path.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/recovery.h"

namespace mr {

// What one snapshot asked to verify (recovery.txt).
struct TraceBaseline {
    std::string snapshot;              // the evidence directory's name
    std::string sha256;                // "" when the exe was not copied
    uint64_t size = 0;
    std::string exe_path;              // as /proc/PID/exe read it, " (deleted)" left out
    struct Line {
        std::string file, text;
    };
    std::vector<Line> persistence;
};

std::string format_trace_baseline(const TraceBaseline& b);
// The persistence lines of one host file for the baseline: the lines the persistence rules
// flagged (their evidence is "FILE:LINE: text"), the lines naming the exe (lines_naming():
// "LINE: text"), all of ld.so.preload.
std::vector<TraceBaseline::Line> baseline_lines(const std::string& file, std::string_view text,
                                                const std::vector<std::string>& evidence,
                                                const std::vector<std::string>& naming_exe);
// Never fails: bad lines are skipped.
TraceBaseline parse_trace_baseline(const std::string& text);

struct TraceCheckRequest {
    std::string proc_root = "/proc";
    std::string root = "/";
    std::string evidence_dir = "/var/lib/xymon/miningrisk/evidence";
    std::string host;
    int64_t since = 0;                 // snapshots taken at or after (unix seconds; from the name)
    size_t max_hash_bytes = 64u << 20;
};

std::vector<RecoveryItem> check_traces(const TraceCheckRequest& req);

constexpr const char* kTraceBaselineFile = "recovery.txt";

}  // namespace mr
