// Pure parsers of /proc text, the CPU state file and the small decisions around them.
#include <doctest/doctest.h>

#include <string>

#include "model/arg_list.h"
#include "collect/cpu_state.h"
#include "collect/host_facts.h"
#include "collect/proc_parse.h"
#include "collect/user_names.h"

using namespace mr;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {
std::string stat_with_comm(const std::string& comm) {
    return "4242 (" + comm +
           ") R 77 4242 4242 0 -1 4194304 10 0 0 0 1500 250 0 0 20 5 3 0 987654 1000 10 "
           "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}
}  // namespace

TEST_CASE("collector: stat line with a plain name") {
    StatFields f;
    REQUIRE(parse_stat(stat_with_comm("xmrig"), f));
    CHECK(f.pid == 4242);
    CHECK(f.comm == "xmrig");
    CHECK(f.state == 'R');
    CHECK(f.ppid == 77);
    CHECK(f.utime == 1500);
    CHECK(f.stime == 250);
    CHECK(f.nice == 5);
    CHECK(f.num_threads == 3);
    CHECK(f.start_ticks == 987654);
}

TEST_CASE("collector: stat names with spaces, parentheses, newlines and non-UTF-8 bytes") {
    for (std::string comm : {"a b"s, ") R 1 2 (x"s, "new\nline"s, "\xff\xfe(\x80)"s, ""s, "))"s}) {
        StatFields f;
        INFO("comm: " << comm);
        REQUIRE(parse_stat(stat_with_comm(comm), f));
        CHECK(f.comm == comm);
        CHECK(f.ppid == 77);
        CHECK(f.start_ticks == 987654);
    }
}

TEST_CASE("collector: stat garbage and truncation are rejected, never crash") {
    StatFields f;
    CHECK_FALSE(parse_stat("", f));
    CHECK_FALSE(parse_stat("12 (x", f));
    CHECK_FALSE(parse_stat("12 x) R 1", f));
    CHECK_FALSE(parse_stat("12 (x) R 1 2 3", f));
    std::string full = stat_with_comm("ok");
    for (size_t n = 0; n + 40 < full.size(); n += 7) parse_stat(full.substr(0, n), f);  // no crash
    CHECK_FALSE(parse_stat("12 (x) R -99999999999999999999999 1 1 0 -1", f));
}

TEST_CASE("collector: status uid, tgid, NStgid and CapEff") {
    StatusFields s;
    REQUIRE(parse_status("Name:\tx\nTgid:\t900\nPid:\t901\nUid:\t1000\t1001\t1002\t1003\n"
                         "NStgid:\t900\t12\nCapEff:\t0000000000080004\n",
                         s));
    CHECK(s.uid == 1000);
    CHECK(s.tgid == 900);
    REQUIRE(s.nstgid.size() == 2);
    CHECK(s.nstgid[1] == 12);
    CHECK(has_scan_capabilities(s.cap_eff));
    CHECK_FALSE(has_scan_capabilities(0x4));
    CHECK_FALSE(parse_status("Name:\tno uid here\n", s));
}

TEST_CASE("collector: cmdline split on NUL, bounded") {
    ArgList argv = ArgList::from_cmdline("./xmrig\0-o\0stratum+tcp://pool:3333\0"s);
    REQUIRE(argv.size() == 3);
    CHECK(argv[0] == "./xmrig");
    CHECK(argv[2] == "stratum+tcp://pool:3333");
    argv = ArgList::from_cmdline("setproctitle style with spaces"s);
    REQUIRE(argv.size() == 1);
    CHECK(argv[0] == "setproctitle style with spaces");
    CHECK(ArgList::from_cmdline("a\0\0b\0"s) == std::vector<std::string>{"a", "", "b"});
    CHECK(ArgList::from_cmdline("a\0\0b"s) == std::vector<std::string>{"a", "", "b"});  // no final NUL
    CHECK(ArgList::from_cmdline(""s).empty());
    CHECK(ArgList::from_cmdline("\0"s).empty());
    std::string many;
    for (int i = 0; i < 2000; ++i) many += "x"s + std::to_string(i) + '\0';
    argv = ArgList::from_cmdline(many, 512);
    REQUIRE(argv.size() == 512);
    CHECK(argv[511] == "x511");
    CHECK(ArgList::from_cmdline("a\0b"s, 1) == std::vector<std::string>{"a"});
}

TEST_CASE("collector: an argument list reads like a vector of its arguments") {
    ArgList a{"./x y", "", "--url=stratum+tcp://p:3333"};
    CHECK(a.size() == 3);
    CHECK_FALSE(a.empty());
    CHECK(a.front() == "./x y");
    CHECK(a[1].empty());
    CHECK(a[7].empty());   // past the end: nothing, not a crash
    std::vector<std::string> seen;
    for (std::string_view s : a) seen.emplace_back(s);
    CHECK(seen == a.to_vector());
    a.push_back("cut\0here"sv);   // an argument ends at its NUL, as the kernel's do
    CHECK(a.size() == 4);
    CHECK(a[3] == "cut");
    ArgList one_empty;
    one_empty.push_back("");
    CHECK(one_empty.size() == 1);   // one empty argument is not an empty command line
    CHECK(one_empty != ArgList{});
    a.clear();
    CHECK(a.empty());
    CHECK(a.begin() == a.end());
}

TEST_CASE("collector: cgroup path and container ids") {
    const std::string id = "3f1c5d2a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
    CHECK(pick_cgroup("12:cpu:/old\n0::/system.slice/docker-" + id + ".scope\n") ==
          "/system.slice/docker-" + id + ".scope");
    CHECK(pick_cgroup("4:memory:/docker/" + id + "\n3:cpu:/x\n") == "/docker/" + id);
    CHECK(pick_cgroup("") == "");
    CHECK(container_id_from_cgroup("/docker/" + id) == id);
    CHECK(container_id_from_cgroup("/system.slice/docker-" + id + ".scope") == id);
    CHECK(container_id_from_cgroup("/system.slice/containerd.service/kubepods-besteffort-pod1234.slice:cri-containerd:" + id) == id);
    CHECK(container_id_from_cgroup("/kubepods.slice/kubepods-burstable.slice/crio-" + id + ".scope") == id);
    CHECK(container_id_from_cgroup("/machine.slice/libpod-" + id + ".scope/container") == id);
    CHECK(container_id_from_cgroup("/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-000000000000/" + id) == id);
    CHECK(container_id_from_cgroup("/user.slice/user-1000.slice/session-2.scope") == "");
    CHECK(container_id_from_cgroup("/docker/" + id + "0") == "");  // 65 hex digits: not an id
}

TEST_CASE("collector: link targets") {
    CHECK(parse_ns_link("net:[4026531992]") == 4026531992ull);
    CHECK(parse_ns_link("net:[") == 0);
    CHECK(parse_ns_link("garbage") == 0);
    CHECK(parse_socket_link("socket:[12345]") == 12345);
    CHECK(parse_socket_link("pipe:[12345]") == 0);
    CHECK(parse_socket_link("/tmp/socket:[1]") == 0);
    ExeLink e = parse_exe_link("/tmp/.x/kworker (deleted)");
    CHECK(e.path == "/tmp/.x/kworker");
    CHECK(e.deleted);
    CHECK_FALSE(e.memfd);
    e = parse_exe_link("/memfd:payload (deleted)");
    CHECK(e.memfd);
    CHECK(e.deleted);
    CHECK(e.path == "/memfd:payload");
    e = parse_exe_link("/usr/bin/python3");
    CHECK_FALSE(e.deleted);
    CHECK_FALSE(e.memfd);
}

TEST_CASE("collector: IPv4 and IPv6 addresses from the kernel's little-endian hex words") {
    std::string a;
    REQUIRE(hex_to_ipv4("0100007F", a));
    CHECK(a == "127.0.0.1");
    REQUIRE(hex_to_ipv4("0500000A", a));
    CHECK(a == "10.0.0.5");
    REQUIRE(hex_to_ipv6("00000000000000000000000001000000", a));
    CHECK(a == "::1");
    REQUIRE(hex_to_ipv6("B80D0120000000000000000001000000", a));
    CHECK(a == "2001:db8::1");
    REQUIRE(hex_to_ipv6("0000000000000000FFFF00000100007F", a));
    CHECK(a == "::ffff:127.0.0.1");
    CHECK_FALSE(hex_to_ipv4("0100007", a));
    CHECK_FALSE(hex_to_ipv4("0100007G", a));
    CHECK_FALSE(hex_to_ipv6("00", a));
}

TEST_CASE("collector: /proc/net/tcp, tcp6 and udp lines") {
    SocketInfo s;
    REQUIRE(parse_net_line("   3: 0100007F:A5B2 0500000A:0D05 01 00000000:00000000 02:000A7E3F 00000000  1000        0 55667 2 0000000000000000 20 4 30 10 -1",
                           SocketProto::tcp, s));
    CHECK(s.local_addr == "127.0.0.1");
    CHECK(s.local_port == 0xA5B2);
    CHECK(s.remote_addr == "10.0.0.5");
    CHECK(s.remote_port == 3333);
    CHECK(s.state == "ESTABLISHED");
    CHECK(s.uid == 1000);
    CHECK(s.inode == 55667);
    REQUIRE(parse_net_line("  0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0",
                           SocketProto::tcp6, s));
    CHECK(s.local_addr == "::");
    CHECK(s.local_port == 8080);
    CHECK(s.state == "LISTEN");
    CHECK(s.proto == SocketProto::tcp6);
    REQUIRE(parse_net_line(" 120: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0000000000000000 0",
                           SocketProto::udp, s));
    CHECK(s.state == "UNCONN");
    CHECK(tcp_state_name(6) == "TIME_WAIT"s);
    CHECK(tcp_state_name(99) == "UNKNOWN"s);
    CHECK_FALSE(parse_net_line("  sl  local_address rem_address   st tx_queue", SocketProto::tcp, s));
    CHECK_FALSE(parse_net_line("", SocketProto::tcp, s));
    CHECK_FALSE(parse_net_line("  1: zzzz:0000 00000000:0000 01", SocketProto::tcp, s));
}

TEST_CASE("collector: /proc/stat totals and uptime") {
    CpuTotals t;
    REQUIRE(parse_proc_stat("cpu  100 5 50 1000 20 1 2 3 7 0\ncpu0 1 1 1 1\ncpu1 1 1 1 1\nintr 1\n", t));
    CHECK(t.total == 1181);          // guest (7) is already in user
    CHECK(t.busy == 1181 - 1000 - 20);
    CHECK(t.cpus == 2);
    CHECK_FALSE(parse_proc_stat("intr 5\n", t));
    double up = 0;
    REQUIRE(parse_uptime("1234.56 999.0\n", up));
    CHECK(up == doctest::Approx(1234.56));
    CpuTotals a, b;
    a.total = 1000; a.busy = 100;
    b.total = 1200; b.busy = 250;
    CHECK(host_busy_cores(a, b, 2) == doctest::Approx(1.5));
}

TEST_CASE("collector: user names from passwd text, numbers when unknown") {
    UserNames u("/nonexistent/passwd");
    u.load_text("root:x:0:0:root:/root:/bin/bash\nbroken line\nxymon:x:113:120::/var/lib/xymon:/bin/false\n:x:5:5::/:/\n");
    CHECK(u.name(0) == "root");
    CHECK(u.name(113) == "xymon");
    CHECK(u.name(4242) == "4242");
    CHECK(u.name(5) == "5");
}

TEST_CASE("collector: hidden pid candidates are alive pids missing from the listing") {
    std::vector<int> listed = {1, 2, 5, 9};
    auto alive = [](int pid) { return pid == 2 || pid == 7 || pid == 9; };
    CHECK(hidden_pid_candidates(listed, 10, alive) == std::vector<int>{7});
    CHECK(hidden_pid_candidates(listed, 6, alive).empty());
}

TEST_CASE("collector: visibility is limited without privileges or with unreadable processes") {
    Visibility v = assess_visibility(true, true, 1, 1, 100);
    CHECK(v.full);
    v = assess_visibility(false, false, 40, 40, 100);
    CHECK_FALSE(v.full);
    REQUIRE_FALSE(v.reasons.empty());
    CHECK(v.reasons[0].find("/proc/PID/exe of 40 processes") != std::string::npos);
    CHECK(v.reasons[0].find("make install") != std::string::npos);
    v = assess_visibility(false, false, 0, 0, 3);
    CHECK_FALSE(v.full);
    v = assess_visibility(false, true, 0, 0, 100);
    CHECK(v.full);
    v = assess_visibility(true, true, 60, 0, 100);
    CHECK_FALSE(v.full);
    CHECK(v.unreadable_exe == 60);
}
