// Detection: rules and IOC lists turn a Snapshot into Findings. Pure over its inputs except the
// bounded binary scan, which reads /proc/PID/exe under opt.proc_root. Used by the client, and by
// the server for agentless hosts (a Snapshot built from the stock [ps]/[ports] sections).
#pragma once
#include <string>
#include <vector>

#include "model/findings.h"
#include "model/model.h"
#include "util/expected.h"

namespace mr {

struct DetectOptions {
    std::string proc_root = "/proc";
    bool scan_binaries = true;       // off for agentless snapshots (no binaries to read)
    std::string scan_cache_file;     // binary scan results keyed by file identity; "" = no cache
    // Root of the file system whose cron tables and systemd units are checked for miners
    // ("/" on a real host, a fixture dir in tests); "" = no persistence check (the default).
    std::string persistence_root;
};

class RuleSet;  // defined in rules.h

class Detector {
public:
    Detector();
    ~Detector();
    Detector(Detector&&) noexcept;
    Detector& operator=(Detector&&) noexcept;
    // Loads every rule and IOC file in `dir`. On error fails with "FILE:LINE: message" and
    // keeps the rules it had before (the last good list stays in force).
    Status load(const std::string& dir);
    // Extra IOC file (the merged feed list fetched from the server); same all-or-nothing rule.
    Status load_ioc_file(const std::string& path);
    // The worst kMaxFindings findings, worst first. `found` (optional) receives how many there
    // were in all, so the report can say how many it left out.
    std::vector<Finding> detect(const Snapshot& snap, const DetectOptions& opt, size_t* found = nullptr) const;
    std::string ioc_version() const;
    const RuleSet& rules() const;

private:
    struct Impl;
    Impl* impl_;
};

// Colour implied by a finding's signals: a strong signal, or two medium ones, is red; one medium
// or weak is yellow; none is green. Signals suppressed by policy are removed before calling this.
Color score_signals(const std::vector<Signal>& signals);

// The host's colour: the worst finding; never green when visibility is limited (yellow).
Color overall_color(const std::vector<Finding>& findings, bool visibility_full);

}  // namespace mr
