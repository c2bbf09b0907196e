#include "rules/persistence_rules.h"

#include <sys/stat.h>

#include "rules/cmdline_rules.h"
#include "rules/name_rules.h"
#include "rules/rule_text.h"
#include "util/expected.h"
#include "util/file_io.h"
#include "rules/rules.h"
#include "util/path_util.h"
#include "util/text_util.h"

namespace mr {
namespace {

constexpr size_t kMaxFiles = 512;
constexpr size_t kMaxFileBytes = 256 * 1024;

bool word_end(char c) {
    return c == ' ' || c == '\t' || c == ';' || c == '|' || c == '&' || c == '"' || c == '\'' ||
           c == '(' || c == ')' || c == '=' || c == '`' || c == '<' || c == '>';
}

// The words of a line, with '|' kept as a word of its own so pipelines can be followed.
std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size() && out.size() < 256) {
        if (line[i] == '|') {
            out.push_back(line.substr(i, 1));
            ++i;
            continue;
        }
        if (word_end(line[i])) {
            ++i;
            continue;
        }
        size_t s = i;
        while (i < line.size() && !word_end(line[i])) ++i;
        out.push_back(line.substr(s, i - s));
    }
    return out;
}

bool one_of(std::string_view w, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (w == n) return true;
    return false;
}

void list_dir(const std::string& dir, std::vector<std::string>& files, const char* suffix) {
    for (const std::string& n : list_dir_names(dir)) {
        if (files.size() >= kMaxFiles) break;
        if (suffix && (n.size() < std::char_traits<char>::length(suffix) ||
                       n.compare(n.size() - std::char_traits<char>::length(suffix), std::string::npos, suffix) != 0))
            continue;
        files.push_back(dir + "/" + n);
    }
}

}  // namespace

void check_persistence_text(std::string_view text, const std::string& label, const RuleSet& rules,
                            std::vector<Signal>& out) {
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') continue;
        std::string where = at_line(label, long(lines.number()), "");
        auto words = words_of(line);

        // A miner's name as a program in the line.
        for (std::string_view w : words) {
            std::string name = to_lower_ascii(base_name(w).substr(0, 64));
            if (rules.miner_names.count(name)) {
                add_signal(out, "persistence_miner", Strength::strong, where + std::string(line));
                break;
            }
        }
        // Stratum URLs, wallets, listed pools, miner flags: the command-line rules on the line.
        ProcessInfo fake;
        fake.argv.emplace_back(line.substr(0, 4096));
        std::vector<Signal> cmd;
        check_cmdline(fake, rules, cmd);
        for (const Signal& s : cmd)
            if (s.strength == Strength::strong)
                add_signal(out, "persistence_miner", Strength::strong, where + std::string(line));

        // Download piped into an interpreter.
        bool download = false;
        for (size_t i = 0; i < words.size(); ++i) {
            std::string_view w = base_name(words[i]);
            if (one_of(w, {"curl", "wget", "fetch", "tftp", "lwp-download"})) download = true;
            if (download && words[i] == "|" && i + 1 < words.size() &&
                one_of(base_name(words[i + 1]),
                       {"sh", "bash", "dash", "zsh", "ksh", "python", "python3", "perl", "php"})) {
                add_signal(out, "persistence_download_exec", Strength::medium, where + std::string(line));
                break;
            }
        }
    }
}

std::vector<Signal> check_persistence(const std::string& root, const RuleSet& rules) {
    std::string r = root == "/" ? "" : root;
    std::vector<std::string> files = {r + "/etc/crontab", r + "/etc/rc.local"};
    for (const char* d : {"/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
                          "/etc/cron.monthly", "/var/spool/cron/crontabs", "/var/spool/cron"})
        list_dir(r + d, files, nullptr);
    for (const char* d : {"/etc/systemd/system", "/run/systemd/system"}) {
        list_dir(r + d, files, ".service");
        list_dir(r + d, files, ".timer");
    }
    std::vector<Signal> out;
    for (const std::string& f : files) {
        struct stat st;
        if (stat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        Expected<std::string> text = read_file(f, kMaxFileBytes);
        if (!text) continue;
        check_persistence_text(*text, f.substr(r.size()), rules, out);
    }
    return out;
}

}  // namespace mr
