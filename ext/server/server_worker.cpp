#include "server/server_worker.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "server/agentless.h"
#include "server/incident_driver.h"
#include "xymon/client_sections.h"
#include "rules/detector.h"
#include "xymon/xymon_log.h"
#include "xymon/kv_codec.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {

namespace {
constexpr size_t kMaxTrackedHosts = 200000;
constexpr size_t kMaxCachedPolicies = 50000;
}  // namespace

ServerWorker::ServerWorker(WorkerOptions opt) : opt_(std::move(opt)), detector_(std::make_unique<Detector>()) {}
ServerWorker::~ServerWorker() = default;

void ServerWorker::load_policy() {
    if (Status loaded = policy_.load_file(opt_.policy_path))
        log_line("policy " + opt_.policy_path + " loaded: " + std::to_string(policy_.scope_count()) + " scope(s)");
    else
        log_line("policy error, previous policy stays in force: " + loaded.error().message);
    effective_cache_.clear();
}

void ServerWorker::init() {
    load_policy();
    if (!opt_.incidents_dir.empty()) {
        incidents_ = std::make_unique<IncidentDriver>(opt_.incidents_dir, opt_.siem_config);
        if (Status ready = incidents_->init(); !ready) {
            log_line("incidents off: " + ready.error().message);
            incidents_.reset();
        } else {
            log_line("incidents in " + opt_.incidents_dir);
        }
        if (incidents_)
            for (const auto& l : incidents_->take_log()) log_line(l);
    }
    Status rules = detector_->load(opt_.rules_dir);
    rules_loaded_ = bool(rules);
    if (!rules)
        log_line("rules " + opt_.rules_dir + " not loaded (agentless detection limited): " + rules.error().message);
}

void ServerWorker::reload() {
    load_policy();
    if (Status rules = detector_->load(opt_.rules_dir)) rules_loaded_ = true;
    else log_line("rules reload failed, previous rules stay in force: " + rules.error().message);
}

void ServerWorker::maybe_reload_policy(std::time_t now) {
    if (now - last_policy_check_ < opt_.policy_check_seconds) return;
    last_policy_check_ = now;
    if (std::optional<Status> reloaded = policy_.reload_if_changed(opt_.policy_path)) {
        effective_cache_.clear();
        if (*reloaded) log_line("policy " + opt_.policy_path + " changed, reloaded: " + std::to_string(policy_.scope_count()) + " scope(s)");
        else log_line("policy error, previous policy stays in force: " + reloaded->error().message);
    }
}

void ServerWorker::maybe_reload_pools(std::time_t now) {
    if (opt_.pools_file.empty() || now - last_pools_check_ < opt_.pools_check_seconds) return;
    last_pools_check_ = now;
    struct stat st {};
    if (stat(opt_.pools_file.c_str(), &st) != 0 || st.st_mtime == pools_mtime_) return;
    if (Status loaded = detector_->load_ioc_file(opt_.pools_file); !loaded) {
        log_line("pool list " + opt_.pools_file + " not loaded, previous list stays in force: " +
                 loaded.error().message);
        return;
    }
    pools_mtime_ = st.st_mtime;
    published_ioc_version_ = detector_->ioc_version();
    log_line("pool list " + opt_.pools_file + " version " + published_ioc_version_ + " loaded");
}

std::string ServerWorker::stale_ioc_reason(const std::string& client_version, int interval,
                                           std::time_t now) const {
    if (published_ioc_version_.empty() || client_version == published_ioc_version_) return "";
    // Clients fetch the list every cycle: allow two cycles and a minute before calling it stale.
    std::time_t grace = 2 * static_cast<std::time_t>(interval) + 60;
    if (now - pools_mtime_ < grace) return "";
    return "stale IOC list: the client scanned with version " + client_version + ", the server publishes " +
           published_ioc_version_;
}

void ServerWorker::set_host_pages(HostPages pages) {
    if (pages == pages_) return;  // the usual periodic refresh: keep the cached policies
    pages_ = std::move(pages);
    effective_cache_.clear();
}

void ServerWorker::set_page_loader(PageLoader loader) {
    page_loader_ = std::move(loader);
    pages_stale_ = true;
}

void ServerWorker::maybe_refresh_pages(std::time_t now) {
    if (!page_loader_ || (!pages_stale_ && now < next_pages_load_)) return;
    pages_stale_ = false;
    Expected<HostPages> fresh = page_loader_();
    if (fresh) {
        ++stats_.page_loads;
        next_pages_load_ = now + static_cast<std::time_t>(opt_.pages_refresh_seconds);
        log_debug("host pages loaded: " + std::to_string(fresh->size()) + " host(s)");
        set_host_pages(std::move(*fresh));
    } else {
        next_pages_load_ = now + static_cast<std::time_t>(opt_.pages_retry_seconds);
        log_line("host pages not loaded, PAGE= scopes keep the previous map: " + fresh.error().message);
    }
}

// The date allow entries expire on, worked out once a minute rather than per message.
const std::string& ServerWorker::today(std::time_t now) {
    if (now / 60 != today_minute_) {
        today_minute_ = now / 60;
        today_ = local_date(now);
    }
    return today_;
}

std::string ServerWorker::page_of(const std::string& host) const {
    auto it = pages_.find(host);
    return it == pages_.end() ? std::string() : it->second;
}

const EffectivePolicy& ServerWorker::effective_for(const std::string& host, const std::string& config_class) {
    std::string key = host + '\n' + config_class;
    auto it = effective_cache_.find(key);
    if (it != effective_cache_.end()) return it->second;
    if (effective_cache_.size() >= kMaxCachedPolicies) effective_cache_.clear();
    return effective_cache_.emplace(key, policy_.effective(host, config_class, page_of(host))).first->second;
}

void ServerWorker::note_client(const std::string& host, std::time_t when, int interval_seconds) {
    if (clients_.size() >= kMaxTrackedHosts && !clients_.count(host)) clients_.clear();
    clients_[host] = {when, interval_seconds > 0 ? interval_seconds : 300};
}

Expected<std::string> ServerWorker::evaluate_miningrisk(const std::string& host, const std::string& config_class,
                                                        std::string_view body, std::time_t now) {
    ClientReport report;
    if (Status parsed = parse_client_message(body, report); !parsed) return fail(parsed.error());
    note_client(host, now, report.interval);
    // Clients before `pcomm` leave the parent's name to be found among the reported processes.
    CommByPid parents;
    bool need_parents = false;
    for (const auto& f : report.findings) need_parents |= f.ppid > 0 && f.parent_comm.empty();
    if (need_parents) {
        for (const auto& t : report.top) parents.emplace(t.pid, t.comm);
        for (const auto& f : report.findings)
            if (f.pid > 0) parents[f.pid] = f.comm;
    }
    StatusInput in;
    in.host = host;
    in.interval_seconds = report.interval;
    in.visibility_full = report.visibility_full;
    in.visibility_reasons = report.visibility_reasons;
    in.procs_checked = report.procs;
    in.findings_unreported = std::max(0, report.findings_found - static_cast<int>(report.findings.size()));
    in.sockets_checked = report.sockets;
    in.agent = report.agent;
    in.ioc_version = report.ioc_version;
    in.snapshots = report.snapshots;
    in.has_recovery = report.has_recovery;
    in.recovery = report.recovery;
    std::string stale = stale_ioc_reason(report.ioc_version, report.interval, now);
    if (!stale.empty()) {
        in.visibility_full = false;  // a named yellow: what it may have missed is unknown
        in.visibility_reasons.push_back(stale);
    }
    const EffectivePolicy& pol = effective_for(host, config_class);
    publish_contain(host, pol);
    in.contain = pol.contain;
    in.containment = report.containment;
    in.verdict = apply_policy(pol, std::move(report.findings), in.visibility_full, today(now), parents);
    drive_incident(in, config_class, report.time > 0 ? report.time : now);
    return build_status_message(in);
}

std::string ServerWorker::evaluate_standard(const std::string& host, const std::string& config_class,
                                            std::string_view body, std::time_t now) {
    AgentlessResult ar = snapshot_from_stock_client(body, now);
    StatusInput in;
    in.host = host;
    in.agentless = true;
    in.interval_seconds = 300;  // the stock client's cycle
    in.procs_checked = static_cast<int>(ar.snapshot.procs.size());
    in.sockets_checked = static_cast<int>(ar.snapshot.sockets.size());
    in.visibility_full = ar.snapshot.visibility.full;
    in.visibility_reasons = ar.snapshot.visibility.reasons;
    if (!ar.have_ps) {
        in.clear_reason = "the stock client message has no [ps] section";
        return build_status_message(in);
    }
    std::vector<Finding> findings;
    if (rules_loaded_) {
        DetectOptions dopt;
        dopt.scan_binaries = false;
        findings = detector_->detect(ar.snapshot, dopt);
        in.ioc_version = detector_->ioc_version();
    } else {
        in.visibility_full = false;
        in.visibility_reasons.push_back("server rules not loaded from " + opt_.rules_dir);
    }
    // The detector names each finding's parent from [ps] (Finding::parent_comm).
    in.verdict = apply_policy(effective_for(host, config_class), std::move(findings), in.visibility_full, today(now));
    drive_incident(in, config_class, now);
    return build_status_message(in);
}

void ServerWorker::flush_state() {
    if (!incidents_) return;
    incidents_->flush_memos();
    for (const auto& l : incidents_->take_log()) log_line(l);
}

// The incident of the host moves on with each scored report; the status links it.
void ServerWorker::drive_incident(StatusInput& in, const std::string& config_class, int64_t report_time) {
    if (!incidents_) return;
    ScoredReport r;
    r.host = in.host;
    r.config_class = config_class;
    r.time = report_time;
    r.interval = in.interval_seconds;
    r.color = status_color(in);
    r.visibility_full = in.visibility_full;
    r.findings = &in.verdict.findings;
    // The status's headline is HTML-escaped for Xymon; a SIEM gets the text itself.
    r.headline = build_headline(in);
    for (const auto& [ent, ch] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                                  {"&#39;", "'"}, {"&amp;", "&"}}) {
        for (size_t p = r.headline.find(ent); p != std::string::npos; p = r.headline.find(ent, p + 1))
            r.headline.replace(p, std::strlen(ent), ch);
    }
    r.agent = in.agent;
    r.ioc_version = in.ioc_version;
    r.recovery = in.has_recovery ? &in.recovery : nullptr;
    r.snapshots = &in.snapshots;
    r.containment = &in.containment;
    IncidentLink link = incidents_->observe(r, effective_for(in.host, config_class).incident);
    in.incident_id = link.id;
    in.incident_status = link.status;
    in.recovery_warning = link.recovery_warning;
    for (const auto& l : incidents_->take_log()) log_line(l);
}

bool ServerWorker::handle(const ChannelMessage& m, std::time_t now, std::vector<std::string>& out) {
    if (incidents_ && now - last_side_poll_ >= 2) {
        last_side_poll_ = now;
        incidents_->maybe_reload_config(now);
        incidents_->poll_side_events();
        for (const auto& l : incidents_->take_log()) log_line(l);
    }
    if (m.channel == "shutdown") return false;
    if (m.channel == "reload") {
        log_line("reload requested by xymond");
        reload();
        pages_stale_ = true;  // hosts.cfg may have changed: reload the page map before the next message
        return true;
    }
    if (m.channel == "drophost") {
        clients_.erase(m.host);
        return true;
    }
    if (m.channel != "client") return true;
    maybe_reload_policy(now);
    maybe_reload_pools(now);
    maybe_refresh_pages(now);
    ClientHeader h = client_header(m);
    const std::string& host = h.hostname;
    if (host.empty() || host.find_first_of(" \t\n|") != std::string::npos) {
        ++stats_.bad_messages;
        return true;
    }
    if (h.collector_id == kCollectorId) {
        ++stats_.miningrisk_messages;
        Expected<std::string> status = evaluate_miningrisk(host, h.config_class, m.body, now);
        if (!status) {
            ++stats_.bad_messages;
            log_line("bad miningrisk message from " + host + ": " + status.error().message);
            return true;
        }
        out.push_back(std::move(*status));
        ++stats_.statuses;
    } else if (h.collector_id.empty()) {
        auto it = clients_.find(host);
        if (it != clients_.end() && now - it->second.last <= opt_.client_cycles * it->second.interval + 60) {
            ++stats_.skipped_standard;  // miningrisk-client's evidence wins
            return true;
        }
        ++stats_.agentless_messages;
        out.push_back(evaluate_standard(host, h.config_class, m.body, now));
        ++stats_.statuses;
    }
    return true;
}

void ServerWorker::publish_contain(const std::string& host, const EffectivePolicy& pol) {
    if (opt_.contain_file.empty()) return;
    if (!contain_loaded_) {
        // what an earlier run published stays until this one knows better
        contain_loaded_ = true;
        if (Expected<std::string> text = read_file(opt_.contain_file)) {
            LineReader lines(*text);
            for (std::string_view line; lines.next(line);) {
                if (line.empty() || line[0] == '#') continue;
                KvRecord kv = parse_kv_line(line);
                std::string h = kv_get(kv, "host");
                if (!h.empty()) contain_[h] = std::string(line.substr(line.find(' ') == std::string_view::npos ? line.size() : line.find(' ') + 1));
            }
        }
    }
    std::string want = pol.contain == "off" ? "" : encode_kv_line({{"contain", pol.contain}, {"scope", pol.contain_scope}});
    auto it = contain_.find(host);
    bool have_file = ::access(opt_.contain_file.c_str(), F_OK) == 0;  // clients' include needs it
    if (have_file && ((it == contain_.end() && want.empty()) || (it != contain_.end() && it->second == want))) return;
    if (want.empty()) contain_.erase(host);
    else contain_[host] = want;
    std::string text = "# miningrisk containment grants (policy CONTAIN per host), written by xymond_miningrisk\n";
    for (const auto& [h, line] : contain_) text += encode_kv_line({{"host", h}}) + " " + line + "\n";
    if (Status st = write_file_atomic(opt_.contain_file, text, 0644, true); !st)
        log_line("containment grants not published: " + st.error().message);
    else
        log_debug("containment for " + host + ": " + (want.empty() ? std::string("off") : pol.contain) + " published");
}

}  // namespace mr
