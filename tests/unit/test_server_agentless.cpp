#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "server/agentless.h"

using namespace mr;

namespace {
std::string repo_file(const std::string& rel) {
    std::string here = __FILE__;  // tests/unit/test_agentless.cpp, relative to the repo root
    std::string root = here.substr(0, here.rfind("tests/unit/"));
    std::ifstream f(root + rel);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("agentless: the captured stock client message gives processes and sockets") {
    std::string msg = repo_file("tests/fixtures/stock-client-linux.txt");
    REQUIRE(msg.rfind("client vm.linux linux\n", 0) == 0);
    AgentlessResult r = snapshot_from_stock_client(msg, 1795730365);
    CHECK(r.have_ps);
    CHECK(r.have_ports);
    CHECK(r.snapshot.visibility.full);
    CHECK(r.snapshot.procs.size() > 50);
    CHECK(r.snapshot.sockets.size() > 5);
    CHECK(r.snapshot.host.cores == 2);
    bool saw_kthreadd = false, saw_xymond = false;
    for (const auto& p : r.snapshot.procs) {
        if (p.pid == 2) {
            saw_kthreadd = true;
            CHECK(p.comm == "kthreadd");
            CHECK(p.kernel_thread);
        }
        if (p.comm == "xymond") {
            saw_xymond = true;
            CHECK(p.user == "xymon");
            REQUIRE(!p.argv.empty());
            CHECK(p.argv[0] == "xymond");  // the "\_ " tree drawing is gone
            CHECK(p.exe.empty());          // never guessed from argv
        }
    }
    CHECK(saw_kthreadd);
    CHECK(saw_xymond);
    bool listen1984 = false;
    for (const auto& s : r.snapshot.sockets)
        if (s.local_port == 1984 && s.state == "LISTEN") listen1984 = true;
    CHECK(listen1984);
}

TEST_CASE("agentless: ps forest lines with both STARTED formats and odd commands") {
    std::string ps =
        "  PID  PPID USER      STARTED S PRI %CPU         TIME %MEM        RSZ        VSZ CMD\n"
        "    1     0 root       Nov 20 S  19  0.0     00:00:03  0.1      11904     167840 /sbin/init\n"
        " 4316     1 www-data 22:31:05 R  19 190.5     00:10:00  2.1     200000     300000  |   \\_ /tmp/.x/xmrig -o stratum+tcp://203.0.113.5:3333\n"
        "   77     2 root     22:28:48 I  39  0.0     00:00:00  0.0          0          0  \\_ [kworker/0:1-events]\n"
        "  900     1 bob      22:28:48 S  19  1.0     00:00:00  0.0          0          0 [fake thread] with args\n"
        "garbage line\n"
        "  901     1 bob      22:28:48 S\n";
    int skipped = 0;
    auto procs = parse_ps_section(ps, &skipped);
    REQUIRE(procs.size() == 4);
    CHECK(skipped == 2);
    CHECK(procs[0].pid == 1);
    CHECK(procs[0].comm == "init");
    CHECK(procs[1].pid == 4316);
    CHECK(procs[1].ppid == 1);
    CHECK(procs[1].user == "www-data");
    CHECK(procs[1].state == 'R');
    CHECK(procs[1].cores == doctest::Approx(1.905));
    CHECK(procs[1].comm == "xmrig");
    REQUIRE(procs[1].argv.size() == 3);
    CHECK(procs[1].argv[2] == "stratum+tcp://203.0.113.5:3333");
    CHECK(procs[2].kernel_thread);
    CHECK(procs[2].comm == "kworker/0:1-events");
    CHECK_FALSE(procs[3].kernel_thread);  // brackets with arguments: a user process pretending
    CHECK(procs[3].comm == "[fake");
}

TEST_CASE("agentless: netstat lines, IPv6, UDP and duplicates") {
    std::string ports =
        "Active Internet connections (servers and established)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
        "tcp        0      0 10.0.0.5:40000          203.0.113.5:3333        ESTABLISHED\n"
        "tcp        0      0 10.0.0.5:40000          203.0.113.5:3333        ESTABLISHED\n"
        "tcp6       0      0 :::22                   :::*                    LISTEN\n"
        "udp        0      0 0.0.0.0:68              0.0.0.0:*\n"
        "tcp        0      0 bad\n"
        "tcp        0      0 1.2.3.4:99999           1.2.3.4:1               ESTABLISHED\n";
    int skipped = 0;
    auto socks = parse_ports_section(ports, &skipped);
    REQUIRE(socks.size() == 3);
    CHECK(skipped == 2);
    CHECK(socks[0].remote_addr == "203.0.113.5");
    CHECK(socks[0].remote_port == 3333);
    CHECK(socks[0].state == "ESTABLISHED");
    CHECK(socks[1].proto == SocketProto::tcp6);
    CHECK(socks[1].local_addr == "::");
    CHECK(socks[1].local_port == 22);
    CHECK(socks[2].proto == SocketProto::udp);
    CHECK(socks[2].state == "UNCONN");
    std::string a;
    uint16_t p = 0;
    CHECK(split_netstat_address("::1:631", a, p));
    CHECK(a == "::1");
    CHECK(p == 631);
    CHECK_FALSE(split_netstat_address("noport", a, p));
}

TEST_CASE("agentless: missing sections limit visibility") {
    AgentlessResult no_ports = snapshot_from_stock_client("client h.linux linux\n[ps]\n    1     0 root 22:28:48 S 19 0.0 00:00:00 0.0 1 1 init\n", 0);
    CHECK(no_ports.have_ps);
    CHECK_FALSE(no_ports.have_ports);
    CHECK_FALSE(no_ports.snapshot.visibility.full);
    REQUIRE(no_ports.snapshot.visibility.reasons.size() == 1);
    CHECK(no_ports.snapshot.visibility.reasons[0].find("[ports]") != std::string::npos);
    AgentlessResult nothing = snapshot_from_stock_client("client h.linux linux\n[date]\nx\n", 0);
    CHECK_FALSE(nothing.have_ps);
}
