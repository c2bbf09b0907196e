#include "respond/snapshot_trigger.h"

#include <algorithm>

#include "util/text_util.h"
#include "xymon/snapshot_codec.h"

namespace mr {

bool snapshot_due(const std::vector<SnapshotRecord>& taken, int pid, uint64_t start_ticks,
                  const std::string& sha256, int64_t now) {
    for (const SnapshotRecord& r : taken) {
        if (r.pid == pid && r.start_ticks == start_ticks) return false;
        if (!sha256.empty() && r.sha256 == sha256 && now - r.time < kSnapshotPerExeSeconds) return false;
    }
    return true;
}

bool evidence_taken(const std::vector<SnapshotRecord>& taken, int pid, uint64_t start_ticks,
                    const std::string& sha256, int64_t now) {
    return std::any_of(taken.begin(), taken.end(), [&](const SnapshotRecord& r) {
        if (r.status != "ok") return false;
        if (r.pid == pid && r.start_ticks == start_ticks) return true;
        return !sha256.empty() && r.sha256 == sha256 && now - r.time < kSnapshotPerExeSeconds;
    });
}

std::vector<SnapshotRecord> snapshots_to_report(const std::vector<SnapshotRecord>& taken, int64_t now,
                                                size_t max) {
    std::vector<SnapshotRecord> out;
    for (const SnapshotRecord& r : taken)
        if (now - r.time < kSnapshotReportSeconds) out.push_back(r);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.time > b.time; });
    if (out.size() > max) out.resize(max);
    return out;
}

std::vector<SnapshotRecord> parse_snapshot_state(std::string_view text, int64_t now) {
    std::vector<SnapshotRecord> out;
    LineReader lines(text);
    for (std::string_view line; lines.next(line) && out.size() < 1000;) {
        if (line.empty()) continue;
        SnapshotRecord r = snapshot_from_kv(parse_kv_line(line));
        if (r.pid <= 0 || r.time <= 0 || now - r.time >= kSnapshotKeepSeconds) continue;
        out.push_back(std::move(r));
    }
    return out;
}

std::string format_snapshot_state(const std::vector<SnapshotRecord>& taken, int64_t now) {
    std::string out;
    for (const SnapshotRecord& r : taken)
        if (now - r.time < kSnapshotKeepSeconds) out += encode_kv_line(snapshot_to_kv(r)) + "\n";
    return out;
}

}  // namespace mr
