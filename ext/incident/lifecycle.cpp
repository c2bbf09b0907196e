#include "incident/lifecycle.h"

#include <algorithm>

#include "incident/containment_events.h"
#include "util/utf8.h"

namespace mr {

namespace {

std::vector<std::string> utf8_all(const std::vector<std::string>& v) {
    std::vector<std::string> out;
    out.reserve(v.size());
    for (const auto& s : v) out.push_back(valid_utf8(s));
    return out;
}

std::string who(const IncidentProcess& p) {
    return p.pid > 0 ? p.comm + " (pid " + std::to_string(p.pid) + ", user " + p.user + ")" : "the host itself";
}

// The process's own times go on the timeline once, when it first joins: they may be long
// before the first red (the miner dropped at night, found in the morning).
void add_process_events(Incident& inc, const IncidentProcess& p) {
    if (p.start_time > 0) add_event(inc, {p.start_time, "client", "process_start", who(p) + " started"});
    if (p.exe_mtime > 0)
        add_event(inc, {p.exe_mtime, "client", "exe_mtime", "executable " + p.exe + " last modified (mtime)"});
    if (p.exe_ctime > 0 && p.exe_ctime != p.exe_mtime)
        add_event(inc, {p.exe_ctime, "client", "exe_ctime", "executable " + p.exe + " inode changed (ctime)"});
}

void gather(Incident& inc, const CycleInput& in, LifecycleResult& r) {
    if (!in.findings) return;
    for (const Finding& f : *in.findings) {
        if (f.color < Color::yellow) continue;
        IncidentProcess* p = inc.find_process(f.pid, f.start_ticks);
        if (!p) {
            if (inc.processes.size() >= kMaxIncidentProcesses) continue;
            IncidentProcess np;
            np.pid = f.pid;
            np.start_ticks = f.start_ticks;
            np.first_seen = in.time;
            inc.processes.push_back(std::move(np));
            p = &inc.processes.back();
            r.new_processes.push_back(inc.processes.size() - 1);
        }
        // The latest report wins for what can change; the worst colour and all signals stay.
        // Host text enters the incident as valid UTF-8 (invalid bytes as U+FFFD), so the report,
        // its .md and .json and the state file all say the same (Xymon's clientlog keeps the bytes).
        p->start_time = f.start_time ? f.start_time : p->start_time;
        p->comm = valid_utf8(f.comm);
        p->exe = valid_utf8(f.exe);
        p->user = valid_utf8(f.user);
        p->parent_comm = valid_utf8(f.parent_comm);
        if (!f.parent_chain.empty()) p->parent_chain = utf8_all(f.parent_chain);
        else if (p->parent_chain.empty() && !f.parent_comm.empty()) p->parent_chain = {p->parent_comm};
        if (!f.pool.empty()) p->pool = valid_utf8(f.pool);
        if (!f.sha256.empty()) p->sha256 = valid_utf8(f.sha256);
        p->argv = utf8_all(f.argv);
        for (const Signal& s : f.signals)
            if (std::find(p->signals.begin(), p->signals.end(), s.id) == p->signals.end()) p->signals.push_back(s.id);
        if (f.color > p->worst) p->worst = f.color;
        if (f.exe_mtime) p->exe_mtime = f.exe_mtime;
        if (f.exe_ctime) p->exe_ctime = f.exe_ctime;
        if (f.cpu_seconds >= 0) p->cpu_seconds = std::max(p->cpu_seconds, f.cpu_seconds);
        p->estimated_core_seconds += f.cores * in.interval;
        p->last_seen = in.time;
        r.changed = true;
    }
    for (size_t i : r.new_processes) add_process_events(inc, inc.processes[i]);
}

}  // namespace

bool add_cycle_event(Incident& inc, TimelineEvent ev) {
    if (inc.timeline.size() >= kMaxTimelineEvents) return false;
    inc.timeline.push_back(std::move(ev));
    sort_timeline(inc.timeline);
    return true;
}

bool add_event(Incident& inc, TimelineEvent ev) {
    for (const auto& e : inc.timeline)
        if (e == ev) return false;
    return add_cycle_event(inc, std::move(ev));
}

LifecycleResult advance(std::optional<Incident>& open, HostMemo& memo, const CycleInput& in,
                        const IncidentSettings& settings) {
    LifecycleResult r;
    r.previous_color = memo.last_color;
    r.color_changed = !memo.known || memo.last_color != in.color;
    if (r.color_changed) memo.last_change = in.time;
    // The yellow that came before a red is part of its story.
    if (in.color == Color::yellow && (memo.last_color != Color::yellow || !memo.known) && memo.first_yellow == 0)
        memo.first_yellow = in.time;
    if (in.color == Color::green) memo.first_yellow = 0;
    memo.last_color = in.color;
    memo.known = true;

    if (open && !open->is_open()) open.reset();  // the caller stored the closed one
    if (!open) {
        if (in.color != Color::red) return r;
        Incident inc;
        inc.host = in.host;
        inc.config_class = in.config_class;
        inc.opened = in.time;
        inc.id = incident_id(in.host, in.time);
        inc.first_yellow = memo.first_yellow;
        inc.clean_needed = settings.clean_cycles;
        inc.impact = settings.impact;
        if (memo.first_yellow) add_event(inc, {memo.first_yellow, "worker", "first_yellow", "column turned yellow"});
        add_event(inc, {in.time, "worker", "first_red", "column turned red: incident opened"});
        open = std::move(inc);
        r.opened = r.changed = true;
    }
    Incident& inc = *open;
    inc.last_report = in.time;
    inc.config_class = in.config_class;
    inc.clean_needed = settings.clean_cycles;
    inc.impact = settings.impact;
    ++inc.cycles;
    r.changed = true;
    gather(inc, in, r);
    if (in.containment) add_containment_events(inc, *in.containment);
    if (r.opened) return r;

    CycleView view{in.findings, in.visibility_full, in.recovery, {}};
    for (const IncidentProcess& p : inc.processes)
        if (!p.sha256.empty()) view.incident_sha256.push_back(p.sha256);
    r.verdict = judge_cycle(view);
    const std::string& why = r.verdict.reason;
    if (why.empty()) {
        ++inc.clean_cycles;
        if (r.verdict.verified) ++inc.verified_clean;
        r.clean_cycle = true;
        if (inc.clean_cycles >= inc.clean_needed) {
            inc.state = IncidentState::recovered;
            inc.closed = in.time;
            std::string how = inc.verified_clean >= inc.clean_cycles ? ", verified on the host"
                              : inc.verified_clean == 0
                                  ? " (not verified on the host: the client sent no [recovery] facts)"
                                  : ", " + std::to_string(inc.verified_clean) + " verified on the host";
            add_cycle_event(inc, {in.time, "worker", "recovered",
                            "recovered: " + std::to_string(inc.clean_cycles) + " clean cycles in a row" + how});
            inc.last_unclean.clear();
            r.closed = true;
        } else {
            inc.state = IncidentState::recovering;
            add_cycle_event(inc, {in.time, "worker", "clean_cycle",
                            "clean cycle " + std::to_string(inc.clean_cycles) + " of " +
                                std::to_string(inc.clean_needed) + (r.verdict.verified ? " (verified)" : "")});
        }
    } else if (r.verdict.relapse) {
        if (inc.state == IncidentState::recovering) {
            add_cycle_event(inc, {in.time, "worker", "relapse",
                            "relapse after " + std::to_string(inc.clean_cycles) + " clean cycle(s): " + why +
                                "; incident reopened, count reset"});
            ++inc.relapses;
            r.relapsed = true;
        } else if (r.color_changed && in.color == Color::red && r.previous_color != Color::red) {
            add_cycle_event(inc, {in.time, "worker", "red_again", "column red again"});
        }
        inc.clean_cycles = inc.verified_clean = 0;
        inc.state = IncidentState::open;
        inc.last_unclean.clear();
    } else {
        // Not the miner back, but not clean either: the count starts again, the reason shows.
        if (inc.last_unclean != why || inc.clean_cycles > 0)
            add_cycle_event(inc, {in.time, "worker", "unclean_cycle",
                            "cycle not clean: " + why +
                                (inc.clean_cycles > 0 ? "; count reset after " + std::to_string(inc.clean_cycles) : "")});
        inc.clean_cycles = inc.verified_clean = 0;
        inc.last_unclean = why;
    }
    return r;
}

}  // namespace mr
