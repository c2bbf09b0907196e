// Command line and environment rules. Matching is token-aware: argv entries are split into
// words, "--flag=value" into flag and value, and flags are read with the word that follows, so
// "kubectl get x -o pool.yaml" or "gcc -o pool.o pool.c" never look like "-o pool:3333".
// Hand-written scanners, no regex: this runs on every process of every cycle.
//
// Signals: stratum_url, stratum_url_base64, algo_pool_flags, miner_flag, wallet_address,
//          pool_domain_arg, pool_env, ld_preload_env.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/findings.h"
#include "model/model.h"

namespace mr {

class RuleSet;

// `pool_hint`, if given, receives "host:port" of the pool the command line names (if any).
// Whether check_cmdline looks at this environment entry ("NAME=value"): LD_PRELOAD, a pool
// variable of the rules, or a value holding a URL. The collector keeps only these.
bool env_entry_matters(std::string_view entry, const RuleSet& rules);

void check_cmdline(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out,
                   std::string* pool_hint = nullptr);

// --- building blocks, exposed for the tests ---

// Finds a stratum URL (stratum+tcp://, stratum+ssl://, stratum+tls://, stratum1+tcp://,
// stratum2+ssl://, ... case-insensitive) in `s`; returns it (up to the next space or shell
// separator) or "".
std::string_view find_stratum_url(std::string_view s);
// "host:port" of a URL or "user@host:port/path" string; "" if there is no host.
std::string url_host_port(std::string_view url);
// Decodes standard or URL-safe base64 (padding optional) into `out`, at most `max_out` bytes;
// false if `s` is not base64.
bool decode_base64(std::string_view s, std::string& out, size_t max_out = 4096);

// Splits "[scheme://][user@]host:port[/path]" into host and port; false unless both are
// well-formed (a domain with a non-numeric top label, an IPv4 or a bracketed IPv6, a port 1-65535).
bool split_host_port(std::string_view s, std::string& host, uint16_t& port);

}  // namespace mr
