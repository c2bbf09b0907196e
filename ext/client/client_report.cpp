#include "client/client_report.h"

#include <algorithm>

#include "rules/detector.h"

namespace mr {

std::vector<TopProcess> top_processes(const Snapshot& snap, int n, int self_pid) {
    std::vector<const ProcessInfo*> v;
    for (const auto& p : snap.procs)
        if (p.cores > 0.01 && p.pid != self_pid) v.push_back(&p);
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->cores > b->cores; });
    std::vector<TopProcess> out;
    for (int i = 0; i < n && i < static_cast<int>(v.size()); ++i)
        out.push_back({v[i]->pid, v[i]->user, v[i]->comm, v[i]->exe, v[i]->cores,
                       v[i]->max_thread_cores, v[i]->num_threads});
    return out;
}

ClientReport build_client_report(const Snapshot& snap, std::vector<Finding> findings, size_t found,
                                 const ReportContext& ctx) {
    ClientReport r;
    r.agent = ctx.agent;
    r.host = ctx.host;
    r.time = snap.time;
    r.interval = ctx.interval;
    r.visibility_full = snap.visibility.full;
    r.visibility_reasons = snap.visibility.reasons;
    r.ioc_version = ctx.ioc_version;
    r.findings = std::move(findings);
    const size_t before = r.findings.size();
    const int self = ctx.self_pid;
    r.findings.erase(std::remove_if(r.findings.begin(), r.findings.end(),
                                    [self](const Finding& f) { return f.pid == self; }),
                     r.findings.end());
    r.findings_found = static_cast<int>(found - (before - r.findings.size()));
    r.color = overall_color(r.findings, snap.visibility.full);
    r.cores = snap.host.cores;
    r.busy_cores = snap.host.host_busy_cores;
    r.procs = static_cast<int>(snap.procs.size());
    r.threads = snap.thread_count;
    r.sockets = static_cast<int>(snap.sockets.size());
    r.netns = snap.netns_count;
    r.ld_so_preload = snap.host.ld_so_preload_present;
    r.hugepages = snap.host.hugepages_total;
    r.top = top_processes(snap, ctx.top, self);
    return r;
}

std::string wire_host(std::string host) {
    std::replace(host.begin(), host.end(), '.', ',');
    return host;
}

}  // namespace mr
