#include "rules/identity_rules.h"

#include <cstdio>

#include "rules/name_rules.h"
#include "rules/rules.h"
#include "util/path_util.h"
#include "util/text_util.h"

namespace mr {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Names compare case-blind, on their first 64 bytes.
std::string lower(std::string_view s) { return to_lower_ascii(s.substr(0, 64)); }

// First word of argv[0], unmodified (a fake "[kworker/0:1]" keeps its brackets and slash).
std::string_view argv0_word(const ProcessInfo& p) {
    if (p.argv.empty()) return {};
    std::string_view a = p.argv[0];
    return a.substr(0, a.find_first_of(" \t"));
}

bool looks_like_kernel_thread(std::string_view name, const RuleSet& rules) {
    if (name.size() >= 3 && name.front() == '[' && name.back() == ']') return true;
    return rules.is_kernel_thread_name(name);
}

// Names agree when equal or one is a prefix of the other: comm is cut at 15 bytes, and
// "python3" runs as python3.11.
bool names_agree(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return true;
    return starts_with(a, b) || starts_with(b, a);
}

// Programs that legitimately show another name: multi-call binaries (busybox runs as "sh")
// and interpreters whose scripts set their own process title.
bool retitles_legitimately(const std::string& exe_name) {
    static const char* const prefixes[] = {"busybox", "toybox", "coreutils", "python", "perl",
                                           "ruby",    "node",   "java",      "php",    "bash",
                                           "dash",    "lua",    "beam",      "dotnet", "mono"};
    for (const char* p : prefixes)
        if (starts_with(exe_name, p)) return true;
    return exe_name == "sh" || exe_name == "zsh" || exe_name == "ksh";
}

// An idle daemon whose package was upgraded under it runs a deleted system binary: normal.
bool in_system_dir(std::string_view path) {
    for (const char* d : {"/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/"})
        if (starts_with(path, d)) return true;
    return false;
}

std::string fmt_cores(double c) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", c);
    return buf;
}

}  // namespace

bool has_user_image(const ProcessInfo& p) {
    return !p.exe.empty() || p.exe_deleted || p.exe_memfd || !p.argv.empty();
}

void check_identity(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out) {
    if (p.kernel_thread) return;
    const std::string exe_shown = p.exe + (p.exe_deleted ? " (deleted)" : "");

    // Fake kernel thread.
    if (has_user_image(p) && p.ppid != 2 && p.pid != 2) {
        std::string_view a0 = argv0_word(p);
        bool by_comm = looks_like_kernel_thread(p.comm, rules);
        bool by_argv = looks_like_kernel_thread(a0, rules);
        if (by_comm || by_argv)
            add_signal(out, "fake_kernel_thread", Strength::medium,
                       "comm=" + p.comm + " argv[0]=" + std::string(a0) + " ppid=" +
                           std::to_string(p.ppid) + " exe=" + (exe_shown.empty() ? "?" : exe_shown));
    }

    // comm and argv[0] both disagree with the binary.
    if (!p.exe.empty() && !p.exe_memfd && !p.argv.empty()) {
        std::string e = lower(base_name(p.exe));
        std::string c = lower(p.comm);
        std::string a = lower(argv0_name(p));
        while (!a.empty() && a.back() == ':') a.pop_back();   // "sshd: user@pts/0"
        if (!a.empty() && a[0] == '-') a.erase(0, 1);         // login shells: "-bash"
        if (!retitles_legitimately(e) && !names_agree(c, e) && !names_agree(a, e))
            add_signal(out, "name_mismatch", Strength::weak,
                       "comm=" + p.comm + " argv[0]=" + a + " exe=" + exe_shown);
    }

    if (p.exe_deleted && !p.exe_memfd) {   // a memfd always reads as deleted: one fact, one signal
        std::string e = "exe=" + exe_shown + " cores=" + fmt_cores(p.cores);
        if (p.cores >= 0.25) add_signal(out, "exe_deleted", Strength::medium, e);
        else if (!in_system_dir(p.exe)) add_signal(out, "exe_deleted", Strength::weak, e);
    }
    if (p.exe_memfd) add_signal(out, "exe_memfd", Strength::medium, "exe=" + p.exe);

    std::string where;
    PathPlace place = p.exe_memfd ? PathPlace::normal : path_place(p.exe, &where);
    if (place != PathPlace::normal)
        add_signal(out, "exe_in_tempdir", Strength::weak,
                   std::string(place == PathPlace::temp ? "exe in " : "exe in hidden directory ") +
                       where + ": " + exe_shown);
}

}  // namespace mr
