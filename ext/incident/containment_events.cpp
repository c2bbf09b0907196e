#include "incident/containment_events.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "incident/impact.h"
#include "incident/lifecycle.h"
#include "util/utf8.h"

namespace mr {

namespace {

// The actions the client can report; anything else is not ours to put on a timeline (and the
// event kind, which pages use as an attribute, stays a known word).
constexpr std::array<std::string_view, 9> kActions = {"freeze", "thaw",    "kill",    "isolate", "unisolate",
                                                      "renew",  "snapshot", "observe", "none"};

std::string actor(const ContainmentRecord& r) {
    if (r.by == "policy" || r.by.empty()) return "by the containment policy";
    if (r.by == "hand") return "by hand on the host";
    return "ordered by " + valid_utf8(r.by) + (r.order.empty() ? "" : " (order " + valid_utf8(r.order) + ")");
}

// "Not contained, and why" and "would freeze" are verdicts, not actions: older clients say them
// again after each order they carry out; the timeline tells each one once.
bool verdict_already_told(const Incident& inc, const TimelineEvent& e) {
    if (e.kind != "contain_none" && e.kind != "contain_observe") return false;
    return std::any_of(inc.timeline.begin(), inc.timeline.end(),
                       [&](const TimelineEvent& t) { return t.kind == e.kind && t.text == e.text; });
}

}  // namespace

std::optional<TimelineEvent> containment_event(const ContainmentRecord& rec) {
    if (std::find(kActions.begin(), kActions.end(), rec.action) == kActions.end() || rec.result.empty())
        return std::nullopt;
    if (rec.action == "renew" && rec.result == "done") return std::nullopt;  // every cycle, by design
    std::string who = rec.comm.empty() ? "pid " + std::to_string(rec.pid)
                                       : valid_utf8(rec.comm) + " (pid " + std::to_string(rec.pid) + ")";
    std::string text = rec.action + " of " + who + " " + actor(rec) + ": " + valid_utf8(rec.result);
    if (!rec.method.empty()) text += " by " + valid_utf8(rec.method);
    if (rec.ms > 0) text += " in " + fixed(rec.ms, 0) + " ms";
    if (!rec.pids.empty() && rec.pids != std::to_string(rec.pid)) text += ", tree " + valid_utf8(rec.pids);
    // The reason is host text (up to 400 bytes from a message): a timeline line stays a line's worth.
    if (!rec.reason.empty()) text += ": " + valid_utf8(std::string_view(rec.reason).substr(0, 300));
    return TimelineEvent{rec.time, "containment", "contain_" + rec.action, std::move(text)};
}

void add_containment_events(Incident& inc, const std::vector<ContainmentRecord>& records) {
    for (const ContainmentRecord& rec : records) {
        if (rec.time < inc.opened) continue;
        std::optional<TimelineEvent> e = containment_event(rec);
        if (e && !verdict_already_told(inc, *e)) add_event(inc, std::move(*e));
    }
}

}  // namespace mr
