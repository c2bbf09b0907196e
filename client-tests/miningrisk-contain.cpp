// miningrisk-contain: the root helper of containment (issue 11). miningrisk-client (user xymon)
// runs it through `sudo -n` (the sudoers.d drop-in) when both keys allow it. Just before acting
// it re-checks the process's identity (pid, start time, exe device+inode, sha256) and the rails
// (never pid 1, kernel threads, Xymon's processes, sshd, an unchanged Debian package binary),
// then freezes or thaws the process tree. Prints one record line (xymon/snapshot_codec.h).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "respond/contain_rails.h"
#include "respond/freezer.h"
#include "respond/rail_facts.h"
#include "xymon/snapshot_codec.h"

namespace {

const char* kUsage =
    "Usage: miningrisk-contain --action freeze|thaw --pid PID --start TICKS --sha256 HEX|-\n"
    "                          --exe-dev N --exe-ino N [--allow-package yes]\n"
    "Freezes (or thaws) the process tree of PID if it is still the process named by start time,\n"
    "executable device+inode and sha256, and no rail forbids it. Run by miningrisk-client via sudo.\n";

bool digits(const std::string& s, size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string::npos;
}

void on_alarm(int) { _exit(3); }

}  // namespace

int main(int argc, char** argv) {
    signal(SIGALRM, on_alarm);
    alarm(10);
    std::string action, pid, start, sha, dev, ino, allow = "no";
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
        else { std::cerr << "miningrisk-contain: unknown option " << a << "\n" << kUsage; return 2; }
    }
    bool sha_ok = sha == "-" || (sha.size() == 64 && sha.find_first_not_of("0123456789abcdef") == std::string::npos);
    if ((action != "freeze" && action != "thaw") || !digits(pid, 9) || !digits(start, 20) || !sha_ok ||
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
    if (why.empty() && action == "freeze") why = mr::rail_refusal(t.rails, allow == "yes");
    if (!why.empty()) {
        rec.result = "refused";
        rec.reason = why;
    } else {
        mr::FreezerPaths paths = mr::find_freezers();
        mr::FreezeResult r = action == "freeze" ? mr::freeze_tree(paths, rec.pid, rec.start_ticks)
                                                : mr::thaw_tree(paths, rec.pid, rec.start_ticks);
        rec.result = r.ok ? "done" : "failed";
        rec.method = r.method;
        rec.ms = r.ms;
        for (int p : r.pids) rec.pids += (rec.pids.empty() ? "" : ",") + std::to_string(p);
        rec.reason = r.ok ? (action == "freeze" ? "frozen, no CPU time gained" : "thawed") : r.error;
        if (r.ok && r.method == "SIGSTOP") rec.reason += " (SIGSTOP: no cgroup freezer here; kill -CONT would resume it)";
    }
    std::cout << mr::encode_kv_line(mr::containment_to_kv(rec)) << "\n";
    return rec.result == "done" ? 0 : 1;
}
