// RuleSet: every list the detection rules read, loaded from the shipped rule files
// (rule_files.h) and the IOC lists (ioc_list.h). Plain data, built once, read by every rule;
// lookups are hash sets so that per-process work stays cheap.
#pragma once
#include <bitset>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/findings.h"
#include "rules/ioc_list.h"

namespace mr {

struct BinaryMarker {
    std::string text;          // bytes searched for in the executable (case-sensitive)
    Strength strength = Strength::medium;
};

class RuleSet {
public:
    // miner-names.txt: lowercase whole names -> strength.
    std::unordered_map<std::string, Strength> miner_names;
    // kernel-threads.txt: names a kernel thread may carry (exact, or prefixes written "name*").
    std::unordered_set<std::string> kthread_names;
    std::vector<std::string> kthread_prefixes;
    // pool-domains.txt + pool-addresses.txt, and the merged feed list if one was loaded.
    IocList pools;
    IocList feed;
    bool feed_loaded = false;
    // miner-ports.txt
    std::bitset<65536> miner_ports;
    // binary-markers.txt
    std::vector<BinaryMarker> binary_markers;
    // cmdline-flags.txt
    std::unordered_map<std::string, Strength> miner_flags;   // "--donate-level"
    std::unordered_set<std::string> algo_flags;              // "-a", "--algo"
    std::unordered_set<std::string> pool_flags;              // "-o", "--url"
    std::unordered_set<std::string> algorithms;              // "rx/0", lowercase
    std::unordered_map<std::string, Strength> env_names;     // "POOL_URL"
    // file name -> "# version:" of each loaded file
    std::map<std::string, std::string> versions;

    // The listed pool indicator matching a host name or literal address (port 0 = unknown).
    std::string match_pool_host(std::string_view host, uint16_t port = 0) const;
    std::string match_pool_addr(std::string_view addr, uint16_t port) const;
    bool is_kernel_thread_name(std::string_view name) const;
    // Version of the pool list in force: the feed's if loaded, else the shipped list's.
    std::string ioc_version() const;
};

// Adds a signal, or merges into the one with the same id (strongest strength wins, evidence
// appended, bounded): a finding carries each signal id once, which keeps scoring honest.
void add_signal(std::vector<Signal>& out, std::string_view id, Strength s, std::string_view evidence);

// Evidence text is attacker-controlled: keep it short and single-line.
std::string clip_evidence(std::string_view s, size_t max = 160);

}  // namespace mr
