// Exports of the merged list for blocking outside miningrisk: an nftables ruleset (table inet
// miningrisk: interval sets of pool addresses/ranges, address.port sets, chains dropping output
// and forwarded traffic to them), an `ipset restore` file, a hosts-file sinkhole and an unbound
// local-zone list. Pure text generation; domains only reach the DNS formats, addresses only the
// firewall formats.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed_formats.h"

namespace mr {

enum class ExportFormat { Nftables, Ipset, Hosts, Unbound };

std::optional<ExportFormat> export_format_from_name(std::string_view name);

// `version` goes into a comment so an operator can tell which list a ruleset came from.
std::string export_list(const std::vector<FeedEntry>& entries, ExportFormat format,
                        const std::string& version);

// Entries of one family with every address/range already covered by another entry removed
// (nftables interval sets refuse overlapping elements).
std::vector<FeedEntry> non_overlapping(const std::vector<FeedEntry>& entries, int family);

}  // namespace mr
