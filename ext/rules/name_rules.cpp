#include "rules/name_rules.h"

#include "rules/rules.h"
#include "util/path_util.h"
#include "util/text_util.h"

namespace mr {

std::string_view argv0_name(const ProcessInfo& p) {
    if (p.argv.empty()) return {};
    std::string_view a = p.argv[0];
    size_t end = a.find_first_of(" \t");
    return base_name(a.substr(0, end));
}

namespace {

bool lookup(const RuleSet& rules, std::string_view name, Strength& s) {
    if (name.empty() || name.size() > 64) return false;
    auto it = rules.miner_names.find(to_lower_ascii(name));
    if (it == rules.miner_names.end()) return false;
    s = it->second;
    return true;
}

}  // namespace

void check_names(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out) {
    if (p.kernel_thread) return;
    struct Source {
        const char* what;
        std::string_view name;
    };
    const Source sources[] = {{"comm", p.comm},
                              {"argv[0]", argv0_name(p)},
                              {"exe", p.exe_memfd ? std::string_view() : base_name(p.exe)}};
    // "kswapd0" is a miner alias only as a user process: a real kernel thread of that name has
    // no exe, no command line and kthreadd (pid 2) as parent.
    const bool user_process = p.ppid != 2 && p.pid != 2 &&
                              (!p.exe.empty() || p.exe_deleted || p.exe_memfd || !p.argv.empty());
    for (const Source& src : sources) {
        Strength s;
        if (!lookup(rules, src.name, s)) continue;
        if (!user_process && rules.is_kernel_thread_name(src.name)) continue;
        add_signal(out, "miner_name", s, std::string(src.what) + "=" + std::string(src.name));
    }
}

}  // namespace mr
