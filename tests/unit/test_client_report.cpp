#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "client/client_report.h"
#include "xymon/message.h"

using namespace mr;

namespace {

ProcessInfo proc(int pid, const std::string& comm, double cores, int threads = 1) {
    ProcessInfo p;
    p.pid = pid;
    p.comm = comm;
    p.user = "www-data";
    p.exe = "/usr/bin/" + comm;
    p.cores = cores;
    p.max_thread_cores = cores / threads;
    p.num_threads = threads;
    return p;
}

Finding finding(int pid, Color c) {
    Finding f;
    f.pid = pid;
    f.color = c;
    f.signals.push_back({"miner_name", c == Color::red ? Strength::strong : Strength::weak, "xmrig"});
    return f;
}

Snapshot scan() {
    Snapshot s;
    s.time = 1764700000;
    s.procs = {proc(10, "sshd", 0.001), proc(20, "xmrig", 3.9, 4), proc(30, "php-fpm", 0.4),
               proc(40, "miningrisk-cl", 0.9), proc(50, "gzip", 0.02)};
    s.sockets.resize(7);
    s.thread_count = 12;
    s.netns_count = 2;
    s.host.cores = 4;
    s.host.host_busy_cores = 5.3;
    s.host.ld_so_preload_present = true;
    s.host.hugepages_total = 1280;
    return s;
}

ReportContext context() {
    ReportContext c;
    c.agent = "miningrisk-client/9.9";
    c.host = "web1.example.com";
    c.interval = 60;
    c.top = 3;
    c.self_pid = 40;
    c.ioc_version = "2026.12.1";
    return c;
}

}  // namespace

TEST_CASE("client_report: the report carries the scan's host facts and the context") {
    ClientReport r = build_client_report(scan(), {}, 0, context());
    CHECK(r.agent == "miningrisk-client/9.9");
    CHECK(r.host == "web1.example.com");
    CHECK(r.time == 1764700000);
    CHECK(r.interval == 60);
    CHECK(r.ioc_version == "2026.12.1");
    CHECK(r.cores == 4);
    CHECK(r.busy_cores == doctest::Approx(5.3));
    CHECK(r.procs == 5);
    CHECK(r.threads == 12);
    CHECK(r.sockets == 7);
    CHECK(r.netns == 2);
    CHECK(r.ld_so_preload);
    CHECK(r.hugepages == 1280);
    CHECK(r.visibility_full);
    CHECK(r.color == Color::green);
    CHECK(r.findings_found == 0);
}

TEST_CASE("client_report: the client's own pid is never a finding and not counted as found") {
    // The detector found 5 in all and sent 3; one of the 3 is the client's own scan.
    std::vector<Finding> f = {finding(20, Color::red), finding(40, Color::yellow), finding(30, Color::yellow)};
    ClientReport r = build_client_report(scan(), f, 5, context());
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].pid == 20);
    CHECK(r.findings[1].pid == 30);
    CHECK(r.findings_found == 4);
    CHECK(r.color == Color::red);
}

TEST_CASE("client_report: colour is the worst finding, yellow at best when visibility is partial") {
    Snapshot s = scan();
    CHECK(build_client_report(s, {finding(30, Color::yellow)}, 1, context()).color == Color::yellow);
    // Only the client itself was yellow: once it is dropped the host is green.
    CHECK(build_client_report(s, {finding(40, Color::yellow)}, 1, context()).color == Color::green);
    s.visibility.full = false;
    s.visibility.reasons = {"hidepid=2 on /proc"};
    ClientReport r = build_client_report(s, {}, 0, context());
    CHECK(r.color == Color::yellow);
    CHECK_FALSE(r.visibility_full);
    CHECK(r.visibility_reasons == std::vector<std::string>{"hidepid=2 on /proc"});
}

TEST_CASE("client_report: top lists the busiest processes first, not the client, not the idle") {
    std::vector<TopProcess> top = top_processes(scan(), 3, 40);
    REQUIRE(top.size() == 3);
    CHECK(top[0].pid == 20);
    CHECK(top[0].comm == "xmrig");
    CHECK(top[0].threads == 4);
    CHECK(top[0].max_thread_cores == doctest::Approx(3.9 / 4));
    CHECK(top[0].exe == "/usr/bin/xmrig");
    CHECK(top[1].pid == 30);
    CHECK(top[2].pid == 50);                   // 0.02 cores is listed, sshd's 0.001 is not
    CHECK(top_processes(scan(), 10, 40).size() == 3);
    CHECK(top_processes(scan(), 0, 40).empty());
    // Without a self pid to skip, the client's own 0.9 cores is second.
    CHECK(top_processes(scan(), 2, 0)[1].pid == 40);
    CHECK(build_client_report(scan(), {}, 0, context()).top.size() == 3);
}

TEST_CASE("client_report: the wire host name has commas for dots") {
    CHECK(wire_host("web1.example.com") == "web1,example,com");
    CHECK(wire_host("localhost") == "localhost");
    // The message names the host in wire form.
    ClientReport r = build_client_report(scan(), {}, 0, context());
    r.host = wire_host(r.host);
    CHECK(build_client_message(r).rfind("client/miningrisk web1,example,com.linux", 0) == 0);
}
