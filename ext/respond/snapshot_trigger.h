// When the client takes an evidence snapshot by itself (issue 11): the first time a process
// (pid + start time + exe sha256) is red, and at most once per exe sha256 per 24 h per host. The
// state is the list of snapshots taken (kept 7 days, in $XYMONTMP), which is also what the next
// messages report. Pure: the caller reads and writes the state file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/evidence.h"

namespace mr {

constexpr int64_t kSnapshotPerExeSeconds = 24 * 3600;
constexpr int64_t kSnapshotReportSeconds = 24 * 3600;   // how long the messages carry a snapshot
constexpr int64_t kSnapshotKeepSeconds = 7 * 24 * 3600;

// True when a red process deserves a snapshot now: none yet of this process (pid and start
// time), and none of the same executable (sha256; "" = unknown, then only the process counts)
// in the last 24 h.
bool snapshot_due(const std::vector<SnapshotRecord>& taken, int pid, uint64_t start_ticks,
                  const std::string& sha256, int64_t now);

// Containment's "the evidence comes first": a good snapshot of this process, or of its
// executable (same sha256) in the last 24 h, which is why no second one was taken of it.
bool evidence_taken(const std::vector<SnapshotRecord>& taken, int pid, uint64_t start_ticks,
                    const std::string& sha256, int64_t now);

// The records a message carries: the last 24 h, newest first, at most `max`.
std::vector<SnapshotRecord> snapshots_to_report(const std::vector<SnapshotRecord>& taken, int64_t now,
                                                size_t max);

// State file: one snapshot_codec line per record. Records older than 7 days are dropped on
// load and save; garbage lines are skipped.
std::vector<SnapshotRecord> parse_snapshot_state(std::string_view text, int64_t now);
std::string format_snapshot_state(const std::vector<SnapshotRecord>& taken, int64_t now);

}  // namespace mr
