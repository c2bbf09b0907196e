#include "xymon/recovery_codec.h"

#include <cstdlib>

namespace mr {

namespace {

std::string clip(const std::string& s, size_t max) { return s.size() > max ? s.substr(0, max) : s; }

// -1 for unknown or garbage; never above 2^30 (huge pages counts on real hosts are far below).
long small_number(const std::string& s, long max) {
    if (s.empty() || s.size() > 12) return -1;
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (!end || *end != '\0' || v < 0) return -1;
    return v > max ? max : v;
}

const char* presence_code(TracePresence p) {
    switch (p) {
        case TracePresence::gone: return "0";
        case TracePresence::present: return "1";
        case TracePresence::unknown: return "?";
    }
    return "?";
}

TracePresence presence_from(const std::string& s) {
    if (s == "0") return TracePresence::gone;
    if (s == "1") return TracePresence::present;
    return TracePresence::unknown;  // anything else cannot be trusted as "gone"
}

}  // namespace

std::vector<KvRecord> recovery_to_kv(const RecoveryFacts& r) {
    std::vector<KvRecord> out;
    out.push_back({{"kind", "host"},
                   {"hugepages", std::to_string(r.now.hugepages)},
                   {"msr", std::to_string(r.now.msr)},
                   {"hugepages_before", std::to_string(r.before.hugepages)},
                   {"msr_before", std::to_string(r.before.msr)}});
    for (const RecoveryItem& it : r.items) {
        if (out.size() > kMaxRecoveryItems) break;
        out.push_back({{"kind", clip(it.kind, 32)},
                       {"what", clip(it.what, 600)},
                       {"present", presence_code(it.presence)},
                       {"detail", clip(it.detail, 300)},
                       {"of", clip(it.of, 64)}});
    }
    return out;
}

void recovery_add_kv(const KvRecord& rec, RecoveryFacts& r) {
    std::string kind = clip(kv_get(rec, "kind"), 32);
    if (kind == "host") {
        r.now.hugepages = small_number(kv_get(rec, "hugepages"), 1L << 30);
        r.now.msr = static_cast<int>(small_number(kv_get(rec, "msr"), 2));
        r.before.hugepages = small_number(kv_get(rec, "hugepages_before"), 1L << 30);
        r.before.msr = static_cast<int>(small_number(kv_get(rec, "msr_before"), 2));
        return;
    }
    if (kind.empty() || r.items.size() >= kMaxRecoveryItems) return;
    RecoveryItem it;
    it.kind = kind;
    it.what = clip(kv_get(rec, "what"), 600);
    if (it.what.empty()) return;
    it.presence = presence_from(kv_get(rec, "present"));
    it.detail = clip(kv_get(rec, "detail"), 300);
    it.of = clip(kv_get(rec, "of"), 64);
    r.items.push_back(std::move(it));
}

}  // namespace mr
