#include "incident/clean_cycle.h"

#include <algorithm>

#include "util/utf8.h"

namespace mr {

namespace {

// Host text in a reason: valid UTF-8 and short (it goes to the status line and the pages,
// which escape it).
std::string host_text(const std::string& s, size_t max = 160) {
    std::string v = valid_utf8(s);
    return v.size() > max ? v.substr(0, max) + "..." : v;
}

std::string short_sha(const std::string& s) { return host_text(s.substr(0, 12), 12); }

// A red anywhere is the miner back, whatever came first in the list; then a yellow; then a
// pool connection on a process no rule coloured.
CycleVerdict from_findings(const CycleView& c) {
    CycleVerdict v;
    if (!c.findings) return v;
    auto who = [](const Finding& f) {
        return host_text(f.comm, 64) + (f.pid > 0 ? " (pid " + std::to_string(f.pid) + ")" : "");
    };
    for (Color want : {Color::red, Color::yellow})
        for (const Finding& f : *c.findings)
            if (f.color == want) {
                v.reason = std::string(to_string(f.color)) + " finding " + who(f);
                v.relapse = want == Color::red;
                return v;
            }
    for (const Finding& f : *c.findings) {
        bool pool = !f.pool.empty();
        for (const Signal& s : f.signals) pool |= s.id == "pool_connection";
        if (pool) {
            v.reason = "pool connection " + (f.pool.empty() ? "" : host_text(f.pool, 100) + " ") + "from " + who(f);
            v.relapse = true;
            return v;
        }
    }
    return v;
}

// The first trace still there (or not checkable), in the order that matters most: a running
// copy, a file, persistence, then anything else.
std::string trace_reason(const RecoveryFacts& r, const std::vector<std::string>& mine, bool& relapse) {
    for (const char* kind : {"running", "file", "persistence", ""}) {
        for (const RecoveryItem& it : r.items) {
            if (!mine.empty() && !it.of.empty() && std::find(mine.begin(), mine.end(), it.of) == mine.end()) continue;
            bool other = std::string(kind).empty() && it.kind != "running" && it.kind != "file" && it.kind != "persistence";
            if (it.kind != kind && !other) continue;
            if (it.presence == TracePresence::gone) continue;
            std::string detail = it.detail.empty() ? "" : " (" + host_text(it.detail, 120) + ")";
            if (it.presence == TracePresence::unknown)
                return "cannot verify " + host_text(it.kind, 32) + " " + host_text(it.what) + detail;
            if (it.kind == "running") {
                relapse = true;
                return "exe sha256 " + short_sha(it.what) + "... running again" + detail;
            }
            if (it.kind == "file") return "the incident's executable is back at " + host_text(it.what) + detail;
            if (it.kind == "persistence") return "persistence item still present: " + host_text(it.what);
            return host_text(it.kind, 32) + " still present: " + host_text(it.what) + detail;
        }
    }
    return "";
}

std::string tuning_reason(const HostTuning& now, const HostTuning& before) {
    if (before.hugepages >= 0) {
        if (now.hugepages < 0) return "cannot verify huge pages (not reported)";
        if (now.hugepages > before.hugepages)
            return "huge pages not back: nr_hugepages " + std::to_string(now.hugepages) + ", " +
                   std::to_string(before.hugepages) + " before the incident";
    }
    if (before.msr >= 0) {
        if (now.msr < 0) return "cannot verify the msr module (not reported)";
        if (now.msr > before.msr)
            return std::string("msr module not back: ") + msr_text(now.msr) + ", " + msr_text(before.msr) +
                   " before the incident";
    }
    return "";
}

}  // namespace

CycleVerdict judge_cycle(const CycleView& c) {
    CycleVerdict v = from_findings(c);
    v.verified = c.recovery != nullptr;
    if (!v.reason.empty()) return v;
    if (!c.visibility_full) {
        v.reason = "limited visibility";
        return v;
    }
    if (!c.recovery) return v;
    bool relapse = false;
    v.reason = trace_reason(*c.recovery, c.incident_sha256, relapse);
    if (v.reason.empty()) v.reason = tuning_reason(c.recovery->now, c.recovery->before);
    v.relapse = relapse;
    v.from_recovery = !v.reason.empty();
    return v;
}

}  // namespace mr
