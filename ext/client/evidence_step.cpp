#include "respond/read_prefix.h"
#include "client/evidence_step.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "collect/proc_reader.h"
#include "respond/run_helper.h"
#include "rules/rules.h"
#include "respond/snapshot_trigger.h"
#include "util/file_io.h"
#include "xymon/message.h"
#include "xymon/snapshot_codec.h"
#include "xymon/xymon_log.h"

namespace mr {

namespace {

std::vector<SnapshotRecord> load_state(const EvidenceOptions& opt, int64_t now) {
    std::string text;
    if (opt.state_file.empty() || !read_prefix_into(opt.state_file, text, 4u << 20)) return {};
    return parse_snapshot_state(text, now);
}

void save_state(const EvidenceOptions& opt, const std::vector<SnapshotRecord>& taken, int64_t now) {
    if (opt.state_file.empty()) return;
    if (Status st = write_file_atomic(opt.state_file, format_snapshot_state(taken, now), 0600, false); !st)
        log_line(st.error().message);
}

}  // namespace

SnapshotRecord run_snapshot_helper(const EvidenceOptions& opt, int pid, uint64_t start_ticks,
                                   const std::string& trigger) {
    std::vector<std::string> argv;
    if (opt.use_sudo) argv = {"/usr/bin/sudo", "-n", "--"};
    argv.insert(argv.end(), {opt.helper, "--pid", std::to_string(pid), "--start", std::to_string(start_ticks), "--host",
                             opt.host, "--trigger", trigger});
    // the helper's own wall bound, within what this call may take (it needs ~2 s to finish up)
    double wall = std::min(10.0, opt.timeout - 2);
    if (wall < 10) argv.insert(argv.end(), {"--wall", std::to_string(std::max(1, static_cast<int>(wall)))});
    HelperResult r = run_helper(argv, opt.timeout);
    SnapshotRecord rec;
    std::string line = r.out.substr(0, r.out.find('\n'));
    if (!line.empty()) rec = snapshot_from_kv(parse_kv_line(line));
    if (line.empty() || rec.pid != pid) {
        rec = SnapshotRecord{};
        rec.status = "helper failed: " + (r.error.empty() ? std::string("no record printed") : r.error);
    }
    rec.pid = pid;
    rec.start_ticks = start_ticks;
    rec.trigger = trigger;
    if (rec.time == 0) rec.time = static_cast<int64_t>(std::time(nullptr));
    return rec;
}

std::vector<SnapshotRecord> all_snapshots(const EvidenceOptions& opt, int64_t now) { return load_state(opt, now); }

void remember_snapshot(const EvidenceOptions& opt, const SnapshotRecord& rec, int64_t now) {
    std::vector<SnapshotRecord> taken = load_state(opt, now);
    taken.push_back(rec);
    save_state(opt, taken, now);
}

std::vector<SnapshotRecord> evidence_step(const EvidenceOptions& opt, const std::vector<Finding>& findings,
                                          const Snapshot& snap, int64_t now) {
    std::vector<SnapshotRecord> taken = load_state(opt, now);
    if (opt.enabled && !opt.state_file.empty()) {
        // the busiest red process first; as many as the cycle's snapshot budget allows (each
        // helper run is bounded by what is left of it, 10 s at most)
        std::vector<const Finding*> red;
        for (const Finding& f : findings)
            if (f.pid > 1 && f.color == Color::red) red.push_back(&f);
        std::stable_sort(red.begin(), red.end(), [](auto* a, auto* b) { return a->cores > b->cores; });
        const auto t0 = std::chrono::steady_clock::now();
        for (const Finding* f : red) {
            double left = opt.timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (left < 3) break;
            auto p = std::find_if(snap.procs.begin(), snap.procs.end(), [&](const ProcessInfo& x) { return x.pid == f->pid; });
            if (p == snap.procs.end() || p->kernel_thread) continue;
            if (!snapshot_due(taken, f->pid, p->start_ticks, f->sha256, now)) continue;
            EvidenceOptions one = opt;
            one.timeout = left;
            SnapshotRecord rec = run_snapshot_helper(one, f->pid, p->start_ticks, "first red");
            if (rec.sha256.empty()) rec.sha256 = f->sha256;  // the 24 h rule holds even when the copy failed
            if (rec.comm.empty()) rec.comm = f->comm;
            if (rec.exe.empty()) rec.exe = f->exe;
            log_line("evidence snapshot of pid " + std::to_string(f->pid) + " (" + clip_evidence(f->comm, 32) + "): " +
                     (rec.status == "ok" ? clip_evidence(rec.id, 200) + ", manifest sha256 " + clip_evidence(rec.manifest_sha256, 64)
                                         : clip_evidence(rec.status, 300)));
            taken.push_back(rec);
            save_state(opt, taken, now);
        }
    }
    return snapshots_to_report(taken, now, kMaxSnapshots);
}

}  // namespace mr
