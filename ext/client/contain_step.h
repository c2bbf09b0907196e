// The client's part of containment (issue 11, section 2): off unless both keys allow it, the
// host's own `contain =` and the server's CONTAIN for this host, which the server publishes in a
// file clients fetch through Xymon (`config miningrisk-contain.cfg`, fetched only when this host
// allows containment at all). A process red on two consecutive cycles, with its evidence
// snapshot taken, is frozen by the root helper (miningrisk-contain, through sudo), which
// re-checks its identity and the rails, and/or isolated from the network (contain = isolate or
// both: its own nftables table, renewed every cycle while the process lives, else it expires).
// The next cycle checks that a frozen tree gained no CPU time. Every step and refusal goes into
// the next messages.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/evidence.h"
#include "model/findings.h"
#include "model/model.h"
#include "respond/contain_rails.h"
#include "respond/contain_state.h"

namespace mr {

struct ContainOptions {
    ContainMode client_mode = ContainMode::off;
    bool allow_package = false;          // contain_allow_package = yes: the per-host override
    std::vector<std::string> only;       // contain_only: executable path prefixes ("" = all)
    std::string helper = "/usr/lib/xymon/client/ext/miningrisk-contain";
    bool use_sudo = true;
    std::string tmpdir;                  // state and the cached server answer live here; "" = off
    std::string host;
    std::string grants_config = "miningrisk-contain.cfg";
    bool fetch = true;
    double fetch_timeout = 5;
    double timeout = 8;                  // the helper's hard kill
    int interval = 300;
    // isolate: the IOC lists whose pool addresses are dropped too (read by the helper on stdin)
    std::vector<std::string> pool_files;
    int test_ttl = 0;                    // MININGRISK_TEST_ISOLATE_TTL (tests, as root only): not 4 h
};

// The server's CONTAIN for `host` in the published text ("host=NAME contain=MODE ..." lines);
// false when the host is not listed (off).
bool grant_for_host(const std::string& text, const std::string& host, ContainMode& mode);

// The state file in tmpdir (streaks and records), shared with operators' orders (order_step.h).
ContainState load_contain_state(const ContainOptions& opt, int64_t now);
void save_contain_state(const ContainOptions& opt, const ContainState& s, int64_t now);

ContainmentRecord run_contain_helper(const ContainOptions& opt, const std::string& action, int pid,
                                     uint64_t start_ticks, const std::string& sha256);

// One cycle: updates the streaks, decides, acts, and returns the records to report.
std::vector<ContainmentRecord> contain_step(const ContainOptions& opt, const std::vector<Finding>& findings,
                                            const Snapshot& snap, const std::vector<SnapshotRecord>& snapshots,
                                            int64_t now);

// By hand (miningrisk-client --thaw PID): thaws and records it.
ContainmentRecord thaw_by_hand(const ContainOptions& opt, int pid, int64_t now);
// By hand (miningrisk-client --unisolate PID): takes its network rules away and records it.
ContainmentRecord unisolate_by_hand(const ContainOptions& opt, int pid, int64_t now);

}  // namespace mr
