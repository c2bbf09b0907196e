#include "xymon/snapshot_codec.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>

namespace mr {

namespace {
// Host-supplied text in the message is bounded (the server's status has a byte budget).
std::string clip(const std::string& s, size_t max) { return s.size() > max ? s.substr(0, max) : s; }

uint64_t to_u64(const std::string& s) {
    if (s.empty() || s[0] == '-') return 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    return end && *end == '\0' ? v : 0;
}

// A count or pid from the host: never above 2^30, so it cannot overflow an int downstream.
int count_field(const KvRecord& rec, const char* key) {
    return static_cast<int>(std::min<uint64_t>(to_u64(kv_get(rec, key)), 1u << 30));
}

}  // namespace

KvRecord snapshot_to_kv(const SnapshotRecord& r) {
    return {{"id", clip(r.id, 200)},
            {"time", std::to_string(r.time)},
            {"pid", std::to_string(r.pid)},
            {"start", std::to_string(r.start_ticks)},
            {"comm", clip(r.comm, 64)},
            {"exe", clip(r.exe, 512)},
            {"sha256", clip(r.sha256, 64)},
            {"manifest", clip(r.manifest_sha256, 64)},
            {"prev", clip(r.prev_manifest, 64)},
            {"files", std::to_string(r.files)},
            {"bytes", std::to_string(r.bytes)},
            {"seconds", fmt::format("{:.2f}", r.seconds)},
            {"trigger", clip(r.trigger, 120)},
            {"tree", clip(r.tree, 1500)},
            {"persistence", clip(r.persistence, 1600)},
            {"skipped", clip(r.skipped, 1600)},
            {"hits", std::to_string(r.ioc_hits)},
            {"hitlist", clip(r.hits, 1100)},
            {"status", clip(r.status, 300)}};
}

SnapshotRecord snapshot_from_kv(const KvRecord& rec) {
    SnapshotRecord r;
    r.id = clip(kv_get(rec, "id"), 200);
    r.time = static_cast<int64_t>(to_u64(kv_get(rec, "time")));
    r.pid = count_field(rec, "pid");
    r.start_ticks = to_u64(kv_get(rec, "start"));
    r.comm = clip(kv_get(rec, "comm"), 64);
    r.exe = clip(kv_get(rec, "exe"), 512);
    r.sha256 = clip(kv_get(rec, "sha256"), 64);
    r.manifest_sha256 = clip(kv_get(rec, "manifest"), 64);
    r.prev_manifest = clip(kv_get(rec, "prev"), 64);
    r.files = count_field(rec, "files");
    r.bytes = to_u64(kv_get(rec, "bytes"));
    double s = std::strtod(kv_get(rec, "seconds", "0").c_str(), nullptr);
    r.seconds = s >= 0 && s < 1e6 ? s : 0;
    r.trigger = clip(kv_get(rec, "trigger"), 120);
    r.tree = clip(kv_get(rec, "tree"), 1500);
    r.persistence = clip(kv_get(rec, "persistence"), 1600);
    r.skipped = clip(kv_get(rec, "skipped"), 1600);
    r.ioc_hits = count_field(rec, "hits");
    r.hits = clip(kv_get(rec, "hitlist"), 1100);
    r.status = clip(kv_get(rec, "status", "ok"), 300);
    return r;
}

KvRecord containment_to_kv(const ContainmentRecord& r) {
    return {{"time", std::to_string(r.time)},     {"pid", std::to_string(r.pid)},
            {"start", std::to_string(r.start_ticks)}, {"comm", clip(r.comm, 64)},
            {"action", clip(r.action, 20)},        {"result", clip(r.result, 20)},
            {"method", clip(r.method, 40)},        {"reason", clip(r.reason, 400)},
            {"by", clip(r.by, 80)},                {"order", clip(r.order, 80)},
            {"pids", clip(r.pids, 400)},           {"ms", fmt::format("{:.0f}", r.ms)},
            {"cpu", std::to_string(r.cpu_ticks)}};
}

ContainmentRecord containment_from_kv(const KvRecord& rec) {
    ContainmentRecord r;
    r.time = static_cast<int64_t>(to_u64(kv_get(rec, "time")));
    r.pid = count_field(rec, "pid");
    r.start_ticks = to_u64(kv_get(rec, "start"));
    r.comm = clip(kv_get(rec, "comm"), 64);
    r.action = clip(kv_get(rec, "action"), 20);
    r.result = clip(kv_get(rec, "result"), 20);
    r.method = clip(kv_get(rec, "method"), 40);
    r.reason = clip(kv_get(rec, "reason"), 400);
    r.by = clip(kv_get(rec, "by", "policy"), 80);
    r.order = clip(kv_get(rec, "order"), 80);
    r.pids = clip(kv_get(rec, "pids"), 400);
    r.ms = static_cast<double>(std::min<uint64_t>(to_u64(kv_get(rec, "ms")), 1000000));
    r.cpu_ticks = to_u64(kv_get(rec, "cpu"));
    return r;
}

}  // namespace mr
