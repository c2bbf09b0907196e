// The central policy, /etc/xymon/miningrisk.cfg, in the style of analysis.cfg:
//
//   DEFAULT
//       WEIGHT fake_kthread=weak
//   HOST=build1,build2            (or HOST=%regex, HOST=*; EXHOST=, CLASS=, PAGE= alike)
//       ALLOW EXE=/opt/bench/xmrig USER=bench REASON="CPU benchmark" EXPIRES=2026-12-31
//       ALLOW SHA256=ab12... SIGNAL=miner_name REASON="..." EXPIRES=...
//   PAGE=%^lab(/|$) EXHOST=lab-gw    (the page path from hosts.cfg, e.g. lab/gpu; "/" = top page)
//       EXPECTED REASON="mining research lab"
//       THRESHOLD RED_MEDIUM=3 YELLOW_WEAK=2
//   CLASS=cloud
//       INCIDENT CLEAN_CYCLES=6 PRICE_KWH=0.30 PRICE_VCPU_HOUR=0.04 CURRENCY=EUR
//       (also IDLE_WATTS=0.74 BUSY_WATTS=3.5 PUE=1.135: per vCPU, for the incident's impact)
//   HOST=web01
//       CONTAIN freeze                (containment's server key: off|observe|freeze|isolate|both)
//
// A scope line (criteria AND together) starts a block; every scope that matches a host applies,
// in file order (a later WEIGHT/THRESHOLD wins). ALLOW matches on EXE, SHA256, USER, PARENT (the
// parent's comm, Finding::parent_comm) and optionally NAME and SIGNAL, but never on NAME alone; REASON and EXPIRES are
// mandatory, and an entry past its EXPIRES date no longer applies (the status lists it as
// expired). Values starting with '%' are regular expressions. Errors name FILE:LINE and the
// previous policy stays in force.
#pragma once
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "incident/incident.h"
#include "model/findings.h"
#include "util/expected.h"

namespace mr {

// A name list ("a,b,c"), "*", or "%regex".
struct NameMatcher {
    bool any = false;
    std::vector<std::string> names;
    std::shared_ptr<std::regex> re;
    std::string text;  // as written, for display
    bool matches(const std::string& s) const;
};

struct AllowEntry {
    std::string file;
    int line = 0;
    std::string exe, sha256, user, parent, name;  // "" = not a criterion
    std::vector<std::string> signals;             // empty: every signal
    std::string reason;
    std::string expires;                          // YYYY-MM-DD, valid through that day
    // Compiled forms of the criteria that start with '%'.
    std::shared_ptr<std::regex> exe_re, user_re, parent_re, name_re;

    bool expired(const std::string& today) const { return today > expires; }
    // "miningrisk.cfg:12 EXE=/opt/x USER=bob (reason: ...; expires 2026-12-31)"
    std::string label() const;
};

struct Thresholds {
    int red_medium = 2;   // medium signals that together make red
    int yellow_weak = 1;  // weak signals that together make yellow
};

// What applies to one host after merging every matching scope.
struct EffectivePolicy {
    std::vector<std::shared_ptr<const AllowEntry>> allows;
    std::map<std::string, int> weights;  // signal id -> Strength as int, 0 = off
    Thresholds thresholds;
    bool expected = false;
    std::string expected_reason;
    std::string contain = "off";         // CONTAIN: off, observe, freeze, isolate, both (a later scope wins)
    std::string contain_scope;           // the scope that set it
    std::vector<std::string> scopes;     // "FILE:LINE HOST=..." of each matching scope
    IncidentSettings incident;           // INCIDENT CLEAN_CYCLES=... IDLE_WATTS=... (later keys win)
};

// Process names by pid, for findings without parent_comm (messages from older clients).
using CommByPid = std::unordered_map<int, std::string>;

struct PolicyVerdict {
    Color color = Color::green;
    Color color_before_expected = Color::green;
    std::vector<Finding> findings;          // after weights and allowlist, each rescored
    std::vector<std::string> allow_matched; // labels of entries that suppressed something
    std::vector<std::string> allow_expired; // labels of expired entries that would have matched
    bool expected = false;
    std::string expected_reason;
};

// Colour from signals with the given thresholds: a strong signal, or red_medium medium ones,
// is red; a medium one or yellow_weak weak ones is yellow; otherwise green.
Color score_with_thresholds(const std::vector<Signal>& signals, const Thresholds& t);

// Applies weights, allowlist and expected-mining to `findings`. `today` is "YYYY-MM-DD".
PolicyVerdict apply_policy(const EffectivePolicy& pol, std::vector<Finding> findings, bool visibility_full,
                           const std::string& today, const CommByPid& parents = {});

// Today's local date as "YYYY-MM-DD".
std::string local_date(std::time_t t);

class Policy {
public:
    // Parses `text` (named `file` in errors). On error fails with "FILE:LINE: message" and
    // keeps the current policy.
    Status load_text(std::string_view text, const std::string& file);
    // A missing file is an empty policy (defaults), not an error.
    Status load_file(const std::string& path);
    // Reloads when the file's mtime (or size) changed since the last attempt: nothing when it
    // did not, else how the reload went.
    std::optional<Status> reload_if_changed(const std::string& path);

    EffectivePolicy effective(const std::string& host, const std::string& config_class,
                              const std::string& page) const;
    // Human-readable, for --show-policy.
    std::string describe(const std::string& host, const std::string& config_class, const std::string& page) const;
    size_t scope_count() const;

private:
    struct Scope;
    std::vector<std::shared_ptr<Scope>> scopes_;
    long long mtime_ns_ = -1;
    long long size_ = -1;
};

}  // namespace mr
