// The heart of xymond_miningrisk, without I/O: takes channel messages, keeps per-host state,
// applies the central policy and returns the status messages to post. The program around it
// reads stdin and sends; the benchmark and --test drive it directly.
#pragma once
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/expected.h"
#include "xymon/channel_reader.h"
#include "xymon/host_pages.h"
#include "xymon/message.h"
#include "server/policy.h"
#include "server/status_text.h"

namespace mr {

class Detector;
class IncidentDriver;

struct WorkerOptions {
    std::string policy_path = "/etc/xymon/miningrisk.cfg";
    std::string rules_dir = "/usr/share/miningrisk/rules";
    // A host counts as having miningrisk-client for this many of its cycles after a message.
    int client_cycles = 2;
    double policy_check_seconds = 5;   // how often the policy file's mtime is looked at
    // The merged pool list miningrisk-feed publishes to clients: loaded for agentless hosts, and
    // its version tells stale clients. "" = none.
    std::string pools_file = "/var/lib/xymon/miningrisk/pools.txt";
    double pools_check_seconds = 60;
    // Containment grants clients fetch (`config miningrisk-contain.cfg` includes it): one line per
    // host whose policy has a CONTAIN other than off. "" = not published.
    std::string contain_file = "/var/lib/xymon/miningrisk/contain.txt";
    double pages_refresh_seconds = 300; // host->page map: reloaded this often, and after @@reload
    double pages_retry_seconds = 30;    // after a failed load
    // Incidents and SIEM events: "" = off (the default for --test and the benchmark; the live
    // worker sets kIncidentDir and /etc/xymon/miningrisk-siem.cfg).
    std::string incidents_dir;
    std::string siem_config = "/etc/xymon/miningrisk-siem.cfg";
};

// Fetches the host->page map (from xymond in the live worker). A failure keeps the map the
// worker has.
using PageLoader = std::function<Expected<HostPages>()>;

struct WorkerStats {
    uint64_t miningrisk_messages = 0;
    uint64_t agentless_messages = 0;
    uint64_t skipped_standard = 0;   // standard messages of hosts that run miningrisk-client
    uint64_t bad_messages = 0;
    uint64_t statuses = 0;
    uint64_t page_loads = 0;         // host->page map loads that succeeded
};

class ServerWorker {
public:
    explicit ServerWorker(WorkerOptions opt);
    ~ServerWorker();

    // Loads policy and rules; problems are logged and the worker runs on defaults.
    void init();
    // Re-reads policy and rules (xymond's @@reload). Broken files keep the previous version.
    void reload();
    // Writes what is kept only in memory between saves (the incidents' host memory): at exit.
    void flush_state();
    // Handles one message from the client channel; appends statuses to `out`.
    // Returns false on @@shutdown.
    bool handle(const ChannelMessage& m, std::time_t now, std::vector<std::string>& out);

    // The status for a miningrisk-client message body ("client/miningrisk ..." on), or why the
    // message does not parse.
    Expected<std::string> evaluate_miningrisk(const std::string& host, const std::string& config_class,
                                              std::string_view body, std::time_t now);
    // The agentless status for a standard client message body ("client HOST.OS CLASS" on).
    std::string evaluate_standard(const std::string& host, const std::string& config_class, std::string_view body,
                                  std::time_t now);

    // Marks `host` as running miningrisk-client (e.g. seeded from the board at start).
    void note_client(const std::string& host, std::time_t when, int interval_seconds);
    // Page path of each host (hosts.cfg), for PAGE= scopes.
    void set_host_pages(HostPages pages);
    // Loads the page map lazily: before the first client message, after @@reload (hosts.cfg
    // may have changed) and every pages_refresh_seconds.
    void set_page_loader(PageLoader loader);

    const Policy& policy() const { return policy_; }
    const WorkerStats& stats() const { return stats_; }
    std::string page_of(const std::string& host) const;

private:
    const EffectivePolicy& effective_for(const std::string& host, const std::string& config_class);
    void maybe_reload_policy(std::time_t now);
    void maybe_reload_pools(std::time_t now);
    // A named reason when the client scanned with an older list than the one published long
    // enough ago for it to have fetched it; "" otherwise.
    std::string stale_ioc_reason(const std::string& client_version, int interval, std::time_t now) const;
    void maybe_refresh_pages(std::time_t now);
    const std::string& today(std::time_t now);
    void load_policy();
    // Rewrites contain_file when this host's CONTAIN differs from what it holds.
    void publish_contain(const std::string& host, const EffectivePolicy& pol);

    struct ClientSeen {
        std::time_t last = 0;
        int interval = 300;
    };
    WorkerOptions opt_;
    Policy policy_;
    std::unique_ptr<Detector> detector_;
    bool rules_loaded_ = false;
    std::unordered_map<std::string, ClientSeen> clients_;
    std::unordered_map<std::string, EffectivePolicy> effective_cache_;
    HostPages pages_;
    PageLoader page_loader_;
    bool pages_stale_ = true;
    std::time_t next_pages_load_ = 0;
    std::time_t last_policy_check_ = 0;
    std::time_t last_pools_check_ = 0;
    std::time_t pools_mtime_ = 0;          // when the published list last changed
    std::string published_ioc_version_;
    std::time_t today_minute_ = -1;
    std::string today_;
    WorkerStats stats_;
    std::unique_ptr<IncidentDriver> incidents_;
    std::time_t last_side_poll_ = 0;
    void drive_incident(StatusInput& in, const std::string& config_class, int64_t report_time);
    std::map<std::string, std::string> contain_;   // host -> "contain=MODE scope=..." published
    bool contain_loaded_ = false;
};

}  // namespace mr
