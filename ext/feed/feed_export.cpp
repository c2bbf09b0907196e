#include "feed/feed_export.h"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace mr {

namespace {

bool is_range(const FeedEntry& e) { return e.kind == EntryKind::Address || e.kind == EntryKind::Cidr; }

std::vector<const FeedEntry*> with_port(const std::vector<FeedEntry>& entries, int family) {
    std::vector<const FeedEntry*> out;
    std::set<std::string> seen;
    for (const auto& e : entries)
        if (e.kind == EntryKind::AddressPort && e.family == family && seen.insert(e.text).second)
            out.push_back(&e);
    return out;
}

std::set<std::string> domains(const std::vector<FeedEntry>& entries) {
    std::set<std::string> out;
    for (const auto& e : entries)
        if (e.kind == EntryKind::Domain || e.kind == EntryKind::DomainPort) out.insert(e.host);
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ",\n\t\t\t     ";
        out += items[i];
    }
    return out;
}

std::string nft_set(const char* name, const char* type, bool interval,
                    const std::vector<std::string>& elements) {
    std::string out = fmt::format("\tset {} {{\n\t\ttype {}\n", name, type);
    if (interval) out += "\t\tflags interval\n\t\tauto-merge\n";
    if (!elements.empty()) out += "\t\telements = { " + join(elements) + " }\n";
    out += "\t}\n";
    return out;
}

std::string nftables(const std::vector<FeedEntry>& entries, const std::string& version) {
    std::vector<std::string> v4, v6, p4, p6;
    for (const auto& e : non_overlapping(entries, 4)) v4.push_back(e.text);
    for (const auto& e : non_overlapping(entries, 6)) v6.push_back(e.text);
    for (const auto* e : with_port(entries, 4)) p4.push_back(fmt::format("{} . {}", e->host, e->port));
    for (const auto* e : with_port(entries, 6)) p6.push_back(fmt::format("{} . {}", e->host, e->port));
    std::string out = fmt::format(
        "#!/usr/sbin/nft -f\n"
        "# miningrisk pool block list, version {}\n"
        "# Load with: nft -f FILE (replaces the table inet miningrisk as a whole)\n"
        "table inet miningrisk\n"
        "delete table inet miningrisk\n"
        "table inet miningrisk {{\n",
        version);
    out += nft_set("pool_v4", "ipv4_addr", true, v4);
    out += nft_set("pool_v6", "ipv6_addr", true, v6);
    out += nft_set("pool_v4_port", "ipv4_addr . inet_service", false, p4);
    out += nft_set("pool_v6_port", "ipv6_addr . inet_service", false, p6);
    const char* rules =
        "\t\tip daddr @pool_v4 counter drop\n"
        "\t\tip6 daddr @pool_v6 counter drop\n"
        "\t\tip daddr . tcp dport @pool_v4_port counter drop\n"
        "\t\tip6 daddr . tcp dport @pool_v6_port counter drop\n";
    out += "\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n";
    out += rules;
    out += "\t}\n";
    out += "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n";
    out += rules;
    out += "\t}\n}\n";
    return out;
}

std::string ipset(const std::vector<FeedEntry>& entries, const std::string& version) {
    std::string out = fmt::format(
        "# miningrisk pool block list, version {}\n# Load with: ipset restore -exist < FILE\n",
        version);
    struct Set {
        const char* name;
        const char* type;
        const char* family;
        std::vector<std::string> items;
    };
    Set sets[] = {{"miningrisk-v4", "hash:net", "inet", {}},
                  {"miningrisk-v6", "hash:net", "inet6", {}},
                  {"miningrisk-v4-port", "hash:ip,port", "inet", {}},
                  {"miningrisk-v6-port", "hash:ip,port", "inet6", {}}};
    for (const auto& e : non_overlapping(entries, 4)) sets[0].items.push_back(e.text);
    for (const auto& e : non_overlapping(entries, 6)) sets[1].items.push_back(e.text);
    for (const auto* e : with_port(entries, 4)) sets[2].items.push_back(fmt::format("{},tcp:{}", e->host, e->port));
    for (const auto* e : with_port(entries, 6)) sets[3].items.push_back(fmt::format("{},tcp:{}", e->host, e->port));
    for (const auto& s : sets) {
        std::size_t maxelem = std::max<std::size_t>(65536, s.items.size() * 2);
        out += fmt::format("create {} {} family {} hashsize 1024 maxelem {} -exist\n", s.name, s.type,
                           s.family, maxelem);
        out += fmt::format("flush {}\n", s.name);
        for (const auto& i : s.items) out += fmt::format("add {} {}\n", s.name, i);
    }
    return out;
}

std::string hosts(const std::vector<FeedEntry>& entries, const std::string& version) {
    std::string out = fmt::format("# miningrisk pool sinkhole, version {}\n", version);
    for (const auto& d : domains(entries)) out += "0.0.0.0 " + d + "\n";
    return out;
}

std::string unbound(const std::vector<FeedEntry>& entries, const std::string& version) {
    std::string out = fmt::format(
        "# miningrisk pool sinkhole for unbound, version {}\n"
        "# include: from unbound.conf; every pool domain and its subdomains answer NXDOMAIN\n"
        "server:\n",
        version);
    for (const auto& d : domains(entries)) out += fmt::format("\tlocal-zone: \"{}.\" always_nxdomain\n", d);
    return out;
}

}  // namespace

std::optional<ExportFormat> export_format_from_name(std::string_view name) {
    if (name == "nftables" || name == "nft") return ExportFormat::Nftables;
    if (name == "ipset") return ExportFormat::Ipset;
    if (name == "hosts") return ExportFormat::Hosts;
    if (name == "unbound") return ExportFormat::Unbound;
    return std::nullopt;
}

std::vector<FeedEntry> non_overlapping(const std::vector<FeedEntry>& entries, int family) {
    std::vector<FeedEntry> ranges;
    for (const auto& e : entries)
        if (is_range(e) && e.family == family) ranges.push_back(e);
    // Widest first, so every later entry only needs checking against the kept ones.
    std::sort(ranges.begin(), ranges.end(), [](const FeedEntry& a, const FeedEntry& b) {
        return a.prefix != b.prefix ? a.prefix < b.prefix : a.text < b.text;
    });
    std::vector<FeedEntry> kept, kept_cidrs;  // only CIDRs can cover other entries
    std::set<std::string> seen;
    for (const auto& e : ranges) {
        if (!seen.insert(e.text).second) continue;
        bool covered = std::any_of(kept_cidrs.begin(), kept_cidrs.end(),
                                   [&](const FeedEntry& k) { return address_in_cidr(e, k); });
        if (covered) continue;
        kept.push_back(e);
        if (e.kind == EntryKind::Cidr) kept_cidrs.push_back(e);
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

std::string export_list(const std::vector<FeedEntry>& entries, ExportFormat format,
                        const std::string& version) {
    switch (format) {
        case ExportFormat::Nftables: return nftables(entries, version);
        case ExportFormat::Ipset: return ipset(entries, version);
        case ExportFormat::Hosts: return hosts(entries, version);
        case ExportFormat::Unbound: return unbound(entries, version);
    }
    return {};
}

}  // namespace mr
