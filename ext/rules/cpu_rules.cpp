#include "rules/cpu_rules.h"

#include <algorithm>
#include <cstdio>

#include "rules/identity_rules.h"
#include "rules/rules.h"
#include "util/path_util.h"

namespace mr {

void check_cpu(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out) {
    if (p.kernel_thread) return;
    double busiest = p.max_thread_cores;
    int pegged = 0;
    for (const ThreadInfo& t : p.threads) {
        busiest = std::max(busiest, t.cores);
        pegged += t.cores >= kPeggedThreadCores;
    }
    char buf[160];
    if (busiest >= kPeggedThreadCores) {
        std::snprintf(buf, sizeof buf, "busiest thread %.2f cores, %d pegged thread(s), process %.2f cores",
                      busiest, std::max(pegged, 1), p.cores);
        add_signal(out, "thread_pegged", Strength::weak, buf);
    }
    std::string where;
    bool odd_place = p.exe_memfd || path_place(p.exe, &where) != PathPlace::normal;
    if (odd_place && p.cores >= kSustainedCores) {
        std::snprintf(buf, sizeof buf, "%.2f cores from ", p.cores);
        add_signal(out, "tempdir_cpu_hog", Strength::medium, buf + p.exe);
    }
}

}  // namespace mr
