#include "respond/contain_state.h"

#include <algorithm>
#include <cstdlib>

#include "util/text_util.h"
#include "xymon/snapshot_codec.h"

namespace mr {

namespace {
constexpr int64_t kDay = 24 * 3600;
constexpr int64_t kKeep = 7 * kDay;
}  // namespace

std::vector<RedStreak> update_streaks(const std::vector<RedStreak>& prev,
                                      const std::vector<std::pair<int, uint64_t>>& red_now, int64_t now,
                                      int interval_seconds) {
    std::vector<RedStreak> out;
    const int64_t gap = std::max<int64_t>(60, interval_seconds * 5 / 2);
    for (const auto& [pid, start] : red_now) {
        RedStreak s{pid, start, 1, now};
        for (const RedStreak& p : prev)
            if (p.pid == pid && p.start_ticks == start && now - p.last <= gap && now > p.last) s.count = p.count + 1;
            else if (p.pid == pid && p.start_ticks == start && now == p.last) s.count = p.count;  // same cycle again
        out.push_back(s);
    }
    return out;
}

int streak_of(const std::vector<RedStreak>& s, int pid, uint64_t start_ticks) {
    for (const RedStreak& r : s)
        if (r.pid == pid && r.start_ticks == start_ticks) return r.count;
    return 0;
}

int actions_in_24h(const std::vector<ContainmentRecord>& records, int64_t now) {
    // one action per process contained, whether frozen, isolated or both
    std::vector<std::pair<int, uint64_t>> seen;
    for (const auto& r : records)
        if ((r.action == "freeze" || r.action == "isolate") && r.result == "done" && now - r.time < kDay &&
            std::find(seen.begin(), seen.end(), std::make_pair(r.pid, r.start_ticks)) == seen.end())
            seen.emplace_back(r.pid, r.start_ticks);
    return static_cast<int>(seen.size());
}

const ContainmentRecord* last_record(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks,
                                     const std::string& action) {
    const ContainmentRecord* best = nullptr;
    for (const auto& r : records)
        if (r.pid == pid && r.start_ticks == start_ticks && (action.empty() || r.action == action) &&
            (!best || r.time >= best->time))
            best = &r;
    return best;
}

bool verdict_already_said(const std::vector<ContainmentRecord>& records, const ContainmentRecord& verdict) {
    const ContainmentRecord* last = last_record(records, verdict.pid, verdict.start_ticks, verdict.action);
    return last && last->result == verdict.result && last->reason == verdict.reason;
}

std::vector<ContainmentRecord> records_to_report(const std::vector<ContainmentRecord>& records, int64_t now, size_t max) {
    std::vector<ContainmentRecord> out;
    for (const auto& r : records)
        if (now - r.time < kDay) out.push_back(r);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.time > b.time; });
    if (out.size() > max) out.resize(max);
    return out;
}

ContainState parse_contain_state(std::string_view text, int64_t now) {
    ContainState s;
    LineReader lines(text);
    for (std::string_view line; lines.next(line) && s.records.size() < 1000;) {
        KvRecord kv = parse_kv_line(line);
        std::string kind = kv_get(kv, "kind");
        if (kind == "streak") {
            RedStreak r;
            r.pid = std::atoi(kv_get(kv, "pid").c_str());
            r.start_ticks = std::strtoull(kv_get(kv, "start").c_str(), nullptr, 10);
            r.count = std::atoi(kv_get(kv, "count").c_str());
            r.last = std::atoll(kv_get(kv, "last").c_str());
            if (r.pid > 0 && r.count > 0 && s.streaks.size() < 1000) s.streaks.push_back(r);
        } else if (kind == "record") {
            ContainmentRecord r = containment_from_kv(kv);
            if (r.pid > 0 && now - r.time < kKeep) s.records.push_back(std::move(r));
        }
    }
    return s;
}

std::string format_contain_state(const ContainState& s, int64_t now) {
    std::string out;
    for (const RedStreak& r : s.streaks)
        out += encode_kv_line({{"kind", "streak"}, {"pid", std::to_string(r.pid)}, {"start", std::to_string(r.start_ticks)},
                               {"count", std::to_string(r.count)}, {"last", std::to_string(r.last)}}) + "\n";
    for (const ContainmentRecord& r : s.records) {
        if (now - r.time >= kKeep) continue;
        KvRecord kv = {{"kind", "record"}};
        for (auto& p : containment_to_kv(r)) kv.push_back(p);
        out += encode_kv_line(kv) + "\n";
    }
    return out;
}

}  // namespace mr
