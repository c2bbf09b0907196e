// miningrisk-contain: the root helper of containment (issue 11). miningrisk-client (user xymon)
// runs it through `sudo -n` (the sudoers.d drop-in) when both keys allow it. Just before acting
// it re-checks the process's identity (pid, start time, exe device+inode, sha256) and the rails
// (never pid 1, kernel threads, Xymon's processes, sshd, an unchanged Debian package binary),
// then freezes or thaws the process tree (or kills it while frozen: an operator's order), or isolates it from the network (its own nftables
// table, isolator.h; the pool list on stdin), renews that or takes it away. Prints one record
// line (xymon/snapshot_codec.h).
#include <signal.h>
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "respond/contain_rails.h"
#include "respond/freezer.h"
#include "respond/isolator.h"
#include "respond/kill_frozen.h"
#include "respond/rail_facts.h"
#include "xymon/snapshot_codec.h"

namespace {

const char* kUsage =
    "Usage: miningrisk-contain --action freeze|thaw|kill|isolate|renew|unisolate --pid PID --start TICKS\n"
    "                          --sha256 HEX|- --exe-dev N --exe-ino N [--allow-package yes]\n"
    "Freezes (or thaws) the process tree of PID if it is still the process named by start time,\n"
    "executable device+inode and sha256, and no rail forbids it; kill SIGKILLs the tree only while\n"
    "it is frozen (an operator's order, after snapshot and freeze). isolate and renew drop the tree's\n"
    "traffic and the pool addresses of the IOC list read on stdin (table inet miningrisk, every\n"
    "element expiring after 4 h unless renewed); unisolate takes the tree's elements away.\n"
    "Run by miningrisk-client via sudo; as real root (not through sudo) also --ttl SECONDS (tests).\n";

bool digits(const std::string& s, size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string::npos;
}

void on_alarm(int) { _exit(3); }

// The pool list, bounded: what does not fit is not read.
void read_stdin(std::string& out, size_t max) {
    char buf[65536];
    for (ssize_t n; out.size() < max && (n = read(0, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.append(buf, static_cast<size_t>(std::min<size_t>(n, max - out.size())));
    }
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGALRM, on_alarm);
    alarm(10);
    std::string action, pid, start, sha, dev, ino, allow = "no", ttl;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help") { std::cout << kUsage; return 0; }
        if (i + 1 >= argc) { std::cerr << kUsage; return 2; }
        std::string v = argv[++i];
        if (a == "--action") action = v;
        else if (a == "--pid") pid = v;
        else if (a == "--start") start = v;
        else if (a == "--sha256") sha = v;
        else if (a == "--exe-dev") dev = v;
        else if (a == "--exe-ino") ino = v;
        else if (a == "--allow-package") allow = v;
        else if (a == "--ttl") ttl = v;
        else { std::cerr << "miningrisk-contain: unknown option " << a << "\n" << kUsage; return 2; }
    }
    bool sha_ok = sha == "-" || (sha.size() == 64 && sha.find_first_not_of("0123456789abcdef") == std::string::npos);
    // a test-only option: through sudo the caller must not choose how long the rules last
    const bool through_sudo = std::getenv("SUDO_UID") != nullptr || getuid() != 0;
    if (!ttl.empty() && through_sudo) { std::cerr << "miningrisk-contain: --ttl is refused through sudo\n"; return 2; }
    const bool net = action == "isolate" || action == "renew" || action == "unisolate";
    if ((action != "freeze" && action != "thaw" && action != "kill" && !net) || !digits(pid, 9) || (!ttl.empty() && !digits(ttl, 6)) || !digits(start, 20) || !sha_ok ||
        !digits(dev, 20) || !digits(ino, 20) || (allow != "yes" && allow != "no")) {
        std::cerr << "miningrisk-contain: bad arguments\n" << kUsage;
        return 2;
    }
    mr::ContainmentRecord rec;
    rec.action = action;
    rec.pid = std::atoi(pid.c_str());
    rec.start_ticks = std::strtoull(start.c_str(), nullptr, 10);
    rec.time = static_cast<int64_t>(std::time(nullptr));
    mr::ProcessIdentity want;
    want.pid = rec.pid;
    want.start_ticks = rec.start_ticks;
    want.exe_dev = std::strtoull(dev.c_str(), nullptr, 10);
    want.exe_ino = std::strtoull(ino.c_str(), nullptr, 10);
    want.sha256 = sha == "-" ? "" : sha;
    mr::TargetFacts t = mr::gather_target_facts("/proc", rec.pid);
    rec.comm = t.rails.comm;
    std::string why = !t.exists ? "process gone" : mr::identity_mismatch(want, t.identity);
    if (why.empty() && action != "thaw" && action != "unisolate") why = mr::rail_refusal(t.rails, allow == "yes");
    if (!why.empty()) {
        rec.result = "refused";
        rec.reason = why;
    } else if (net) {
        std::string pools;
        if (action != "unisolate") read_stdin(pools, 8u << 20);
        int secs = ttl.empty() ? mr::kIsolateTtlSeconds : std::max(1, std::atoi(ttl.c_str()));
        mr::FreezerPaths paths = mr::find_freezers();
        mr::IsolateResult r = action == "unisolate" ? mr::unisolate_tree(paths, rec.pid, rec.start_ticks)
                                                    : mr::isolate_tree(paths, rec.pid, rec.start_ticks, pools, secs);
        rec.result = r.ok ? "done" : "failed";
        rec.method = r.method;
        rec.ms = r.ms;
        for (int p : r.pids) rec.pids += (rec.pids.empty() ? "" : ",") + std::to_string(p);
        if (!r.ok) rec.reason = r.error;
        else if (action == "unisolate") rec.reason = "its network rules removed";
        else rec.reason = (action == "renew" ? "renewed: " : "isolated: ") + std::string("its traffic and the listed pools dropped, ") +
                          "rules expire in " + (secs % 3600 == 0 ? std::to_string(secs / 3600) + " h" : std::to_string(secs) + " s") +
                          " unless renewed";
        if (!r.note.empty()) rec.reason += " (" + r.note + ")";
    } else {
        mr::FreezerPaths paths = mr::find_freezers();
        mr::FreezeResult r = action == "freeze" ? mr::freeze_tree(paths, rec.pid, rec.start_ticks)
                             : action == "thaw"  ? mr::thaw_tree(paths, rec.pid, rec.start_ticks)
                                                 : mr::kill_frozen_tree(paths, rec.pid, rec.start_ticks);
        rec.result = r.ok ? "done" : action == "kill" && r.method.empty() ? "refused" : "failed";
        rec.method = r.method;
        rec.ms = r.ms;
        for (int p : r.pids) rec.pids += (rec.pids.empty() ? "" : ",") + std::to_string(p);
        rec.reason = !r.ok ? r.error
                     : action == "freeze" ? "frozen, no CPU time gained"
                     : action == "thaw"   ? "thawed"
                                          : "killed: SIGKILL of the frozen tree";
        if (r.ok && action == "freeze") rec.cpu_ticks = mr::tree_cpu_ticks("/proc", r.pids);
        if (r.ok && r.method == "SIGSTOP") rec.reason += " (SIGSTOP: no cgroup freezer here; kill -CONT would resume it)";
    }
    std::cout << mr::encode_kv_line(mr::containment_to_kv(rec)) << "\n";
    return rec.result == "done" ? 0 : 1;
}
