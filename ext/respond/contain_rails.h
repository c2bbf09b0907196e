// Containment (issue 11, section 2), pure: the two keys, the rails, the identity check, and the
// per-cycle decision. The helper (miningrisk-contain) gathers the facts as root just before it
// acts; the client decides whether to ask it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

// The client's key (`contain =` in miningrisk-client.cfg) and the server's (`CONTAIN` in a
// policy scope; it also has `observe`, a dry run that only logs the plan).
enum class ContainMode { off, observe, freeze, isolate, both };
bool parse_contain_mode(std::string_view s, ContainMode& out);
const char* to_string(ContainMode m);
bool includes_freeze(ContainMode m);
bool includes_isolate(ContainMode m);

// Who a process is: acting on a pid whose identity changed would hit an innocent process.
struct ProcessIdentity {
    int pid = 0;
    uint64_t start_ticks = 0;
    uint64_t exe_dev = 0, exe_ino = 0;   // 0 = not checked
    std::string sha256;                  // "" = not checked
};
// "" when `have` is the process `want` names; else what differs.
std::string identity_mismatch(const ProcessIdentity& want, const ProcessIdentity& have);

// What the helper saw about the target just before acting.
struct RailFacts {
    int pid = 0;
    bool kernel_thread = false;
    uint32_t uid = 0;
    uint32_t xymon_uid = UINT32_MAX;     // the uid of user xymon
    std::string comm;
    std::string exe;                     // without " (deleted)"
    std::string dpkg_package;            // the package whose md5sums list the exe, "" = none
    bool dpkg_md5_matches = false;       // and the binary still has that md5
};
// "" when containment may touch this process; else why never (pid 1, a kernel thread, Xymon's
// own processes, sshd, a binary of a Debian package that is unchanged unless allow_package).
std::string rail_refusal(const RailFacts& f, bool allow_package);

// The md5 dpkg recorded for `path` in one PKG.md5sums text ("HEX  usr/bin/x" lines); "" when
// the file is not listed. /bin and /usr/bin are one on merged-/usr systems: both are tried.
std::string md5sums_lookup(std::string_view md5sums, const std::string& path);

constexpr int kMaxActionsPerDay = 3;
constexpr int kRedCyclesBeforeAction = 2;

struct ContainInput {
    ContainMode client = ContainMode::off;
    ContainMode server = ContainMode::off;
    bool server_known = false;           // the server's answer was fetched (or cached)
    int consecutive_red = 0;             // cycles this process has been red in a row, this one included
    int actions_today = 0;               // freezes done on this host in the last 24 h
    bool snapshot_taken = false;         // the evidence comes first
};

struct ContainDecision {
    // freeze, isolate or both: what both keys allow (the host's `contain =` and the server's CONTAIN)
    enum class Kind { wait, off, observe, refuse, freeze, isolate, both } kind = Kind::wait;
    std::string reason;
};
ContainDecision decide_containment(const ContainInput& in);
const char* to_string(ContainDecision::Kind k);

}  // namespace mr
