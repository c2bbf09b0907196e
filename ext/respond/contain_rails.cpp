#include "respond/contain_rails.h"

#include <fmt/core.h>

#include "util/text_util.h"

namespace mr {

bool parse_contain_mode(std::string_view s, ContainMode& out) {
    if (s == "off" || s == "none" || s == "no") out = ContainMode::off;
    else if (s == "observe") out = ContainMode::observe;
    else if (s == "freeze") out = ContainMode::freeze;
    else if (s == "isolate") out = ContainMode::isolate;
    else if (s == "both") out = ContainMode::both;
    else return false;
    return true;
}

const char* to_string(ContainMode m) {
    switch (m) {
        case ContainMode::observe: return "observe";
        case ContainMode::freeze: return "freeze";
        case ContainMode::isolate: return "isolate";
        case ContainMode::both: return "both";
        default: return "off";
    }
}

bool includes_freeze(ContainMode m) { return m == ContainMode::freeze || m == ContainMode::both; }
bool includes_isolate(ContainMode m) { return m == ContainMode::isolate || m == ContainMode::both; }

std::string identity_mismatch(const ProcessIdentity& want, const ProcessIdentity& have) {
    if (want.pid != have.pid) return fmt::format("pid {} is not {}", have.pid, want.pid);
    if (want.start_ticks != have.start_ticks)
        return fmt::format("pid {} started at {} now, not {}: another process", want.pid, have.start_ticks, want.start_ticks);
    if ((want.exe_dev || want.exe_ino) && (want.exe_dev != have.exe_dev || want.exe_ino != have.exe_ino))
        return fmt::format("pid {} runs another executable now (device/inode changed)", want.pid);
    if (!want.sha256.empty() && want.sha256 != have.sha256)
        return fmt::format("pid {} runs an executable with another sha256 now", want.pid);
    return "";
}

std::string rail_refusal(const RailFacts& f, bool allow_package) {
    if (f.pid <= 1) return "never pid 1 (init)";
    if (f.kernel_thread) return "never a kernel thread";
    if (f.uid == f.xymon_uid) return "never Xymon's own processes (user xymon)";
    if (f.exe.rfind("/usr/lib/xymon/", 0) == 0) return "never Xymon's own processes (" + f.exe + ")";
    std::string base = f.exe.substr(f.exe.rfind('/') + 1);
    if (f.comm == "sshd" || base == "sshd" || f.exe == "/usr/sbin/sshd") return "never sshd (remote access to the host)";
    if (!f.dpkg_package.empty() && f.dpkg_md5_matches && !allow_package)
        return "never an unchanged binary of a Debian package (" + f.dpkg_package + ", md5sum matches)";
    return "";
}

std::string md5sums_lookup(std::string_view md5sums, const std::string& path) {
    if (path.empty() || path[0] != '/') return "";
    std::vector<std::string> names = {path.substr(1)};
    for (const char* d : {"/bin/", "/sbin/", "/lib/", "/lib64/"}) {
        std::string dir(d);
        if (path.rfind(dir, 0) == 0) names.push_back("usr" + path);
        if (path.rfind("/usr" + dir, 0) == 0) names.push_back(path.substr(5));
    }
    LineReader lines(md5sums);
    for (std::string_view line; lines.next(line);) {
        if (line.size() < 35 || line[32] != ' ') continue;
        std::string_view name = trim(line.substr(33), " ");
        for (const std::string& n : names)
            if (name == n) return std::string(line.substr(0, 32));
    }
    return "";
}

const char* to_string(ContainDecision::Kind k) {
    switch (k) {
        case ContainDecision::Kind::off: return "off";
        case ContainDecision::Kind::observe: return "observe";
        case ContainDecision::Kind::refuse: return "refused";
        case ContainDecision::Kind::freeze: return "freeze";
        case ContainDecision::Kind::isolate: return "isolate";
        case ContainDecision::Kind::both: return "freeze and isolate";
        default: return "wait";
    }
}

ContainDecision decide_containment(const ContainInput& in) {
    using K = ContainDecision::Kind;
    if (in.client == ContainMode::off)
        return {K::off, fmt::format("not contained: this host's client config says contain = {} "
                                    "(both the host and the server policy must allow it)", to_string(in.client))};
    if (in.consecutive_red < kRedCyclesBeforeAction)
        return {K::wait, fmt::format("waiting: red on {} of {} consecutive cycles", in.consecutive_red, kRedCyclesBeforeAction)};
    if (!in.server_known) return {K::off, "not contained: the server's containment policy could not be fetched"};
    if (in.server == ContainMode::off)
        return {K::off, "not contained: the server policy has no CONTAIN for this host (both keys are needed)"};
    const bool observe = in.server == ContainMode::observe || in.client == ContainMode::observe;
    // what both keys allow; observe stands for whatever the other key asks
    ContainMode c = in.client == ContainMode::observe ? in.server : in.client;
    ContainMode s = in.server == ContainMode::observe ? in.client : in.server;
    const bool freeze = (includes_freeze(c) && includes_freeze(s)) || c == ContainMode::observe;  // observe twice: freeze
    const bool isolate = includes_isolate(c) && includes_isolate(s);
    if (!freeze && !isolate)
        return {K::off, fmt::format("not contained: this host allows contain = {}, the server policy asks for {} "
                                    "(no step both allow)", to_string(in.client), to_string(in.server))};
    if (!in.snapshot_taken) return {K::wait, "waiting: the evidence snapshot comes first"};
    const char* what = freeze && isolate ? "freeze and isolate" : isolate ? "isolate" : "freeze";
    if (observe) return {K::observe, fmt::format("observe (dry run): would {} this process tree; nothing done", what)};
    if (in.actions_today >= kMaxActionsPerDay)
        return {K::refuse, fmt::format("refused: already {} containment actions on this host in 24 h (at most {})",
                                       in.actions_today, kMaxActionsPerDay)};
    return {freeze && isolate ? K::both : isolate ? K::isolate : K::freeze,
            fmt::format("{}: both keys on, red on two consecutive cycles", what)};
}

}  // namespace mr
