#include "rules/host_rules.h"

#include "rules/identity_rules.h"
#include "rules/rules.h"
#include "util/path_util.h"

namespace mr {
namespace {

bool in_system_lib_dir(std::string_view path) {
    for (const char* d : {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/lib32/", "/usr/lib32/"})
        if (path.compare(0, std::char_traits<char>::length(d), d) == 0) return true;
    return false;
}

}  // namespace

std::vector<Signal> check_host(const HostFacts& host, const RuleSet& rules) {
    std::vector<Signal> out;
    if (host.ld_so_preload_present) {
        // Entries are separated by whitespace or ':'; '#' starts a comment (ld.so(8)).
        Strength s = Strength::weak;
        std::string libs;
        std::string_view text = host.ld_so_preload;
        size_t i = 0;
        bool comment = false;
        while (i < text.size()) {
            char c = text[i];
            if (c == '\n') comment = false;
            if (c == '#') comment = true;
            if (comment || c == ' ' || c == '\t' || c == '\n' || c == ':') {
                ++i;
                continue;
            }
            size_t end = text.find_first_of(" \t\n:#", i);
            if (end == std::string_view::npos) end = text.size();
            std::string_view lib = text.substr(i, end - i);
            bool odd = !in_system_lib_dir(lib) || path_place(lib) != PathPlace::normal;
            Strength ls = odd ? Strength::strong : Strength::medium;
            if (ls > s) s = ls;
            if (!libs.empty()) libs += ' ';
            libs += std::string(lib);
            i = end;
        }
        add_signal(out, "ld_so_preload", s,
                   "/etc/ld.so.preload present" + (libs.empty() ? std::string(" (empty)") : ": " + libs));
    }
    if (!host.hidden_pids.empty()) {
        std::string pids;
        for (size_t i = 0; i < host.hidden_pids.size() && i < 10; ++i)
            pids += (i ? " " : "") + std::to_string(host.hidden_pids[i]);
        if (host.hidden_pids.size() > 10) pids += " ...";
        add_signal(out, "hidden_pid", Strength::strong,
                   std::to_string(host.hidden_pids.size()) + " pid(s) alive but not listed in /proc: " + pids);
    }
    if (host.msr_loaded && host.msr_allow_writes) {
        bool huge = host.hugepages_total > 0;
        add_signal(out, "hugepages_msr", huge ? Strength::medium : Strength::weak,
                   "msr module allows writes" +
                       (huge ? ", nr_hugepages=" + std::to_string(host.hugepages_total) : std::string()));
    }
    return out;
}

}  // namespace mr
