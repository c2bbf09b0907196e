// Resolving pool domains to addresses, on the server only (clients never resolve: they get the
// addresses in the merged list). Off by default (RESOLVE=yes turns it on). Each address keeps
// when it was first and last seen, so an address a pool left long ago ages out after
// RESOLVEMAXAGE. State file: "domain address first_seen last_seen" lines.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "feed/feed_formats.h"
#include "util/expected.h"

namespace mr {

// The addresses of `name` (canonical text, at least one), or why there are none.
using Resolver = std::function<Expected<std::vector<std::string>>(const std::string& name, double timeout)>;

// getaddrinfo in a helper thread, given up after `timeout` seconds (the thread is left to end).
Resolver system_resolver();
// Test data: answers only from an /etc/hosts-style file ("ADDRESS NAME..."); never the network.
Resolver hosts_file_resolver(const std::string& path);

struct ResolvedAddress {
    std::string domain;
    std::string address;
    long long first_seen = 0;
    long long last_seen = 0;
};

struct ResolveState {
    std::vector<ResolvedAddress> items;
};

Expected<ResolveState> load_resolve_state(const std::string& path);
Status save_resolve_state(const std::string& path, const ResolveState& st);

struct ResolveSummary {
    std::size_t resolved = 0;   // domains that answered
    std::size_t failed = 0;
    std::size_t expired = 0;    // addresses dropped for age
    std::size_t skipped = 0;    // domains over max_domains
};

// Resolves `domains`, refreshes last_seen, adds new addresses and drops those not seen for
// `max_age` seconds. At most `max_domains` lookups per run.
ResolveSummary update_resolved(ResolveState& st, const std::vector<std::string>& domains,
                               const Resolver& resolver, double timeout, long long now,
                               long long max_age, std::size_t max_domains = 2000);

// The resolved addresses as entries (unique).
std::vector<FeedEntry> resolved_entries(const ResolveState& st);

}  // namespace mr
