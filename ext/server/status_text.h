// The miningrisk column's status message: "status+LIFETIME HOST.miningrisk COLOR headline",
// then an HTML evidence body (every host-supplied string escaped, no host text at a line start)
// and NCV lines for the trend graph.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/evidence.h"
#include "model/findings.h"
#include "model/recovery.h"
#include "server/policy.h"

namespace mr {

constexpr const char* kColumn = "miningrisk";

struct StatusInput {
    std::string host;
    int interval_seconds = 300;     // the client cycle; lifetime = 2 cycles + 5 minutes
    bool agentless = false;         // evidence from the stock client's [ps]/[ports] only
    bool visibility_full = true;
    std::vector<std::string> visibility_reasons;
    std::string clear_reason;       // non-empty: could not look at all, colour clear
    int procs_checked = 0;
    int findings_unreported = 0;    // findings the client found but left out (beyond kMaxFindings)
    int sockets_checked = 0;
    std::string agent;              // "miningrisk-client/0.1.0"
    std::string ioc_version;
    std::string drilldown_base = "/xymon/miningrisk/";
    std::string incident_id;        // the host's open incident ("" = none): linked from the text
    std::string incident_status;    // "recovering: 3 of 12 clean cycles"
    bool has_recovery = false;      // the client sent its [recovery] facts
    RecoveryFacts recovery;
    std::string recovery_warning;   // an unclean cycle only the facts show: yellow with it, not green
    PolicyVerdict verdict;
    std::vector<SnapshotRecord> snapshots;   // evidence snapshots the client took (last 24 h)
    std::vector<ContainmentRecord> containment;  // containment steps and refusals (last 24 h)
    std::string contain = "off";             // the server policy's CONTAIN for this host
};

// Lifetime in minutes for a client cycle of `interval_seconds`.
int status_lifetime_minutes(int interval_seconds);

// Line 1 without the colour word, e.g. "xmrig (pid 4316, user www-data) on 1.9 cores, pool ...".
std::string build_headline(const StatusInput& in);

// The whole message, ready for `$XYMON $XYMSRV @`.
std::string build_status_message(const StatusInput& in);

// Line 1 of agentless statuses ends with this marker, and only theirs: a worker restart tells
// hosts that run miningrisk-client from agentless ones by it (see line1_is_agentless).
constexpr std::string_view kAgentlessMarker = " (agentless)";
// True for a board line 1 (with or without the colour word) of an agentless status.
bool line1_is_agentless(std::string_view line1);

// The colour the status will carry (clear when could not look, else the verdict's, at least
// yellow with a recovery warning).
Color status_color(const StatusInput& in);

// Sum of the strengths of the signals still in force (the NCV "score").
int verdict_score(const PolicyVerdict& v);

}  // namespace mr
