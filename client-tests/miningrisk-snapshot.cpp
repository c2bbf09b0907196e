// miningrisk-snapshot: the small root helper of the evidence snapshot (issue 11). The client
// (user xymon) runs it through `sudo -n` (the sudoers.d drop-in `make install` writes), with a
// fixed argument list; it reads what needs root (another user's memory, a root process's exe),
// writes /var/lib/xymon/miningrisk/evidence/<HOST>-<UTC>-<PID>/ (0700) and prints one record
// line (xymon/snapshot_codec.h) on stdout for the client's message. Nice 10, idle I/O class,
// 10 s of work, killed by its own alarm at 15 s.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "respond/evidence_snapshot.h"
#include "respond/trace_check.h"
#include "util/version.h"
#include "rules/rule_files.h"
#include "rules/rules.h"
#include "xymon/recovery_codec.h"
#include "xymon/snapshot_codec.h"

namespace {

const char* kUsage =
    "Usage: miningrisk-snapshot --pid PID --start TICKS --host NAME --trigger WHY [--wall 1..10]\n"
    "Takes an evidence snapshot of process PID if its start time (field 22 of /proc/PID/stat) is\n"
    "TICKS, into /var/lib/xymon/miningrisk/evidence/NAME-UTC-PID/, and prints its record.\n"
    "   or: miningrisk-snapshot --recovery-check --host NAME --since UNIXTIME\n"
    "Checks whether the traces that NAME's snapshots since UNIXTIME recorded (recovery.txt: the\n"
    "exe's sha256 in a running process or at its path, persistence lines) are still on the host,\n"
    "and prints one [recovery] line per trace (verified recovery).\n"
    "Run by miningrisk-client through sudo; as real root (not through sudo) also:\n"
    "  --proc-root DIR --root DIR --evidence-dir DIR --rules DIR   (tests)\n";

bool digits(const std::string& s, size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string::npos;
}

bool host_ok(const std::string& s) {
    return !s.empty() && s.size() <= 128 && s[0] != '.' && s[0] != '-' &&
           s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
}

bool trigger_ok(const std::string& s) {
    return s.size() <= 100 &&
           s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._:-") == std::string::npos;
}

void on_alarm(int) {
    const char msg[] = "miningrisk-snapshot: 15 s backstop reached\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(3);
}

// Idle I/O class: the snapshot reads only when nobody else wants the disk.
void be_gentle() {
    if (setpriority(PRIO_PROCESS, 0, 10) != 0) { /* best effort */ }
    constexpr int kIoprioWhoProcess = 1, kIoprioClassIdle = 3, kIoprioClassShift = 13;
    syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift);
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGALRM, on_alarm);
    alarm(15);
    umask(077);
    be_gentle();
    // Test-only paths are refused when run through sudo: the caller may choose the process,
    // never where root reads from or writes to.
    const bool through_sudo = std::getenv("SUDO_UID") != nullptr || getuid() != 0;
    mr::SnapshotRequest req;
    req.tool = std::string("miningrisk-snapshot/") + mr::kMiningriskVersion;
    std::string rules_dir = "/usr/share/miningrisk/rules";
    std::string pid, start, wall, since;
    bool recovery_check = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help") { std::cout << kUsage; return 0; }
        if (a == "--recovery-check") { recovery_check = true; continue; }
        if (i + 1 >= argc) { std::cerr << "miningrisk-snapshot: " << a << " needs a value\n" << kUsage; return 2; }
        std::string v = argv[++i];
        bool test_only = a == "--proc-root" || a == "--root" || a == "--evidence-dir" || a == "--rules";
        if (test_only && through_sudo) { std::cerr << "miningrisk-snapshot: " << a << " is refused through sudo\n"; return 2; }
        if (a == "--pid") pid = v;
        else if (a == "--start") start = v;
        else if (a == "--host") req.host = v;
        else if (a == "--trigger") req.trigger = v;
        else if (a == "--proc-root") req.proc_root = v;
        else if (a == "--root") req.root = v;
        else if (a == "--evidence-dir") req.evidence_dir = v;
        else if (a == "--rules") rules_dir = v;
        else if (a == "--wall") wall = v;
        else if (a == "--since") since = v;
        else { std::cerr << "miningrisk-snapshot: unknown option " << a << "\n" << kUsage; return 2; }
    }
    if (recovery_check) {
        if (!host_ok(req.host) || !digits(since, 12) || !pid.empty() || !start.empty()) {
            std::cerr << "miningrisk-snapshot: --recovery-check needs --host NAME ([A-Za-z0-9._-]) and --since DIGITS\n";
            return 2;
        }
        mr::TraceCheckRequest tr;
        tr.proc_root = req.proc_root;
        tr.root = req.root;
        tr.evidence_dir = req.evidence_dir;
        tr.host = req.host;
        tr.since = std::atoll(since.c_str());
        mr::RecoveryFacts facts;
        facts.items = mr::check_traces(tr);
        for (const auto& line : mr::recovery_to_kv(facts)) std::cout << mr::encode_kv_line(line) << "\n";
        return 0;
    }
    if (!digits(pid, 9) || !digits(start, 20) || !host_ok(req.host) || !trigger_ok(req.trigger)) {
        std::cerr << "miningrisk-snapshot: needs --pid DIGITS --start DIGITS --host NAME ([A-Za-z0-9._-]) "
                     "and a plain --trigger\n";
        return 2;
    }
    req.pid = std::atoi(pid.c_str());
    req.start_ticks = std::strtoull(start.c_str(), nullptr, 10);
    if (!wall.empty()) {
        // a caller may shorten the 10 s bound (its own deadline), never lengthen it
        if (!digits(wall, 2) || std::atoi(wall.c_str()) < 1 || std::atoi(wall.c_str()) > 10) {
            std::cerr << "miningrisk-snapshot: --wall must be 1..10 seconds\n";
            return 2;
        }
        req.limits.wall_seconds = std::atoi(wall.c_str());
    }
    mr::Expected<mr::RuleSet> rules = mr::load_rule_dir(rules_dir);
    if (rules) req.rules = &*rules;
    else std::cerr << "miningrisk-snapshot: rules: " << rules.error().message << " (memory scan off)\n";
    mr::SnapshotRecord rec = mr::take_evidence_snapshot(req);
    std::cout << mr::encode_kv_line(mr::snapshot_to_kv(rec)) << "\n";
    return rec.status == "ok" ? 0 : 1;
}
