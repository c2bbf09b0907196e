// Network isolation's nft batches and the validation in front of them (pure).
#include <doctest/doctest.h>

#include "respond/isolate_rules.h"

using namespace mr;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("respond isolate: pool targets from an IOC list, canonical, no overlaps, domains skipped") {
    PoolTargets t = pool_targets(
        "# version: 1\n"
        "supportxmr.com   # a domain\n"
        "203.0.113.0/24\n"
        "203.0.113.7      # inside the /24 above\n"
        "198.51.100.9:14444\n"
        "198.51.100.9:14444\n"
        "203.0.113.9:3333 # every port of it is dropped already\n"
        "2001:DB8:5ee::/48\n"
        "2001:db8:5ee:1::/64\n"
        "[2001:db8::9]:3333\n"
        "::ffff:192.0.2.44\n"
        "192.0.2.1/255\n"
        "10.1.2.3/20\n");
    CHECK(t.nets4 == std::vector<std::string>{"10.1.0.0/20", "192.0.2.44", "203.0.113.0/24"});
    CHECK(t.nets6 == std::vector<std::string>{"2001:db8:5ee::/48"});
    CHECK(t.ports4 == std::vector<std::string>{"198.51.100.9 . 14444"});
    CHECK(t.ports6 == std::vector<std::string>{"2001:db8::9 . 3333"});
    CHECK(t.skipped == 2);   // the domain and the bad prefix length
}

TEST_CASE("respond isolate: never a blanket isolation, loopback, unspecified or multicast") {
    PoolTargets t = pool_targets("0.0.0.0/0\n10.0.0.0/8\n127.0.0.1\n127.0.0.0/16\n::1\n::/0\n2000::/3\n"
                                 "ff02::1\nfe80::1\n224.0.0.1\n255.255.255.255\n0.0.0.0\n[::1]:3333\n127.0.0.1:3333\n");
    CHECK(t.size() == 0);
    CHECK(t.skipped == 14);
    REQUIRE(t.refused.size() == 5);   // the first few reasons, in canonical text
    CHECK(t.refused[0] == "0.0.0.0/0: wider than /16");
    CHECK(t.refused[2] == "127.0.0.1: loopback or unspecified");
    PoolTargets cap = pool_targets("192.0.2.1\n192.0.2.2\n192.0.2.3\n", 2);
    CHECK(cap.size() == 2);
    CHECK(cap.refused.back() == "more than 2 pool addresses");
}

TEST_CASE("respond isolate: attacker text never reaches the batch") {
    PoolTargets t = pool_targets("1.2.3.4; flush ruleset\n\"1.2.3.5\"\n1.2.3.6}\n1.2.3.7 } ; delete table inet filter\n");
    // only the last line's first word is an address; the rest of its line is a comment by format
    CHECK(t.nets4 == std::vector<std::string>{"1.2.3.7"});
    CHECK(canonical_address("1.2.3.4 ") == "");
    CHECK(canonical_address("01.2.3.4") == "");
    CHECK(canonical_address("::FFFF:1.2.3.4") == "1.2.3.4");
    CHECK(canonical_address("2001:DB8::1") == "2001:db8::1");

    CHECK(valid_cgroup_path("unified/miningrisk/isolated-4316-9876"));
    CHECK(valid_cgroup_path("miningrisk/frozen-1-2"));
    CHECK_FALSE(valid_cgroup_path(""));
    CHECK_FALSE(valid_cgroup_path("/unified/x"));
    CHECK_FALSE(valid_cgroup_path("unified/../../etc"));
    CHECK_FALSE(valid_cgroup_path("unified/x\" drop; flush ruleset; \""));
    CHECK_FALSE(valid_cgroup_path("unified//x"));
    CHECK_FALSE(valid_cgroup_path("a b"));
    CHECK_FALSE(valid_cgroup_path(std::string(300, 'a')));

    IsolateSpec s;
    s.cgroup = "unified/x\" drop";
    s.conns = {{"127.0.0.1; flush ruleset", "127.0.0.1", 1, 2, false}, {"1.2.3.4", "::1", 1, 2, false},
               {"10.0.0.1", "10.0.0.2", 0, 2, false}};
    std::string b = isolate_batch(s);
    CHECK_FALSE(has(b, "element inet miningrisk cgroups"));
    CHECK_FALSE(has(b, "flush ruleset"));
    CHECK_FALSE(has(b, "element inet miningrisk conns4"));
}

TEST_CASE("respond isolate: the batch refreshes this tree's elements and replaces the pool sets") {
    IsolateSpec s;
    s.cgroup = "unified/miningrisk/isolated-4316-9876";
    s.conns = {{"127.0.0.1", "127.0.0.1", 40000, 3333, false}, {"2001:db8::1", "2001:db8::2", 40001, 3333, true}};
    s.pools = pool_targets("203.0.113.0/24\n2001:db8:5ee::/48\n198.51.100.9:14444\n");
    s.ttl_seconds = 14400;
    std::string b = isolate_batch(s);
    CHECK(has(b, "table inet miningrisk {\n"));
    CHECK(has(b, "flush chain inet miningrisk output\n"));
    CHECK(has(b, "add rule inet miningrisk output socket cgroupv2 level 2 @cgroups counter drop"));
    CHECK(has(b, "add rule inet miningrisk input ip daddr . tcp dport . ip saddr . tcp sport @conns4 counter drop"));
    // add, delete, add again: a fresh timeout whether or not the element was there
    CHECK(has(b, "add element inet miningrisk cgroups { \"unified/miningrisk/isolated-4316-9876\" timeout 14400s }\n"
                 "delete element inet miningrisk cgroups { \"unified/miningrisk/isolated-4316-9876\" }\n"
                 "add element inet miningrisk cgroups { \"unified/miningrisk/isolated-4316-9876\" timeout 14400s }\n"));
    CHECK(has(b, "conns4 { 127.0.0.1 . 40000 . 127.0.0.1 . 3333 timeout 14400s }"));
    CHECK(has(b, "conns6 { 2001:db8::1 . 40001 . 2001:db8::2 . 3333 timeout 14400s }"));
    CHECK(has(b, "flush set inet miningrisk pools4\nadd element inet miningrisk pools4 { 203.0.113.0/24 timeout 14400s }\n"));
    CHECK(has(b, "pools6 { 2001:db8:5ee::/48 timeout 14400s }"));
    CHECK(has(b, "poolports4 { 198.51.100.9 . 14444 timeout 14400s }"));
    CHECK(has(b, "flush set inet miningrisk poolports6\n"));
    CHECK_FALSE(has(b, "poolports6 {  }"));   // nft refuses an empty element list
    CHECK_FALSE(has(b, "hook forward"));       // the tree and the pools, never the host's routing

    std::string u = unisolate_batch(s);
    CHECK(has(u, "add element inet miningrisk cgroups { \"unified/miningrisk/isolated-4316-9876\" }\n"
                 "delete element inet miningrisk cgroups { \"unified/miningrisk/isolated-4316-9876\" }\n"));
    CHECK_FALSE(has(u, "element inet miningrisk pools4"));
    CHECK(delete_table_batch() == "table inet miningrisk { }\ndelete table inet miningrisk\n");
}

TEST_CASE("respond isolate: does the listing still hold a contained tree") {
    std::string empty =
        "table inet miningrisk {\n\tset cgroups {\n\t\ttypeof socket cgroupv2 level 0\n\t\tflags timeout\n\t}\n\n"
        "\tset conns4 {\n\t\tflags timeout\n\t}\n\n\tset pools4 {\n\t\ttype ipv4_addr\n\t\tflags interval,timeout\n"
        "\t\telements = { 203.0.113.0/24 timeout 4h expires 3h }\n\t}\n\n\tchain output {\n\t}\n}\n";
    CHECK_FALSE(listing_has_process_elements(empty));
    std::string held = empty;
    held.insert(held.find("\t\tflags timeout\n\t}\n\n\tset pools4"),
                "\t\telements = { 127.0.0.1 . 40000 . 127.0.0.1 . 3333 timeout 4h expires 3h }\n");
    CHECK(listing_has_process_elements(held));
    CHECK_FALSE(listing_has_process_elements(""));
}
