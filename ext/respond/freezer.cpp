#include "respond/read_prefix.h"
#include "respond/freezer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <set>
#include <thread>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/expected.h"
#include "util/text_util.h"

namespace mr {

namespace {

using Clock = std::chrono::steady_clock;

bool write_text(const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return false;
    bool ok = std::fputs(text.c_str(), f) >= 0;
    ok = (std::fclose(f) == 0) && ok;
    return ok;
}

std::string read_small(const std::string& path) {
    std::string s;
    read_prefix_into(path, s, 4096);
    return s;
}

// Polls `done` every 20 ms for up to 2 s; the milliseconds it took, or -1.
double wait_for(const std::function<bool()>& done) {
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < std::chrono::seconds(2)) {
        if (done()) return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

Status move_all(const std::string& procs_file, const std::vector<int>& pids) {
    for (int p : pids)
        if (!write_text(procs_file, std::to_string(p))) {
            if (errno == ESRCH) continue;  // exited meanwhile
            return fail(fmt::format("cannot move pid {} into {}: {}", p, procs_file, std::strerror(errno)));
        }
    return {};
}

bool stopped(const std::string& proc_root, int pid) {
    StatFields st;
    std::string text;
    return read_prefix_into(proc_root + "/" + std::to_string(pid) + "/stat", text, 4096) && parse_stat(text, st) &&
           (st.state == 'T' || st.state == 't');
}

// No CPU time gained over a short look: the freeze holds.
bool cpu_still(const FreezerPaths& p, const std::vector<int>& pids) {
    uint64_t a = tree_cpu_ticks(p.proc_root, pids);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return tree_cpu_ticks(p.proc_root, pids) == a;
}

}  // namespace

std::string group_name(int pid, uint64_t start) { return fmt::format("frozen-{}-{}", pid, start); }

FreezerPaths find_freezers(const std::string& proc_root) {
    FreezerPaths p;
    p.proc_root = proc_root;
    std::string mounts;
    read_prefix_into(proc_root + "/mounts", mounts, 1u << 20);
    LineReader lines(mounts);
    for (std::string_view line; lines.next(line);) {
        auto f = split_whitespace(line);
        if (f.size() < 4) continue;
        if (f[2] == "cgroup2" && p.cgroup2.empty()) p.cgroup2 = std::string(f[1]);
        if (f[2] == "cgroup" && ("," + std::string(f[3]) + ",").find(",freezer,") != std::string::npos)
            p.freezer_v1 = std::string(f[1]);
    }
    return p;
}

std::vector<int> process_tree(const std::string& proc_root, int pid) {
    std::vector<int> out = {pid};
    std::set<int> seen = {pid};
    for (size_t i = 0; i < out.size() && out.size() < 4096; ++i) {
        std::vector<int> tids;
        list_numeric_at(AT_FDCWD, (proc_root + "/" + std::to_string(out[i]) + "/task").c_str(), tids);
        for (int tid : tids) {
            std::string kids = read_small(proc_root + "/" + std::to_string(out[i]) + "/task/" + std::to_string(tid) + "/children");
            for (auto w : split_whitespace(kids)) {
                uint64_t c = 0;
                if (take_u64(w, c) && c > 1 && seen.insert(static_cast<int>(c)).second) out.push_back(static_cast<int>(c));
            }
        }
    }
    return out;
}

uint64_t tree_cpu_ticks(const std::string& proc_root, const std::vector<int>& pids) {
    uint64_t sum = 0;
    for (int p : pids) {
        std::string text;
        StatFields st;
        if (read_prefix_into(proc_root + "/" + std::to_string(p) + "/stat", text, 4096) && parse_stat(text, st))
            sum += st.utime + st.stime;
    }
    return sum;
}

Status move_tree_into(const std::string& dir, const std::vector<int>& pids) {
    ::mkdir(dir.substr(0, dir.rfind('/')).c_str(), 0755);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return fail(fmt::format("cannot make cgroup {}: {}", dir, std::strerror(errno)));
    return move_all(dir + "/cgroup.procs", pids);
}

FreezeResult freeze_tree(const FreezerPaths& p, int pid, uint64_t start_ticks) {
    FreezeResult r;
    r.pids = process_tree(p.proc_root, pid);
    std::string err;  // why a cgroup freezer could not take the tree, for the SIGSTOP fallback's error
    auto move = [&](const std::string& procs_file) {
        Status moved = move_all(procs_file, r.pids);
        if (!moved) err = moved.error().message;
        return moved.has_value();
    };
    if (!p.cgroup2.empty()) {
        std::string base = p.cgroup2 + "/miningrisk", dir = base + "/" + group_name(pid, start_ticks);
        ::mkdir(base.c_str(), 0755);
        if ((::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) && access((dir + "/cgroup.freeze").c_str(), W_OK) == 0 &&
            move(dir + "/cgroup.procs") && write_text(dir + "/cgroup.freeze", "1")) {
            r.method = "cgroup2";
            r.cgroup = dir;
            r.ms = wait_for([&] { return read_small(dir + "/cgroup.events").find("frozen 1") != std::string::npos; });
            r.ok = r.ms >= 0 && cpu_still(p, r.pids);
            if (!r.ok) r.error = r.ms < 0 ? "not frozen within 2 s" : "CPU time still rising";
            if (r.ok) return r;
        }
    }
    if (!p.freezer_v1.empty()) {
        std::string dir = p.freezer_v1 + "/miningrisk-" + group_name(pid, start_ticks);
        if ((::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) && move(dir + "/cgroup.procs") &&
            write_text(dir + "/freezer.state", "FROZEN")) {
            r.method = "cgroup1-freezer";
            r.cgroup = dir;
            r.ms = wait_for([&] { return read_small(dir + "/freezer.state").rfind("FROZEN", 0) == 0; });
            r.ok = r.ms >= 0 && cpu_still(p, r.pids);
            r.error = r.ok ? "" : r.ms < 0 ? "not frozen within 2 s" : "CPU time still rising";
            if (r.ok) return r;
        }
    }
    // last resort: SIGSTOP, which anyone allowed to signal the process can undo
    r.method = "SIGSTOP";
    r.cgroup.clear();
    for (int q : r.pids) kill(q, SIGSTOP);
    r.ms = wait_for([&] { return stopped(p.proc_root, pid); });
    r.ok = r.ms >= 0 && cpu_still(p, r.pids);
    r.error = r.ok ? "" : (err.empty() ? std::string("not stopped within 2 s") : err);
    return r;
}

FreezeResult thaw_tree(const FreezerPaths& p, int pid, uint64_t start_ticks) {
    FreezeResult r;
    r.pids = process_tree(p.proc_root, pid);
    std::string v2 = p.cgroup2.empty() ? "" : p.cgroup2 + "/miningrisk/" + group_name(pid, start_ticks);
    std::string v1 = p.freezer_v1.empty() ? "" : p.freezer_v1 + "/miningrisk-" + group_name(pid, start_ticks);
    struct stat st {};
    if (!v2.empty() && stat(v2.c_str(), &st) == 0 && write_text(v2 + "/cgroup.freeze", "0")) {
        r.method = "cgroup2", r.cgroup = v2;
        r.ms = wait_for([&] { return read_small(v2 + "/cgroup.events").find("frozen 0") != std::string::npos; });
    } else if (!v1.empty() && stat(v1.c_str(), &st) == 0 && write_text(v1 + "/freezer.state", "THAWED")) {
        r.method = "cgroup1-freezer", r.cgroup = v1;
        r.ms = wait_for([&] { return read_small(v1 + "/freezer.state").rfind("THAWED", 0) == 0; });
    } else {
        r.method = "SIGSTOP";
        for (int q : r.pids) kill(q, SIGCONT);
        r.ms = wait_for([&] { return !stopped(p.proc_root, pid); });
    }
    r.ok = r.ms >= 0;
    if (!r.ok) r.error = "not thawed within 2 s";
    return r;
}

}  // namespace mr
