// Helpers for the detection-rule tests: the shipped rule directory and small Snapshot builders.
#pragma once
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "rules/detector.h"
#include "model/model.h"
#include "rules/rules.h"
#include "rules/rule_files.h"
#include "rules/rule_text.h"
#include "util/file_io.h"

namespace mr_test {

// client-tests/share/rules, found from this file's path (tests run from the repo root or
// anywhere when the path is absolute); MR_RULES_DIR overrides.
inline std::string shipped_rules_dir() {
    if (const char* e = std::getenv("MR_RULES_DIR")) return e;
    std::string here = __FILE__;
    size_t cut = here.rfind("tests/unit/");
    std::string root = cut == std::string::npos ? std::string() : here.substr(0, cut);
    return root + "client-tests/share/rules";
}

inline const mr::RuleSet& shipped_rules() {
    static mr::RuleSet rs = [] {
        mr::Expected<mr::RuleSet> r = mr::load_rule_dir(shipped_rules_dir());
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(*r);
    }();
    return rs;
}

inline mr::Detector shipped_detector() {
    mr::Detector d;
    if (mr::Status loaded = d.load(shipped_rules_dir()); !loaded) throw std::runtime_error(loaded.error().message);
    return d;
}

// A plain user process: /usr/bin/NAME run by a shell, idle.
inline mr::ProcessInfo proc(int pid, const std::string& name, std::vector<std::string> argv = {}) {
    mr::ProcessInfo p;
    p.pid = pid;
    p.ppid = 1;
    p.uid = 1000;
    p.user = "alice";
    p.comm = name.substr(0, 15);
    p.exe = "/usr/bin/" + name;
    p.exe_readable = true;
    p.argv = argv.empty() ? std::vector<std::string>{name} : std::move(argv);
    p.state = 'S';
    p.num_threads = 1;
    return p;
}

// One per-process rule (mr::check_names, check_identity, check_cpu) run with the shipped rules.
using ProcessRule = void (*)(const mr::ProcessInfo&, const mr::RuleSet&, std::vector<mr::Signal>&);
inline std::vector<mr::Signal> rule_signals(ProcessRule rule, const mr::ProcessInfo& p) {
    std::vector<mr::Signal> out;
    rule(p, shipped_rules(), out);
    return out;
}

inline bool has_signal(const std::vector<mr::Signal>& sigs, const std::string& id) {
    for (const auto& s : sigs)
        if (s.id == id) return true;
    return false;
}

inline const mr::Signal* signal_of(const std::vector<mr::Signal>& sigs, const std::string& id) {
    for (const auto& s : sigs)
        if (s.id == id) return &s;
    return nullptr;
}

inline const mr::Finding* finding_for(const std::vector<mr::Finding>& fs, int pid) {
    for (const auto& f : fs)
        if (f.pid == pid) return &f;
    return nullptr;
}

inline mr::DetectOptions no_scan() {
    mr::DetectOptions o;
    o.scan_binaries = false;
    return o;
}

}  // namespace mr_test
