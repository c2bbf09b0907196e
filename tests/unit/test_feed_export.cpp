#include <doctest/doctest.h>

#include "feed/feed_export.h"

using namespace mr;

namespace {
std::vector<FeedEntry> sample() {
    return parse_feed("pool.example.org\nxmr.example.com:4444\n203.0.113.5\n198.51.100.0/24\n198.51.100.9\n"
                      "2001:db8::/32\n2001:db8::5\n203.0.113.7:3333\n[2001:db8:1::7]:14444\n",
                      FeedFormat::Ioc)
        .entries;
}
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
}  // namespace

TEST_CASE("feed: nftables export has interval sets without overlaps, port sets and drop rules") {
    std::string out = export_list(sample(), ExportFormat::Nftables, "V1");
    CHECK(has(out, "# miningrisk pool block list, version V1"));
    CHECK(has(out, "table inet miningrisk {"));
    CHECK(has(out, "type ipv4_addr\n\t\tflags interval"));
    CHECK(has(out, "type ipv6_addr\n\t\tflags interval"));
    CHECK(has(out, "elements = { 198.51.100.0/24,"));
    CHECK(has(out, "203.0.113.5 }"));
    CHECK_FALSE(has(out, "198.51.100.9"));  // covered by the /24: an interval set refuses overlaps
    CHECK_FALSE(has(out, "2001:db8::5"));
    CHECK(has(out, "elements = { 203.0.113.7 . 3333 }"));
    CHECK(has(out, "elements = { 2001:db8:1::7 . 14444 }"));
    CHECK(has(out, "ip daddr @pool_v4 counter drop"));
    CHECK(has(out, "ip daddr . tcp dport @pool_v4_port counter drop"));
    CHECK(has(out, "type filter hook output priority filter; policy accept;"));
    CHECK_FALSE(has(out, "pool.example.org"));
}

TEST_CASE("feed: empty nftables sets have no elements line") {
    std::string out = export_list(parse_feed("pool.example.org\n", FeedFormat::Ioc).entries,
                                  ExportFormat::Nftables, "V");
    CHECK_FALSE(has(out, "elements"));
}

TEST_CASE("feed: ipset, hosts and unbound exports") {
    std::string ips = export_list(sample(), ExportFormat::Ipset, "V2");
    CHECK(has(ips, "create miningrisk-v4 hash:net family inet hashsize 1024 maxelem 65536 -exist\n"
                   "flush miningrisk-v4\n"));
    CHECK(has(ips, "add miningrisk-v4 198.51.100.0/24\n"));
    CHECK(has(ips, "add miningrisk-v6 2001:db8::/32\n"));
    CHECK(has(ips, "add miningrisk-v4-port 203.0.113.7,tcp:3333\n"));
    CHECK(has(ips, "add miningrisk-v6-port 2001:db8:1::7,tcp:14444\n"));
    std::string hosts = export_list(sample(), ExportFormat::Hosts, "V3");
    CHECK(has(hosts, "0.0.0.0 pool.example.org\n0.0.0.0 xmr.example.com\n"));
    CHECK_FALSE(has(hosts, "203.0.113.5"));
    std::string ub = export_list(sample(), ExportFormat::Unbound, "V4");
    CHECK(has(ub, "server:\n\tlocal-zone: \"pool.example.org.\" always_nxdomain\n"));
    CHECK(export_format_from_name("nftables") == ExportFormat::Nftables);
    CHECK_FALSE(export_format_from_name("iptables"));
}
