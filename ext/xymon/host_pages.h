// Which page of hosts.cfg each host is on, for the policy's PAGE= scopes. The client channel does
// not carry it, so the worker asks xymond: `hostinfo fields=XMH_HOSTNAME,XMH_PAGEPATH` lists every
// host of hosts.cfg (also those with no status yet) as "HOST|PAGEPATH", e.g. "db1|servers/db".
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>

namespace mr {

constexpr const char* kHostPagesQuery = "hostinfo fields=XMH_HOSTNAME,XMH_PAGEPATH";

using HostPages = std::unordered_map<std::string, std::string>;

// Parses the answer to kHostPagesQuery. A host on the top page (empty path) gets "/", the name
// analysis.cfg and alerts.cfg give that page. Lines without a host name are skipped.
HostPages parse_host_pages(std::string_view text);

}  // namespace mr
