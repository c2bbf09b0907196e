#include "respond/kill_frozen.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "collect/proc_parse.h"
#include "respond/read_prefix.h"
#include "util/text_util.h"

namespace mr {

namespace {

std::string read_small(const std::string& path) {
    std::string s;
    read_prefix_into(path, s, 64 * 1024);
    return s;
}

bool write_text(const std::string& path, const char* text) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return false;
    bool ok = std::fputs(text, f) >= 0;
    return (std::fclose(f) == 0) && ok;
}

std::vector<int> pids_in(const std::string& procs_file) {
    std::vector<int> out;
    LineReader lines(read_small(procs_file));
    for (std::string_view l; lines.next(l);) {
        unsigned long long p = 0;
        if (parse_decimal(trim(l), 9, p) && p > 1) out.push_back(static_cast<int>(p));
    }
    return out;
}

bool same_life(const std::string& proc_root, int pid, uint64_t start_ticks) {
    StatFields st;
    std::string text;
    return read_prefix_into(proc_root + "/" + std::to_string(pid) + "/stat", text, 4096) && parse_stat(text, st) &&
           st.start_ticks == start_ticks;
}

char state_of(const std::string& proc_root, int pid) {
    StatFields st;
    std::string text;
    if (!read_prefix_into(proc_root + "/" + std::to_string(pid) + "/stat", text, 4096) || !parse_stat(text, st)) return 0;
    return st.state;
}

// Waits up to 2 s for `pid`'s life to end; milliseconds taken or -1.
double wait_gone(const std::string& proc_root, int pid, uint64_t start_ticks) {
    auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2)) {
        char s = state_of(proc_root, pid);
        if (!same_life(proc_root, pid, start_ticks) || s == 'Z' || s == 'X')
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

}  // namespace

FreezeResult kill_frozen_tree(const FreezerPaths& p, int pid, uint64_t start_ticks) {
    FreezeResult r;
    struct stat st {};
    std::string v2 = p.cgroup2.empty() ? "" : p.cgroup2 + "/miningrisk/" + group_name(pid, start_ticks);
    std::string v1 = p.freezer_v1.empty() ? "" : p.freezer_v1 + "/miningrisk-" + group_name(pid, start_ticks);
    if (!v2.empty() && stat(v2.c_str(), &st) == 0 && read_small(v2 + "/cgroup.events").find("frozen 1") != std::string::npos) {
        r.method = "cgroup2", r.cgroup = v2;
        r.pids = pids_in(v2 + "/cgroup.procs");
        // cgroup.kill (Linux 5.14) kills the whole group at once, a frozen one included
        if (access((v2 + "/cgroup.kill").c_str(), W_OK) != 0 || !write_text(v2 + "/cgroup.kill", "1"))
            for (int q : r.pids) kill(q, SIGKILL);
    } else if (!v1.empty() && stat(v1.c_str(), &st) == 0 && read_small(v1 + "/freezer.state").rfind("FROZEN", 0) == 0) {
        r.method = "cgroup1-freezer", r.cgroup = v1;
        r.pids = pids_in(v1 + "/cgroup.procs");
        for (int q : r.pids) kill(q, SIGKILL);
        write_text(v1 + "/freezer.state", "THAWED");  // a v1-frozen task handles the SIGKILL once thawed
    } else {
        // the SIGSTOP fallback: every process of the tree must still be stopped
        std::vector<int> tree = process_tree(p.proc_root, pid);
        bool all_stopped = !tree.empty();
        for (int q : tree) {
            char s = state_of(p.proc_root, q);
            all_stopped &= s == 'T' || s == 't';
        }
        if (!all_stopped) {
            r.error = "not frozen: kill only follows a freeze (thawed, or never frozen)";
            return r;
        }
        r.method = "SIGSTOP";
        r.pids = tree;
        for (int q : tree) kill(q, SIGKILL);
    }
    r.ms = wait_gone(p.proc_root, pid, start_ticks);
    r.ok = r.ms >= 0;
    if (!r.ok) r.error = "still running 2 s after SIGKILL";
    if (!r.cgroup.empty()) {
        // empty once the killed tasks are reaped; a later freeze makes it again
        for (int i = 0; i < 50 && ::rmdir(r.cgroup.c_str()) != 0 && errno == EBUSY; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return r;
}

}  // namespace mr
