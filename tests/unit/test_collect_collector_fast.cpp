// The collector's fast paths and compact socket model: binary addresses, one-byte states,
// inline owner pids, the sock_diag netlink reader (on captured kernel bytes and live against
// /proc/net text), uid/cgroup through pidfds, and the fd cache that carries socket inodes
// from one cycle to the next.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "collect/collector.h"
#include "collect/fd_cache.h"
#include "model/model.h"
#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "collect/sock_diag.h"
#include "collect/socket_table.h"
#include "temp_dir.h"

using namespace mr;

namespace {

std::string unhex(const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
}

// Captured from Linux 6.18: the SOCK_DIAG_BY_FAMILY answer (seq 7) for a TCP listener on
// 127.0.0.1:47999 (inode 2415199) and one on [2001:db8::1]:47998 (inode 2415200), each
// followed by its NLMSG_DONE.
const std::string kV4Msg =
    "7c0000001400020007000000cf530000020a0000bb7f00007f00000100000000000000000000000000000000000000"
    "00000000000000000000000000c974060000000000000000000000000001000000000000005fda24000500080000"
    "00000008000f00000000000c00150001000000000000000600160052000000";
const std::string kV4Done = "140000000300020007000000cf53000000000000";
const std::string kV6Msg =
    "84000000140002000700000002acf6c20a0a0000bb7e000020010db800000000000000000000000100000000000000"
    "00000000000000000000000000ca740600000000000000000000000000010000000000000060da2400050008000000"
    "000005000b000100000008000f00000000000c00150001000000000000000600160016000000";
const std::string kV6Done = "14000000030002000700000002acf6c200000000";

std::string text_of(const SocketInfo& k) {
    std::ostringstream o;
    o << to_string(k.proto) << ' ' << k.local_addr << ':' << k.local_port << ' ' << k.remote_addr << ':'
      << k.remote_port << ' ' << k.state << " uid=" << k.uid << " ino=" << k.inode;
    return o.str();
}

// Runs `body` in a child process in a fresh network namespace with lo up; the child's exit
// status (0 = every check held) is returned, -1 when namespaces are not available here.
template <typename F>
int in_new_netns(F body) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::unshare(CLONE_NEWNET) != 0) _exit(77);
        int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        ifreq ifr{};
        std::strcpy(ifr.ifr_name, "lo");
        ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
        if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) _exit(77);
        ::close(s);
        _exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 77) return -1;
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("collector: IpAddr prints IPv4, IPv6 and v4-mapped addresses as inet_ntop does") {
    IpAddr a;
    CHECK(a.to_string().empty());
    const unsigned char lo[4] = {127, 0, 0, 1};
    CHECK(IpAddr::v4(lo).to_string() == "127.0.0.1");
    for (const char* text : {"0.0.0.0", "10.0.0.5", "255.255.255.255", "::", "::1", "2001:db8::1",
                             "fe80::1:2:3:4", "::ffff:203.0.113.5", "2001:db8:0:1:1:1:1:1"}) {
        REQUIRE(a.parse(text));
        CHECK(a.to_string() == text);
        CHECK(a == text);
    }
    REQUIRE(a.parse("::ffff:203.0.113.5"));
    CHECK(a.family == 6);   // an IPv4 peer of an IPv6 socket stays IPv6
    REQUIRE(a.parse("fe80::1%eth0"));
    CHECK(a == "fe80::1");
    a = "192.0.2.1";
    CHECK(a.family == 4);
    CHECK(a != "192.0.2.2");
    IpAddr b;
    b = "192.0.2.1";
    CHECK(a == b);
    for (const char* bad : {"", "host.example", "1.2.3", "1.2.3.4.5", "::g", "*", "1.2.3.4:80"}) {
        CHECK_FALSE(a.parse(bad));
        CHECK(a.to_string().empty());
    }
    std::string hex_text;
    IpAddr hex;
    REQUIRE(hex_to_ipv6("0000000000000000FFFF00000100007F", hex));
    CHECK(hex == "::ffff:127.0.0.1");
    REQUIRE(hex_to_ipv4("0100007F", hex));
    CHECK(hex.to_string() == "127.0.0.1");
    // v4-mapped addresses as the IPv4 address they carry (both ends of a connection compare so).
    auto ip = [](const char* t) { IpAddr x; x.parse(t); return x; };
    CHECK(ip("::ffff:203.0.113.5").unmapped() == "203.0.113.5");
    CHECK(ip("::ffff:203.0.113.5").unmapped().family == 4);
    CHECK(ip("2001:db8::1").unmapped() == "2001:db8::1");
}

TEST_CASE("collector: SockState keeps the kernel's TCP codes and names in one byte") {
    CHECK(sizeof(SockState) == 1);
    CHECK(SockState::from_tcp(1) == "ESTABLISHED");
    CHECK(SockState::from_tcp(10) == SockState::listen);
    CHECK(SockState::from_tcp(6).name() == std::string("TIME_WAIT"));
    CHECK(SockState::from_tcp(12) == "NEW_SYN_RECV");
    CHECK(SockState::from_tcp(0) == "UNKNOWN");
    CHECK(SockState::from_tcp(99) == "UNKNOWN");
    CHECK(SockState::from_udp(1) == "ESTABLISHED");
    CHECK(SockState::from_udp(7) == "UNCONN");
    SockState s = "SYN_SENT";
    CHECK(s == SockState::syn_sent);
    s = std::string("CLOSE_WAIT");
    CHECK(s == "CLOSE_WAIT");
    s = "no such state";
    CHECK(s == SockState::unknown);
    for (int st = 1; st <= 12; ++st) CHECK(SockState(tcp_state_name(st)).code() == SockState::from_tcp(st).code());
}

TEST_CASE("collector: PidList holds one owner inline and more on the heap") {
    CHECK(sizeof(PidList) == 8);
    CHECK(sizeof(SocketInfo) <= 64);
    PidList p;
    CHECK(p.empty());
    CHECK(p == std::vector<int>{});
    p.push_back(42);
    CHECK(p == std::vector<int>{42});
    CHECK(p[0] == 42);
    std::vector<int> want = {42};
    for (int i = 1; i < 40; ++i) {
        p.push_back(1000 + i);
        want.push_back(1000 + i);
        CHECK(p == want);
    }
    PidList copy = p;
    CHECK(copy == want);
    PidList moved = std::move(copy);
    CHECK(moved == want);
    CHECK(copy.empty());
    copy = moved;
    CHECK(copy == want);
    copy = {7, 8};
    CHECK(copy == std::vector<int>{7, 8});
    copy.clear();
    CHECK(copy.empty());
    copy.push_back(-1);   // a negative value is still just a value
    CHECK(copy.to_vector() == std::vector<int>{-1});
    p = std::vector<int>{3};
    CHECK(p == std::vector<int>{3});
    CHECK(std::find(moved.begin(), moved.end(), 1005) != moved.end());
    std::ostringstream o;
    o << PidList{1, 2};
    CHECK(o.str() == "{1, 2}");
}

TEST_CASE("collector: sock_diag parses captured inet_diag answers for IPv4 and IPv6") {
    std::vector<SocketInfo> out;
    std::string v4 = unhex(kV4Msg + kV4Done);
    CHECK(parse_inet_diag(v4.data(), v4.size(), 7, SocketProto::tcp, 4026531833u, out) == DiagStatus::done);
    REQUIRE(out.size() == 1);
    CHECK(text_of(out[0]) == "tcp 127.0.0.1:47999 0.0.0.0:0 LISTEN uid=0 ino=2415199");
    CHECK(out[0].netns == 4026531833u);
    CHECK(out[0].pids.empty());

    out.clear();
    std::string v6 = unhex(kV6Msg + kV6Done);
    CHECK(parse_inet_diag(v6.data(), v6.size(), 7, SocketProto::tcp6, 1, out) == DiagStatus::done);
    REQUIRE(out.size() == 1);
    CHECK(text_of(out[0]) == "tcp6 2001:db8::1:47998 :::0 LISTEN uid=0 ino=2415200");

    // A batch without NLMSG_DONE asks for more; the records are kept.
    out.clear();
    std::string only = unhex(kV4Msg);
    CHECK(parse_inet_diag(only.data(), only.size(), 7, SocketProto::tcp, 1, out) == DiagStatus::more);
    CHECK(out.size() == 1);

    // Someone else's answer, a record of the other family, a cut message: errors, no overread.
    out.clear();
    CHECK(parse_inet_diag(v4.data(), v4.size(), 8, SocketProto::tcp, 1, out) == DiagStatus::error);
    CHECK(parse_inet_diag(v4.data(), v4.size(), 7, SocketProto::tcp6, 1, out) == DiagStatus::error);
    for (size_t cut = 1; cut < only.size(); ++cut) {
        std::vector<SocketInfo> o;
        DiagStatus st = parse_inet_diag(only.data(), cut, 7, SocketProto::tcp, 1, o);
        CHECK(st != DiagStatus::done);
        CHECK(o.empty());
    }
    std::string err = unhex(kV4Done);
    err[4] = 2;   // NLMSG_ERROR
    CHECK(parse_inet_diag(err.data(), err.size(), 7, SocketProto::tcp, 1, out) == DiagStatus::error);
}

TEST_CASE("collector: sock_diag and /proc/net text list the same sockets (live, own namespace)") {
    int rc = in_new_netns([] {
        // Listener, an established pair, a v6 listener, a v4-mapped connection, UDP both ways.
        int l = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(3333);
        if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) || ::listen(l, 8)) return 10;
        int c = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a)) return 11;
        int l6 = ::socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 b{};
        b.sin6_family = AF_INET6;
        b.sin6_addr = in6addr_any;
        b.sin6_port = htons(4444);
        if (::bind(l6, reinterpret_cast<sockaddr*>(&b), sizeof b) || ::listen(l6, 8)) return 12;
        int c6 = ::socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 mapped{};
        mapped.sin6_family = AF_INET6;
        mapped.sin6_port = htons(4444);
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
        if (::connect(c6, reinterpret_cast<sockaddr*>(&mapped), sizeof mapped)) return 13;
        int u = ::socket(AF_INET, SOCK_DGRAM, 0);
        a.sin_port = htons(5555);
        if (::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a)) return 14;
        int u6 = ::socket(AF_INET6, SOCK_DGRAM, 0);
        b.sin6_addr = in6addr_loopback;
        b.sin6_port = htons(6666);
        if (::bind(u6, reinterpret_cast<sockaddr*>(&b), sizeof b) ||
            ::connect(u6, reinterpret_cast<sockaddr*>(&b), sizeof b))
            return 15;

        std::vector<SocketInfo> diag, text;
        if (!read_sock_diag(99, diag)) return 20;
        Fd self = open_dir_at(AT_FDCWD, "/proc/self");
        if (!read_socket_tables(self.get(), 99, text)) return 21;
        std::multiset<std::string> d, t;
        for (const SocketInfo& k : diag) d.insert(text_of(k));
        for (const SocketInfo& k : text) t.insert(text_of(k));
        if (d != t) return 22;
        if (diag.size() < 8) return 23;   // 2 listeners, 2 connected pairs, 2 UDP
        const char* expect[] = {"tcp 127.0.0.1:3333 0.0.0.0:0 LISTEN", "tcp6 :::4444 :::0 LISTEN",
                                "udp 127.0.0.1:5555 0.0.0.0:0 UNCONN", "udp6 ::1:6666 ::1:6666 ESTABLISHED"};
        for (const char* e : expect)
            if (std::none_of(d.begin(), d.end(), [&](const std::string& x) { return x.rfind(e, 0) == 0; }))
                return 24;
        if (std::none_of(d.begin(), d.end(), [](const std::string& x) {
                return x.find("::ffff:127.0.0.1:4444 ESTABLISHED") != std::string::npos;
            }))
            return 25;
        return 0;
    });
    if (rc == -1) {
        MESSAGE("no network namespaces here: skipped");
        return;
    }
    CHECK(rc == 0);
}

TEST_CASE("collector: pidfd uid and cgroup match /proc/PID/status and cgroup (live)") {
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    pid_t child = ::fork();
    if (child == 0) {
        ::close(pipefd[1]);
        if (::geteuid() == 0 && ::setuid(65534) != 0) _exit(1);
        char x;
        while (::read(pipefd[0], &x, 1) < 0) {
        }
        _exit(0);
    }
    ::close(pipefd[0]);
    usleep(100 * 1000);
    CollectOptions fast;
    fast.sample_seconds = 0;
    fast.read_threads = false;
    fast.read_sockets = false;
    fast.sweep_hidden_pids = false;
    CollectOptions text = fast;
    text.use_pidfd_info = false;
    Snapshot a = collect(fast), b = collect(text);
    ::close(pipefd[1]);
    ::waitpid(child, nullptr, 0);
    auto find = [](const Snapshot& s, int pid) -> const ProcessInfo* {
        for (const ProcessInfo& p : s.procs)
            if (p.pid == pid) return &p;
        return nullptr;
    };
    const ProcessInfo* fc = find(a, child);
    const ProcessInfo* tc = find(b, child);
    REQUIRE(fc != nullptr);
    REQUIRE(tc != nullptr);
    if (::geteuid() == 0) CHECK(fc->uid == 65534u);
    CHECK(fc->uid == tc->uid);
    CHECK(fc->cgroup == tc->cgroup);
    int compared = 0;
    for (const ProcessInfo& p : a.procs) {
        const ProcessInfo* q = find(b, p.pid);
        if (!q || q->start_ticks != p.start_ticks) continue;   // came or went between the scans
        ++compared;
        INFO("pid " << p.pid << " " << p.comm);
        CHECK(p.uid == q->uid);
        CHECK(p.cgroup == q->cgroup);
        CHECK(p.container_id == q->container_id);
    }
    CHECK(compared > 10);
}

TEST_CASE("collector: fd cache text round trip; corrupt files are no cache") {
    FdCache c;
    c.boot_id = "b-1";
    c.full_uptime = 1234.5;
    c.add(10, 111, 5, {7, 8, 9});
    c.add(3, 222, 3, {});
    c.ownerless = {99, 42};
    c.finish();
    std::string text = serialize_fd_cache(c);
    FdCache back;
    REQUIRE(parse_fd_cache(text, back));
    CHECK(back.boot_id == "b-1");
    CHECK(back.full_uptime == doctest::Approx(1234.5));
    const FdCacheProc* p = back.find(10, 111);
    REQUIRE(p != nullptr);
    CHECK(p->fd_count == 5);
    CHECK(std::vector<SocketInode>(back.inodes.begin() + p->first, back.inodes.begin() + p->first + p->count) ==
          std::vector<SocketInode>{7, 8, 9});
    CHECK(back.find(10, 112) == nullptr);   // a reused pid is another process
    CHECK(back.find(3, 222)->count == 0);
    CHECK(back.is_ownerless(42));
    CHECK_FALSE(back.is_ownerless(7));

    // The streaming writer writes what serialize_fd_cache does.
    mr_test::TempDir dir("fdcache");
    std::string path = dir / "cache";
    {
        FdCacheWriter w(path, "b-1", 1234.5);
        w.add(3, 222, 3, {});
        w.add(10, 111, 5, {7, 8, 9});
        w.add_ownerless(42);
        w.add_ownerless(99);
        REQUIRE(w.commit());
    }
    FdCache loaded;
    REQUIRE(load_fd_cache(path, loaded));
    CHECK(serialize_fd_cache(loaded) == text);

    for (std::string bad : {std::string(), text.substr(0, text.size() - 4), text + "p 1 2 3\n",
                            std::string("miningrisk-fd-cache 1\nboot x\nfull 1\np 1 2\nend\n"),
                            std::string("miningrisk-fd-cache 1\nboot x\nfull 1\np 0 2 3\nend\n"),
                            std::string("miningrisk-fd-cache 1\nboot x\nfull 1\nq 1 2 3\nend\n"),
                            // socket inodes are 32-bit: a larger one is corruption, not a wrap
                            std::string("miningrisk-fd-cache 1\nboot x\nfull 1\np 1 2 3 4294967297\nend\n"),
                            std::string("miningrisk-fd-cache 1\nboot x\nfull 1\no 4294967296\nend\n")}) {
        FdCache x;
        CHECK_FALSE(parse_fd_cache(bad, x));
    }
}

TEST_CASE("collector: reused fds still attribute a socket opened in place of another fd (live)") {
    // The child keeps its fd count constant while swapping a file for a listening socket: the
    // cache cannot see the change from the count, the ownerless check must. Both ways of
    // counting: st_size (Linux 6.2+) and listing the fd directory (older kernels).
    bool from_size = true;
    SUBCASE("fd counts from st_size") { from_size = true; }
    SUBCASE("fd counts by listing") { from_size = false; }
    int cmd[2];
    REQUIRE(::pipe(cmd) == 0);
    pid_t child = ::fork();
    if (child == 0) {
        ::close(cmd[1]);
        int spare = ::open("/dev/null", O_RDONLY);
        char x;
        if (::read(cmd[0], &x, 1) != 1) _exit(1);
        ::close(spare);
        int l = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) || ::listen(l, 1)) _exit(2);
        while (::read(cmd[0], &x, 1) < 0) {
        }
        _exit(0);
    }
    ::close(cmd[0]);
    mr_test::TempDir dir("fdreuse");
    CollectOptions o;
    o.state_file = dir / "state";
    o.sample_seconds = 0.1;
    o.read_threads = false;
    o.sweep_hidden_pids = false;
    o.fd_count_from_size = from_size;
    usleep(100 * 1000);
    collect(o);   // first cycle: full read, cache written
    struct stat st;
    bool cache_on = ::stat((o.state_file + ".fds").c_str(), &st) == 0;
    REQUIRE(::write(cmd[1], "x", 1) == 1);
    usleep(200 * 1000);
    Snapshot s = collect(o);
    bool found = false;
    for (const SocketInfo& k : s.sockets)
        if (k.state == SockState::listen && k.pids == std::vector<int>{child}) found = true;
    ::close(cmd[1]);
    ::waitpid(child, nullptr, 0);
    CHECK(cache_on);
    CHECK(found);
}
