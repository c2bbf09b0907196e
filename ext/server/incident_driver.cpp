#include "server/incident_driver.h"

#include <sys/stat.h>

#include <algorithm>

#include "siem/ecs_event.h"
#include "util/file_io.h"

namespace mr {

IncidentDriver::IncidentDriver(std::string incidents_dir, std::string siem_config_path)
    : store_(std::move(incidents_dir)), siem_path_(std::move(siem_config_path)) {}

Status IncidentDriver::init() {
    maybe_reload_config(0);
    if (store_.dir().empty()) return fail("no incidents directory");
    if (Status ready = store_.prepare(); !ready) return ready;
    std::vector<std::string> warnings;
    for (Incident& inc : store_.load_all(&warnings)) {
        if (!inc.is_open()) {
            if (inc.closed > recovered_at_[inc.host]) {
                recovered_at_[inc.host] = inc.closed;
                recovered_[inc.host] = {inc.id, inc.status_text(), ""};
            }
            continue;
        }
        auto it = open_.find(inc.host);
        if (it == open_.end() || it->second.opened < inc.opened) open_[inc.host] = std::move(inc);
    }
    for (const auto& w : warnings) log_.push_back("incident state skipped: " + w);
    memos_ = store_.load_memos();
    events_offset_ = store_.saved_events_offset();
    enabled_ = true;
    return {};
}

void IncidentDriver::maybe_reload_config(std::time_t now) {
    if (now != 0 && now - last_config_check_ < 5) return;
    last_config_check_ = now;
    struct stat st {};
    long long mt = stat(siem_path_.c_str(), &st) == 0 ? st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : 0;
    if (mt == siem_mtime_) return;
    siem_mtime_ = mt;
    if (mt == 0) {
        siem_.configure(SiemConfig{});  // no file: the defaults (events file on, no syslog)
        return;
    }
    Expected<std::string> text = read_file(siem_path_, 1u << 20);
    if (!text) {
        log_.push_back("SIEM config " + siem_path_ + " unreadable, previous settings stay: " + text.error().message);
        return;
    }
    Expected<SiemConfig> c = parse_siem_config(*text, siem_path_);
    if (!c) {
        log_.push_back("SIEM config error, previous settings stay in force: " + c.error().message);
        return;
    }
    siem_.configure(*c);
    log_.push_back("SIEM config " + siem_path_ + " loaded (events " + (c->events_path.empty() ? "off" : c->events_path) +
                   ", syslog " + (c->syslog_proto.empty() ? "off" : c->syslog_proto + "://" + c->syslog_host + ":" +
                                                                    std::to_string(c->syslog_port)) + ")");
}

void IncidentDriver::save(const Incident& inc, bool durable) {
    if (Status saved = store_.save(inc, durable); !saved)
        log_.push_back("incident " + inc.id + " not saved: " + saved.error().message);
}

// The host memory is one file for all hosts: written at most every 5 s, not per colour change
// (10,000 hosts changing colour would rewrite it 10,000 times). A crash loses at most those
// seconds of "last colour", which only decides whether the next report is a change.
void IncidentDriver::maybe_save_memos() {
    std::time_t now = std::time(nullptr);
    if ((memos_dirty_ || !dirty_hosts_.empty()) && now - memos_saved_ >= 5) flush_memos();
}

void IncidentDriver::flush_memos() {
    if (!enabled_) return;
    for (const std::string& host : dirty_hosts_)
        if (auto it = open_.find(host); it != open_.end()) save(it->second, false);
    dirty_hosts_.clear();
    memos_saved_ = std::time(nullptr);
    if (!memos_dirty_) return;
    if (Status saved = store_.save_memos(memos_, events_offset_); !saved)
        log_.push_back("host memory not saved: " + saved.error().message);
    memos_dirty_ = false;
}

void IncidentDriver::flush() {
    for (auto& l : siem_.emit(pending_)) log_.push_back(l);
    pending_.clear();
}

std::vector<std::string> IncidentDriver::take_log() {
    std::vector<std::string> out;
    out.swap(log_);
    return out;
}

void IncidentDriver::emit_timeline_delta(const Incident& inc, const std::vector<TimelineEvent>& before,
                                         const ScoredReport* r) {
    if (inc.timeline.size() == before.size()) return;  // events are only ever added: nothing new
    EcsContext c;
    c.host = inc.host;
    c.config_class = inc.config_class;
    c.incident_id = inc.id;
    if (r) {
        c.agent = r->agent;
        c.ioc_version = r->ioc_version;
    }
    // What is new is what `before` does not account for: two identical events of one second
    // (clean cycle 1 of 3, a reset, clean cycle 1 of 3) are two.
    std::vector<TimelineEvent> unmatched = before;
    for (auto e = inc.timeline.begin(); e != inc.timeline.end(); ++e) {
        if (auto it = std::find(unmatched.begin(), unmatched.end(), *e); it != unmatched.end()) {
            unmatched.erase(it);
            continue;
        }
        c.report_time = e->time;
        int repeat = static_cast<int>(std::count(inc.timeline.begin(), e, *e));
        pending_.push_back(make_siem_record(ecs_incident_event(c, *e, to_string(inc.state), repeat), siem_.config().max_line));
    }
}

IncidentLink IncidentDriver::observe(const ScoredReport& r, const IncidentSettings& settings) {
    IncidentLink link;
    if (!enabled_) return link;
    poll_side_events();
    std::optional<Incident> inc;
    if (auto it = open_.find(r.host); it != open_.end()) inc = it->second;
    // A snapshot knows the exe sha256 of a process the client could not hash: the incident's
    // traces are then told from other processes' (clean_cycle.h).
    if (inc && r.snapshots)
        for (const SnapshotRecord& s : *r.snapshots)
            if (IncidentProcess* p = inc->find_process(s.pid, s.start_ticks); p && p->sha256.empty() && s.sha256.size() == 64)
                p->sha256 = s.sha256;
    std::vector<TimelineEvent> before = inc ? inc->timeline : std::vector<TimelineEvent>{};
    HostMemo& memo = memos_[r.host];
    CycleInput in;
    in.host = r.host;
    in.config_class = r.config_class;
    in.time = r.time;
    in.interval = r.interval;
    in.color = r.color;
    in.visibility_full = r.visibility_full;
    in.findings = r.findings;
    in.recovery = r.recovery;
    in.containment = r.containment;
    LifecycleResult res = advance(inc, memo, in, settings);
    if (inc && res.verdict.from_recovery) link.recovery_warning = res.verdict.reason;

    EcsContext c;
    c.host = r.host;
    c.config_class = r.config_class;
    c.report_time = r.time;
    c.agent = r.agent;
    c.ioc_version = r.ioc_version;
    c.incident_id = inc ? inc->id : "";
    if (res.color_changed) {
        pending_.push_back(make_siem_record(ecs_status_change(c, res.previous_color, r.color, r.headline), siem_.config().max_line));
        memos_dirty_ = true;
    }
    // Finding details: when the column changes to red/yellow, and for each process new to the incident.
    if (r.findings) {
        for (const Finding& f : *r.findings) {
            if (f.color < Color::yellow) continue;
            bool is_new = false;
            if (inc)
                for (size_t i : res.new_processes)
                    is_new |= inc->processes[i].pid == f.pid && inc->processes[i].start_ticks == f.start_ticks;
            if (is_new || (res.color_changed && r.color >= Color::yellow))
                pending_.push_back(make_siem_record(ecs_finding(c, f), siem_.config().max_line));
        }
    }
    if (inc) {
        emit_timeline_delta(*inc, before, &r);
        // Saved at once when the story changed (opened, closed, relapse, a new process, a new
        // event); a report that only moves counters (CPU seconds, cycles) is saved within 5 s.
        bool story = res.opened || res.closed || res.relapsed || !res.new_processes.empty() || inc->timeline != before;
        if (story) {
            save(*inc, res.opened || res.closed || res.relapsed);
            dirty_hosts_.erase(r.host);
        } else if (res.changed) {
            dirty_hosts_.insert(r.host);
        }
        link.id = inc->id;
        link.status = inc->status_text();
        if (inc->is_open()) {
            recovered_.erase(r.host);
            recovered_at_.erase(r.host);
            open_[r.host] = std::move(*inc);
        } else {
            recovered_[r.host] = link;
            recovered_at_[r.host] = inc->closed;
            open_.erase(r.host);
        }
    } else if (auto it = recovered_.find(r.host); it != recovered_.end()) {
        if (r.time - recovered_at_[r.host] <= kRecoveredShownSeconds) {
            link = it->second;
        } else {
            recovered_.erase(it);
            recovered_at_.erase(r.host);
        }
    }
    flush();
    maybe_save_memos();
    return link;
}

void IncidentDriver::poll_side_events() {
    if (!enabled_) return;
    uint64_t before_offset = events_offset_;
    std::vector<HostEvent> events = store_.read_events(events_offset_);
    if (events_offset_ == before_offset) return;
    for (HostEvent& he : events) {
        auto it = open_.find(he.host);
        if (it == open_.end()) continue;  // about a host without an open incident
        Incident& inc = it->second;
        if (he.event.kind == "paged") {
            if (inc.paged) continue;  // the first page tells the story; repeats do not
            inc.paged = true;
        }
        std::vector<TimelineEvent> before = inc.timeline;
        if (add_event(inc, he.event)) {
            emit_timeline_delta(inc, before, nullptr);
            save(inc, true);
        }
    }
    memos_dirty_ = true;  // the events offset moved
    flush();
    maybe_save_memos();
}

}  // namespace mr
