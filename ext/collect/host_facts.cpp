#include "collect/host_facts.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "collect/proc_reader.h"
#include "util/file_io.h"

namespace mr {

namespace {
constexpr size_t kPreloadMax = 4096;

long read_long(const std::string& path, long fallback) {
    Expected<std::string> text = read_file_prefix(path, 64);
    if (!text) return fallback;
    std::string_view s = *text;
    uint64_t v = 0;
    if (!take_u64(s, v)) return fallback;
    return static_cast<long>(v);
}

bool path_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}
}  // namespace

bool read_host_facts(const CollectOptions& opt, HostFacts& out, CpuTotals& totals) {
    Expected<std::string> stat = read_file_prefix(opt.proc_root + "/stat", 1u << 20);
    bool have_stat = stat && parse_proc_stat(*stat, totals);
    if (have_stat) {
        out.cpu_total_ticks = totals.total;
        out.cpu_busy_ticks = totals.busy;
        out.boot_time = static_cast<int64_t>(totals.btime);
    }
    out.cores = totals.cpus > 0 ? totals.cpus : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));

    Expected<std::string> preload = read_file_prefix(opt.ld_so_preload, kPreloadMax);
    out.ld_so_preload_present = bool(preload);
    out.ld_so_preload = preload ? std::move(*preload) : std::string();
    if (!out.ld_so_preload_present && path_exists(opt.ld_so_preload))
        out.ld_so_preload_present = true;  // there but unreadable: still worth a look

    out.hugepages_total = read_long(opt.proc_root + "/sys/vm/nr_hugepages", 0);
    out.msr_loaded = path_exists(opt.sys_root + "/module/msr");
    out.msr_allow_writes = false;
    if (out.msr_loaded) {
        Expected<std::string> allow = read_file_prefix(opt.sys_root + "/module/msr/parameters/allow_writes", 64);
        out.msr_allow_writes = allow && allow->compare(0, 2, "on") == 0;
    }
    return have_stat;
}

double host_busy_cores(const CpuTotals& before, const CpuTotals& after, int cores) {
    if (after.total <= before.total || after.busy < before.busy || cores <= 0) return 0;
    double share = static_cast<double>(after.busy - before.busy) /
                   static_cast<double>(after.total - before.total);
    return share * cores;
}

std::vector<int> hidden_pid_candidates(const std::vector<int>& listed, int limit,
                                       const std::function<bool(int)>& alive) {
    std::vector<int> out;
    size_t i = 0;
    for (int pid = 1; pid <= limit; ++pid) {
        while (i < listed.size() && listed[i] < pid) ++i;
        if (i < listed.size() && listed[i] == pid) continue;
        if (alive(pid)) out.push_back(pid);
    }
    return out;
}

std::vector<int> sweep_hidden_pids(const std::string& proc_root, const std::vector<int>& listed_in) {
    std::vector<int> listed = listed_in;
    std::sort(listed.begin(), listed.end());
    long pid_max = read_long(proc_root + "/sys/kernel/pid_max", 32768);
    long last = read_long(proc_root + "/sys/kernel/ns_last_pid", pid_max);
    long highest = listed.empty() ? 0 : listed.back();
    // kill() costs ~0.2 us: a 4M pid_max would cost most of the CPU budget, so stop a margin
    // above the highest pid handed out so far (pids are allocated upwards until they wrap).
    long limit = std::max(last, highest) + 32768;
    if (limit > pid_max) limit = pid_max;

    Fd root = open_dir_at(AT_FDCWD, proc_root.c_str());
    if (!root.ok()) return {};
    // kill(pid, 0) only: a lookup per absent pid would cost ten times as much, and the
    // rootkits that hide pids from getdents leave signal 0 alone.
    std::vector<int> cand = hidden_pid_candidates(listed, static_cast<int>(limit), [](int pid) {
        return ::kill(pid, 0) == 0 || errno == EPERM;
    });
    // kill() and lookups accept thread ids too: only a thread-group leader is a process.
    auto alive = [&](int pid) {
        std::string path = std::to_string(pid) + "/status", text;
        if (read_file_at(root.get(), path.c_str(), text, 4096)) {
            StatusFields st;
            parse_status(text, st);
            return st.tgid == pid;
        }
        return ::kill(pid, 0) == 0 || errno == EPERM;
    };
    if (cand.empty()) return cand;
    // Re-check: a fresh listing drops processes born after the first one; a second liveness
    // check drops those that exited; a thread id is not a hidden process.
    std::vector<int> fresh;
    list_numeric_at(AT_FDCWD, proc_root.c_str(), fresh);
    std::sort(fresh.begin(), fresh.end());
    std::vector<int> hidden;
    for (int pid : cand)
        if (!std::binary_search(fresh.begin(), fresh.end(), pid) && alive(pid)) hidden.push_back(pid);
    return hidden;
}

}  // namespace mr

namespace mr {

bool has_scan_capabilities(uint64_t cap_eff) {
    const uint64_t need = (1ull << 2) | (1ull << 19);
    return (cap_eff & need) == need;
}

Visibility assess_visibility(bool root, bool caps, int unreadable_exe, int unreadable_fd,
                             int user_procs) {
    Visibility v;
    v.unreadable_exe = unreadable_exe;
    v.unreadable_fd = unreadable_fd;
    static const char* const fix = "(run make install to grant cap_sys_ptrace,cap_dac_read_search)";
    // With privileges a handful of unreadable links is noise (a sandbox's init, a process
    // exiting); without them any is a blind spot.
    int allowed = (root || caps) ? std::max(2, user_procs / 10) : 0;
    if (unreadable_exe > allowed)
        v.reasons.push_back("no permission to read /proc/PID/exe of " + std::to_string(unreadable_exe) +
                            " processes " + fix);
    if (unreadable_fd > allowed)
        v.reasons.push_back("no permission to read /proc/PID/fd of " + std::to_string(unreadable_fd) +
                            " processes: their sockets cannot be mapped " + fix);
    if (!root && !caps && v.reasons.empty())
        v.reasons.push_back(std::string("running without root or the capabilities to read other users' processes ") + fix);
    v.full = v.reasons.empty();
    return v;
}

}  // namespace mr
