// The feed updater's configuration (/etc/xymon/miningrisk-feed.cfg):
//   FEED NAME URL=https://... FORMAT=domains|hosts|ips|ipport|maltrail|ioc LICENSE="..."
//        [MAXAGE=2d] [MAXSIZE=8M] [MINENTRIES=1] [MAXENTRIES=500000] [DISABLED]
//   OUTPUT=/var/lib/xymon/miningrisk/pools.txt     merged list (the version clients use)
//   PUBLISH=/etc/xymon/miningrisk-pools.cfg        what `config miningrisk-pools.cfg` serves
//   SHIPPED=/usr/share/miningrisk/ioc/pools.txt    a local list merged in (repeatable)
//   ALLOW=104.16.0.0/13                            shared address never listed (repeatable)
//   ALLOWFILE=/etc/xymon/miningrisk-shared.txt     more shared addresses, one a line
//   RESOLVE=yes|no  RESOLVEHOSTS=FILE  RESOLVEMAXAGE=7d  RESOLVETIMEOUT=2s
//   CONNECTTIMEOUT=10s TIMEOUT=60s RETRIES=3 BACKOFF=2s
//   CAFILE=/etc/xymon/feed-ca.pem   PEM bundle that verifies HTTPS feeds instead of the system
//                                   store (an internal mirror's CA); verification is never off
//   PROXY=http://HOST:PORT | none   explicit proxy for every feed (no_proxy still exempts hosts);
//                                   without it the environment's http_proxy/https_proxy/no_proxy
//                                   apply; `none` ignores them all
// Parsing is pure (load_feed_config also checks that CAFILE is a readable PEM file); errors are
// "FILE:LINE: message" and leave the caller's config untouched.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed_formats.h"
#include "util/expected.h"

namespace mr {

struct FeedSpec {
    std::string name;
    std::string url;
    FeedFormat format = FeedFormat::Domains;
    std::string license;
    long long max_age = 2 * 86400;         // seconds a good list may age before the column turns yellow
    std::size_t max_size = 8 * 1024 * 1024;  // bytes, enforced while downloading
    std::size_t min_entries = 1;
    std::size_t max_entries = 500000;
    bool enabled = true;
};

struct FeedConfig {
    std::vector<FeedSpec> feeds;
    std::string output = "/var/lib/xymon/miningrisk/pools.txt";
    std::string publish = "/etc/xymon/miningrisk-pools.cfg";
    std::vector<std::string> shipped;
    std::vector<FeedEntry> allow;          // shared addresses/domains (CDN, cloud)
    std::vector<std::string> allow_files;
    bool resolve = false;
    std::string resolve_hosts;             // test data: resolve from this hosts-style file only
    long long resolve_max_age = 7 * 86400;
    double resolve_timeout = 2.0;
    double connect_timeout = 10.0;
    double total_timeout = 60.0;
    int retries = 3;
    double backoff = 2.0;
    std::string ca_file;                   // empty: the system store
    std::size_t ca_file_line = 0;          // where CAFILE was set, for load-time errors
    std::optional<std::string> proxy;      // unset: environment; "": no proxy at all; else URL
};

// PROXY values: "http://[user:pass@]HOST:PORT[/]" (HOST a name, IPv4 or [IPv6]). Pure.
bool valid_proxy_url(std::string_view url);

// "2d", "36h", "90m", "45s", "120" (seconds). Returns false on garbage.
bool parse_duration(std::string_view s, long long& seconds);
// "8M", "512K", "1G", "1000" (bytes).
bool parse_size(std::string_view s, std::size_t& bytes);

// The config, or "FILE:LINE: message" for its first bad line. Pure.
Expected<FeedConfig> parse_feed_config(std::string_view text, const std::string& filename);
// Reads and parses the config, checks CAFILE and reads the ALLOWFILEs into `allow`.
Expected<FeedConfig> load_feed_config(const std::string& path);

// Reads an allow file (one address, CIDR or domain a line, # comments).
Expected<std::vector<FeedEntry>> load_allow_file(const std::string& path);

}  // namespace mr
