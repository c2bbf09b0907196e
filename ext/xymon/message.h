// The client/miningrisk message: what miningrisk-client sends and xymond_miningrisk reads.
//
//   client/miningrisk HOST.linux linux
//   [miningrisk]
//   version=1 agent=miningrisk-client/0.1.0 time=1795730365 interval=300 visibility=full ioc=...
//   [host]
//   cores=2 busy=0.31 procs=123 threads=456 sockets=78 netns=2 ldpreload=... hugepages=0 ...
//   [findings]
//   pid=4316 ppid=1 pcomm=bash uid=33 user=www-data comm=xmrig exe=/tmp/x cores=1.92 pool=... color=red ...
//   [signals]
//   pid=4316 id=miner_name strength=strong evidence=...
//   [top]
//   pid=812 user=mysql comm=mysqld cores=0.95 ...
//
// Each line below a section is one kv_codec record, so host-supplied text is percent-encoded
// and cannot forge a section, a line or a colour icon. Unknown sections and keys are ignored
// (forward compatible); `version` says which layout the sender used. Keys added within version 1
// (absent from older senders, ignored by older parsers): `pcomm` in [findings], the parent
// process's comm, so that the server's PARENT= allow entries need not find the parent among the
// findings; `found` in [miningrisk], how many findings the client found in all when it sent
// only the worst kMaxFindings; in [findings], for incidents: `cpu` (CPU seconds since the
// process started, 2 decimals, empty = unknown), `startticks` (stat field 22) and `start` (unix
// seconds) of the process, `exemtime`/`exectime` (the executable's, unix seconds, 0 = unknown)
// and `pchain` (the ancestors' comms from the parent up, NUL-separated like argv). Section added
// within version 1: [snapshots], one line per evidence snapshot the client took in the last 24 h
// (xymon/snapshot_codec.h), newest first, at most kMaxSnapshots; and [containment], one line
// per containment step or refusal of the last 24 h (at most kMaxContainment); older servers
// ignore both. Also [recovery] (xymon/recovery_codec.h): what the client found of the
// incident's traces this cycle, sent while it keeps snapshots (verified recovery).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/evidence.h"
#include "model/findings.h"
#include "model/limits.h"
#include "model/model.h"
#include "model/recovery.h"
#include "util/expected.h"

namespace mr {

constexpr int kMessageVersion = 1;
constexpr const char* kCollectorId = "miningrisk";
constexpr size_t kMaxSnapshots = 5;
constexpr size_t kMaxContainment = 10;

// A process line of the [top] section.
struct TopProcess {
    int pid = 0;
    std::string user;
    std::string comm;
    std::string exe;
    double cores = 0;
    double max_thread_cores = 0;
    int threads = 0;
};

struct ClientReport {
    int version = kMessageVersion;
    std::string agent;               // "miningrisk-client/0.1.0"
    std::string host;                // Xymon host name with dots
    std::string ostype = "linux";
    int64_t time = 0;
    int interval = 300;              // client cycle in seconds: the server sets lifetime from it
    bool visibility_full = true;
    std::vector<std::string> visibility_reasons;
    std::string ioc_version;         // version of the IOC list the client used
    Color color = Color::green;      // the client's own verdict (the server re-scores)
    // Findings the client found in all: more than findings.size() when it sent only the worst
    // kMaxFindings. Never below findings.size() after parsing (older clients send no count).
    int findings_found = 0;
    // [host]
    int cores = 0;
    double busy_cores = 0;
    int procs = 0, threads = 0, sockets = 0, netns = 0;
    bool ld_so_preload = false;
    long hugepages = 0;
    std::vector<Finding> findings;   // host-level signals use pid 0
    std::vector<TopProcess> top;
    std::vector<SnapshotRecord> snapshots;  // [snapshots]
    std::vector<ContainmentRecord> containment;  // [containment]: steps and refusals, last 24 h
    bool has_recovery = false;       // the message had a [recovery] section
    RecoveryFacts recovery;          // [recovery]
};

// The whole message text, starting "client/miningrisk HOST.OSTYPE CLASS\n".
std::string build_client_message(const ClientReport& r, const std::string& config_class = "linux");

// Parses the message body (from the "client/..." line or from "[miningrisk]" on). Never throws;
// garbage fails with a reason, and partial data is kept in `out` where it parsed.
Status parse_client_message(std::string_view text, ClientReport& out);

}  // namespace mr
