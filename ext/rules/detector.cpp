// Detector: runs every rule over a snapshot and turns the processes (and the host) with signals
// into scored, explainable findings.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "rules/binary_scan.h"
#include "rules/cmdline_rules.h"
#include "rules/cpu_rules.h"
#include "rules/detector.h"
#include "rules/host_rules.h"
#include "rules/identity_rules.h"
#include "model/limits.h"
#include "rules/name_rules.h"
#include "rules/network_rules.h"
#include "rules/persistence_rules.h"
#include "rules/rule_files.h"
#include "util/file_io.h"
#include "rules/rules.h"

namespace mr {

// Binary scans are for candidates only: busy processes, or ones another rule already flagged.
constexpr double kScanCandidateCores = 0.5;
// New (uncached) binaries read per cycle: keeps a cycle bounded on a host full of new binaries;
// the rest are read in the next cycles.
constexpr size_t kMaxNewScansPerCycle = 16;

struct Detector::Impl {
    std::shared_ptr<const RuleSet> rules = std::make_shared<RuleSet>();
    // The scan cache survives between detect() calls: detection is logically const.
    mutable BinaryScanner scanner;
    mutable std::string cache_loaded_from;
    mutable bool cache_load_tried = false;
};

Detector::Detector() : impl_(new Impl) {}
Detector::~Detector() { delete impl_; }
Detector::Detector(Detector&& o) noexcept : impl_(o.impl_) { o.impl_ = nullptr; }
Detector& Detector::operator=(Detector&& o) noexcept {
    if (this != &o) {
        delete impl_;
        impl_ = o.impl_;
        o.impl_ = nullptr;
    }
    return *this;
}

Status Detector::load(const std::string& dir) {
    Expected<RuleSet> loaded = load_rule_dir(dir);
    if (!loaded) return fail(loaded.error());
    auto fresh = std::make_shared<RuleSet>(std::move(*loaded));
    fresh->feed = impl_->rules->feed;          // a loaded feed list stays in force
    fresh->feed_loaded = impl_->rules->feed_loaded;
    impl_->rules = std::move(fresh);
    return {};
}

Status Detector::load_ioc_file(const std::string& path) {
    Expected<std::string> text = read_file(path);
    if (!text) return fail(text.error());
    Expected<IocList> list = IocList::parse(*text, path);
    if (!list) return fail(list.error());
    auto fresh = std::make_shared<RuleSet>(*impl_->rules);
    fresh->feed = std::move(*list);
    fresh->feed_loaded = true;
    impl_->rules = std::move(fresh);
    return {};
}

std::string Detector::ioc_version() const { return impl_->rules->ioc_version(); }
const RuleSet& Detector::rules() const { return *impl_->rules; }

namespace {

std::vector<std::string> bounded_argv(const ArgList& argv) {
    std::vector<std::string> out;
    size_t used = 0;
    for (std::string_view a : argv) {
        if (used >= kMaxArgvBytes) break;
        size_t room = kMaxArgvBytes - used;
        if (a.size() <= room) {
            out.emplace_back(a);
            used += a.size() + 1;
        } else {
            out.push_back(std::string(a.substr(0, room)) + "...");
            break;
        }
    }
    return out;
}

// The parent's comm for findings, so policy can allow on PARENT= (e.g. "started by cron").
// The pid index is built on the first finding only: most snapshots have none.
class ParentNames {
public:
    explicit ParentNames(const std::vector<ProcessInfo>& procs) : procs_(procs) {}
    std::string comm_of(int ppid) {
        if (ppid <= 0) return {};
        if (index_.empty()) {
            index_.reserve(procs_.size());
            for (size_t i = 0; i < procs_.size(); ++i) index_.emplace(procs_[i].pid, i);
        }
        auto it = index_.find(ppid);
        return it == index_.end() ? std::string() : procs_[it->second].comm;
    }
    // The comms from the parent upwards, for entry hints ("apache2" above a miner: a web exploit).
    std::vector<std::string> chain_of(int ppid) {
        std::vector<std::string> out;
        comm_of(ppid);  // builds the index
        for (int pid = ppid; pid > 0 && out.size() < kMaxParentChain;) {
            auto it = index_.find(pid);
            if (it == index_.end()) break;
            out.push_back(procs_[it->second].comm);
            int next = procs_[it->second].ppid;
            if (next == pid) break;
            pid = next;
        }
        return out;
    }

private:
    const std::vector<ProcessInfo>& procs_;
    std::unordered_map<int, size_t> index_;
};

Finding make_finding(const ProcessInfo& p, ParentNames& parents, const Snapshot& snap, const std::string& proc_root) {
    static const long hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
    Finding f;
    f.cpu_seconds = static_cast<double>(p.cpu_ticks) / static_cast<double>(hz);
    f.start_ticks = p.start_ticks;
    if (snap.host.boot_time > 0) f.start_time = snap.host.boot_time + static_cast<int64_t>(p.start_ticks / hz);
    f.parent_chain = parents.chain_of(p.ppid);
    // The executable's times for the incident timeline ("dropped at 03:12"): only for findings.
    struct stat st {};
    if (!proc_root.empty() && (p.exe_readable || p.exe_deleted) && ::stat((proc_root + "/" + std::to_string(p.pid) + "/exe").c_str(), &st) == 0) {
        f.exe_mtime = st.st_mtime;
        f.exe_ctime = st.st_ctime;
    }
    f.pid = p.pid;
    f.ppid = p.ppid;
    f.parent_comm = parents.comm_of(p.ppid);
    f.uid = p.uid;
    f.user = p.user;
    f.comm = p.comm;
    f.exe = p.exe + (p.exe_deleted ? " (deleted)" : "");
    f.argv = bounded_argv(p.argv);
    f.cores = p.cores;
    f.max_thread_cores = p.max_thread_cores;
    f.container = p.container_id;
    return f;
}

// Signals that are common on healthy hosts (any busy compressor pegs a thread, Debian's
// alternatives rename compilers, people run tools from /tmp). They add weight to other evidence
// but never make a finding alone: a wall screen that is yellow for every busy host is ignored.
bool only_corroborating(const std::vector<Signal>& signals) {
    static const char* const kCorroborating[] = {"thread_pegged", "name_mismatch", "exe_in_tempdir"};
    for (const Signal& s : signals)
        if (std::none_of(std::begin(kCorroborating), std::end(kCorroborating),
                         [&](const char* id) { return s.id == id; }))
            return false;
    return true;
}

// Worst first; among equals the busiest, then scan order. Keeps the first `keep`.
void keep_worst(std::vector<Finding>& findings, size_t keep) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        if (a.color != b.color) return a.color > b.color;
        return a.cores > b.cores;
    });
    if (findings.size() > keep) findings.resize(keep);
}

}  // namespace

std::vector<Finding> Detector::detect(const Snapshot& snap, const DetectOptions& opt, size_t* found) const {
    const RuleSet& rules = *impl_->rules;
    if (opt.scan_binaries && !opt.scan_cache_file.empty() && !impl_->cache_load_tried) {
        impl_->scanner.load_cache(opt.scan_cache_file, rules.binary_markers);
        impl_->cache_load_tried = true;
    }
    std::map<int, NetworkHits> net = check_network(snap, rules);
    std::vector<Finding> findings;
    size_t n_found = 0;
    std::vector<Signal> signals;
    const size_t scan_budget = impl_->scanner.scans_done() + kMaxNewScansPerCycle;
    ParentNames parents(snap.procs);
    for (const ProcessInfo& p : snap.procs) {
        if (p.kernel_thread) continue;
        signals.clear();
        std::string pool;
        check_names(p, rules, signals);
        check_cmdline(p, rules, signals, &pool);
        check_identity(p, rules, signals);
        check_cpu(p, rules, signals);
        auto nh = net.find(p.pid);
        if (nh != net.end()) {
            for (const Signal& s : nh->second.signals) add_signal(signals, s.id, s.strength, s.evidence);
            if (nh->second.pool_listed || pool.empty()) pool = nh->second.pool;
        }
        std::string sha;
        bool has_image = p.exe_readable || p.exe_deleted || p.exe_memfd;
        if (opt.scan_binaries && has_image && !rules.binary_markers.empty() &&
            (p.cores >= kScanCandidateCores || !signals.empty())) {
            // An unreadable or deferred binary is simply unscanned this cycle.
            Expected<ScanResult> r = impl_->scanner.scan_process(
                opt.proc_root, p.pid, rules.binary_markers, impl_->scanner.scans_done() < scan_budget);
            Signal s;
            if (r && marker_signal(*r, rules.binary_markers, s))
                add_signal(signals, s.id, s.strength, s.evidence);
            if (r) sha = r->sha256;
        }
        if (only_corroborating(signals)) continue;
        // Agentless snapshots come from [ps]: the server must not stat its own /proc for them.
        Finding f = make_finding(p, parents, snap, opt.scan_binaries ? opt.proc_root : std::string());
        f.sha256 = sha;
        f.pool = pool;
        f.signals = signals;
        f.color = score_signals(f.signals);
        findings.push_back(std::move(f));
        ++n_found;
        // After a deploy thousands of workers can run a deleted binary: the message carries only
        // the worst kMaxFindings, so never hold more than twice that (the result is the same).
        if (findings.size() >= 2 * kMaxFindings) keep_worst(findings, kMaxFindings);
    }

    Finding host;
    host.comm = "(host)";
    host.signals = check_host(snap.host, rules);
    if (!opt.persistence_root.empty())
        for (const Signal& s : check_persistence(opt.persistence_root, rules))
            add_signal(host.signals, s.id, s.strength, s.evidence);
    if (auto nh = net.find(0); nh != net.end()) {
        for (const Signal& s : nh->second.signals) add_signal(host.signals, s.id, s.strength, s.evidence);
        host.pool = nh->second.pool;
    }
    if (!host.signals.empty()) {
        host.color = score_signals(host.signals);
        findings.push_back(std::move(host));
        ++n_found;
    }

    if (opt.scan_binaries && !opt.scan_cache_file.empty() && impl_->scanner.dirty())
        impl_->scanner.save_cache(opt.scan_cache_file, rules.binary_markers);

    // The message carries at most kMaxFindings.
    keep_worst(findings, kMaxFindings);
    if (found) *found = n_found;
    return findings;
}

Color score_signals(const std::vector<Signal>& signals) {
    if (signals.empty()) return Color::green;
    std::vector<const std::string*> medium_ids;
    for (const Signal& s : signals) {
        if (s.strength == Strength::strong) return Color::red;
        if (s.strength == Strength::medium &&
            std::none_of(medium_ids.begin(), medium_ids.end(),
                         [&](const std::string* id) { return *id == s.id; }))
            medium_ids.push_back(&s.id);
    }
    // Two different medium signals corroborate each other; the same one twice does not.
    return medium_ids.size() >= 2 ? Color::red : Color::yellow;
}

Color overall_color(const std::vector<Finding>& findings, bool visibility_full) {
    Color worst = Color::green;
    for (const Finding& f : findings)
        if (f.color > worst) worst = f.color;
    if (!visibility_full && worst < Color::yellow) worst = Color::yellow;
    return worst;
}

}  // namespace mr
