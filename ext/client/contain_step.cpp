#include "client/contain_step.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>

#include "collect/proc_parse.h"
#include "respond/contain_followup.h"
#include "respond/contain_state.h"
#include "respond/freezer.h"
#include "respond/read_prefix.h"
#include "respond/run_helper.h"
#include "respond/snapshot_trigger.h"
#include "rules/rules.h"
#include "util/file_io.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"
#include "xymon/message.h"
#include "xymon/snapshot_codec.h"
#include "xymon/xymon_log.h"
#include "xymon/xymon_sender.h"

namespace mr {

namespace {

std::string state_path(const ContainOptions& o) { return o.tmpdir + "/miningrisk-contain.state"; }

ContainState load(const ContainOptions& o, int64_t now) { return load_contain_state(o, now); }
void save(const ContainOptions& o, const ContainState& s, int64_t now) { save_contain_state(o, s, now); }

void log_record(const ContainmentRecord& r) {
    log_line("containment: pid " + std::to_string(r.pid) + " (" + clip_evidence(r.comm, 32) + "): " + r.action + " " +
             r.result + (r.method.empty() ? "" : " by " + r.method) + ": " + clip_evidence(r.reason, 300));
}

// The server's answer, fetched through Xymon, with the last good copy as the fallback.
bool server_mode(const ContainOptions& o, ContainMode& mode) {
    std::string cached = o.tmpdir + "/" + o.grants_config;
    std::string body, err;
    Expected<std::string> fetched = fail("not fetched");
    if (o.fetch) fetched = xymon_query("config " + o.grants_config, o.fetch_timeout);
    if (o.fetch && !fetched) err = fetched.error().message;
    if (fetched && fetched->find("# miningrisk containment") != std::string::npos) {
        body = std::move(*fetched);
        if (Status st = write_file_atomic(cached, body, 0600, false); !st) log_line(st.error().message);
    } else if (!read_prefix_into(cached, body, 4u << 20)) {
        if (o.fetch) log_line("containment: the server's " + o.grants_config + " could not be fetched" +
                              (err.empty() ? "" : ": " + err));
        return false;
    }
    if (!grant_for_host(body, o.host, mode)) mode = ContainMode::off;
    return true;
}

// The IOC lists in one file for the helper's stdin (it keeps only the addresses, validated).
std::string write_pool_list(const ContainOptions& o) {
    std::string text;
    for (const std::string& f : o.pool_files) {
        std::string part;
        if (read_prefix_into(f, part, 4u << 20)) text += part + "\n";
    }
    if (o.tmpdir.empty()) return "/dev/null";
    std::string path = o.tmpdir + "/miningrisk-isolate-pools.txt";
    if (Status st = write_file_atomic(path, text, 0600, false); !st) {
        log_line(st.error().message);
        return "/dev/null";
    }
    return path;
}

uint64_t start_of(int pid) {
    std::string text;
    StatFields st;
    if (!read_prefix_into("/proc/" + std::to_string(pid) + "/stat", text, 4096) || !parse_stat(text, st)) return 0;
    return st.start_ticks;
}

// A freeze is checked again on the next cycle: no CPU time gained since.
void verify_freezes(ContainState& state, int64_t now) {
    for (const auto& [pid, start] : frozen_processes(state.records)) {
        const ContainmentRecord* f = last_record(state.records, pid, start, "freeze");
        if (!f || f->cpu_ticks == 0 || f->time >= now || start_of(pid) != start) continue;
        std::vector<int> pids;
        for (auto w : split_whitespace(f->pids, ","))
            if (unsigned long long v = 0; parse_decimal(w, 9, v)) pids.push_back(static_cast<int>(v));
        ContainmentRecord v = verify_frozen(*f, tree_cpu_ticks("/proc", pids), now);
        if (v.result.empty()) continue;
        log_record(v);
        state.records.push_back(v);
    }
}

// Every cycle renews the rules of the processes it isolated while they live and both keys still
// allow it; otherwise they expire by themselves (said once).
void renew_isolations(const ContainOptions& opt, ContainState& state, bool allowed, const std::string& why_not,
                      int64_t now) {
    for (const auto& [pid, start] : isolated_processes(state.records)) {
        if (start_of(pid) != start) continue;   // gone: its rules expire, and its cgroup with it
        const ContainmentRecord* iso = last_record(state.records, pid, start, "isolate");
        ContainmentRecord rec;
        if (allowed) {
            rec = run_contain_helper(opt, "renew", pid, start, "");
        } else {
            const ContainmentRecord* last = last_record(state.records, pid, start, "renew");
            if (last && last->result == "off") continue;
            rec.time = now, rec.pid = pid, rec.start_ticks = start, rec.action = "renew", rec.result = "off";
            rec.reason = "not renewed: " + why_not + "; its network rules expire by themselves";
        }
        if (rec.comm.empty() && iso) rec.comm = iso->comm;
        if (rec.result != "done") log_record(rec);
        record_renewal(state.records, rec);
    }
}

}  // namespace

ContainState load_contain_state(const ContainOptions& o, int64_t now) {
    std::string text;
    if (o.tmpdir.empty() || !read_prefix_into(state_path(o), text, 4u << 20)) return {};
    return parse_contain_state(text, now);
}

void save_contain_state(const ContainOptions& o, const ContainState& s, int64_t now) {
    if (o.tmpdir.empty()) return;
    if (Status st = write_file_atomic(state_path(o), format_contain_state(s, now), 0600, false); !st)
        log_line(st.error().message);
}

bool grant_for_host(const std::string& text, const std::string& host, ContainMode& mode) {
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        if (line.empty() || line[0] == '#') continue;
        KvRecord kv = parse_kv_line(line);
        if (kv_get(kv, "host") != host) continue;
        return parse_contain_mode(kv_get(kv, "contain"), mode);
    }
    return false;
}

ContainmentRecord run_contain_helper(const ContainOptions& opt, const std::string& action, int pid,
                                     uint64_t start_ticks, const std::string& sha256) {
    struct stat st {};
    std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    bool have = ::stat(exe.c_str(), &st) == 0;
    std::vector<std::string> argv;
    if (opt.use_sudo) argv = {"/usr/bin/sudo", "-n", "--"};
    argv.insert(argv.end(), {opt.helper, "--action", action, "--pid", std::to_string(pid), "--start",
                             std::to_string(start_ticks), "--sha256", sha256.empty() ? "-" : sha256, "--exe-dev",
                             std::to_string(have ? st.st_dev : 0), "--exe-ino", std::to_string(have ? st.st_ino : 0)});
    if (opt.allow_package) argv.insert(argv.end(), {"--allow-package", "yes"});
    std::string input = "/dev/null";
    if (action == "isolate" || action == "renew") {
        if (opt.test_ttl > 0) argv.insert(argv.end(), {"--ttl", std::to_string(opt.test_ttl)});
        input = write_pool_list(opt);
    }
    HelperResult r = run_helper(argv, opt.timeout, input);
    std::string line = r.out.substr(0, r.out.find('\n'));
    ContainmentRecord rec = line.empty() ? ContainmentRecord{} : containment_from_kv(parse_kv_line(line));
    if (line.empty() || rec.pid != pid) {
        rec = ContainmentRecord{};
        rec.result = "failed";
        rec.reason = "helper failed: " + (r.error.empty() ? std::string("no record printed") : r.error);
    }
    rec.pid = pid;
    rec.start_ticks = start_ticks;
    rec.action = action;
    if (rec.time == 0) rec.time = static_cast<int64_t>(std::time(nullptr));
    return rec;
}

std::vector<ContainmentRecord> contain_step(const ContainOptions& opt, const std::vector<Finding>& findings,
                                            const Snapshot& snap, const std::vector<SnapshotRecord>& snapshots,
                                            int64_t now) {
    if (opt.tmpdir.empty()) return {};
    ContainState state = load(opt, now);
    std::vector<std::pair<int, uint64_t>> red;
    std::vector<std::pair<const Finding*, const ProcessInfo*>> targets;
    for (const Finding& f : findings) {
        if (f.pid <= 1 || f.color != Color::red) continue;
        auto p = std::find_if(snap.procs.begin(), snap.procs.end(), [&](const ProcessInfo& x) { return x.pid == f.pid; });
        if (p == snap.procs.end()) continue;
        if (!opt.only.empty() && std::none_of(opt.only.begin(), opt.only.end(), [&](const std::string& pre) {
                return f.exe.compare(0, pre.size(), pre) == 0;
            }))
            continue;
        red.emplace_back(f.pid, p->start_ticks);
        targets.emplace_back(&f, &*p);
    }
    state.streaks = update_streaks(state.streaks, red, now, opt.interval);
    ContainInput base;
    base.client = opt.client_mode;
    // The server is asked only when this host allows containment and a process has been red
    // long enough: nothing to do costs nothing.
    bool ask = !isolated_processes(state.records).empty();
    for (const auto& [f, p] : targets) ask |= streak_of(state.streaks, f->pid, p->start_ticks) >= kRedCyclesBeforeAction;
    if (ask && opt.client_mode != ContainMode::off) base.server_known = server_mode(opt, base.server);
    verify_freezes(state, now);
    for (const auto& [f, p] : targets) {
        ContainInput in = base;
        in.consecutive_red = streak_of(state.streaks, f->pid, p->start_ticks);
        in.actions_today = actions_in_24h(state.records, now);
        in.snapshot_taken = evidence_taken(snapshots, f->pid, p->start_ticks, f->sha256, now);
        ContainDecision d = decide_containment(in);
        if (d.kind == ContainDecision::Kind::wait) continue;
        using K = ContainDecision::Kind;
        // a frozen tree stays frozen until thawed, an isolated one isolated (renewed below); one
        // a person thawed stays thawed
        const bool freeze = (d.kind == K::freeze || d.kind == K::both) && !is_frozen(state.records, f->pid, p->start_ticks) &&
                            !thawed_by_hand(state.records, f->pid, p->start_ticks);
        const bool isolate = (d.kind == K::isolate || d.kind == K::both) && !is_isolated(state.records, f->pid, p->start_ticks);
        if ((d.kind == K::freeze || d.kind == K::isolate || d.kind == K::both) && !freeze && !isolate) continue;
        ContainmentRecord rec;
        if (freeze || isolate) {
            // the freeze first: the tree is then isolated in its frozen cgroup
            if (freeze) rec = run_contain_helper(opt, "freeze", f->pid, p->start_ticks, f->sha256);
            if (freeze && isolate) {
                if (rec.comm.empty()) rec.comm = f->comm;
                log_record(rec);
                state.records.push_back(rec);
            }
            if (isolate) rec = run_contain_helper(opt, "isolate", f->pid, p->start_ticks, f->sha256);
        } else {
            rec.time = now;
            rec.pid = f->pid;
            rec.start_ticks = p->start_ticks;
            rec.action = d.kind == ContainDecision::Kind::observe ? "observe" : "none";
            rec.result = d.kind == ContainDecision::Kind::observe ? "planned" : to_string(d.kind);
            rec.reason = d.reason;
            if (verdict_already_said(state.records, rec)) continue;   // once per process, not every cycle
        }
        if (rec.comm.empty()) rec.comm = f->comm;
        log_record(rec);
        state.records.push_back(rec);
    }
    const bool renew_ok = base.server_known && includes_isolate(opt.client_mode) && includes_isolate(base.server);
    renew_isolations(opt, state, renew_ok,
                     !includes_isolate(opt.client_mode) ? "this host's client config no longer allows isolate"
                     : !base.server_known                ? "the server's containment policy could not be fetched"
                                                         : "the server policy no longer asks for isolate",
                     now);
    save(opt, state, now);
    return records_to_report(state.records, now, kMaxContainment);
}

namespace {

// --thaw / --unisolate: the helper's undo step, recorded as done by hand.
ContainmentRecord undo_by_hand(const ContainOptions& opt, const std::string& action, const std::string& what, int pid,
                               int64_t now) {
    ContainState state = load(opt, now);
    std::string text;
    StatFields st;
    ContainmentRecord rec;
    if (!read_prefix_into("/proc/" + std::to_string(pid) + "/stat", text, 4096) || !parse_stat(text, st)) {
        rec.pid = pid;
        rec.action = action;
        rec.result = "failed";
        rec.reason = "no such process";
        return rec;
    }
    const ContainmentRecord* frozen = last_record(state.records, pid, st.start_ticks, what);
    rec = run_contain_helper(opt, action, pid, st.start_ticks, "");
    rec.by = "hand";
    if (rec.comm.empty() && frozen) rec.comm = frozen->comm;
    log_record(rec);
    state.records.push_back(rec);
    save(opt, state, now);
    return rec;
}

}  // namespace

ContainmentRecord thaw_by_hand(const ContainOptions& opt, int pid, int64_t now) {
    return undo_by_hand(opt, "thaw", "freeze", pid, now);
}

ContainmentRecord unisolate_by_hand(const ContainOptions& opt, int pid, int64_t now) {
    return undo_by_hand(opt, "unisolate", "isolate", pid, now);
}

}  // namespace mr
