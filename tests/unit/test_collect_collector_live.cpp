// collect() on the real /proc, with processes this test starts: a CPU burner, a two-thread
// burner, and a process in its own network namespace holding a loopback TCP connection.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "collect/collector.h"
#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/file_io.h"
#include "temp_dir.h"

using namespace mr;

namespace {

// A forked child, killed and reaped whatever the test's outcome.
struct Child {
    pid_t pid = -1;
    ~Child() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
};

void* spin(void*) {
    volatile unsigned long x = 0;
    for (;;) x = x + 1;
    return nullptr;
}

uint64_t cpu_ticks_of(pid_t pid) {
    StatFields f;
    Expected<std::string> text = read_file_prefix("/proc/" + std::to_string(pid) + "/stat", 4096);
    if (!text || !parse_stat(*text, f))
        return 0;
    return f.utime + f.stime;
}

double now_seconds() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

const ProcessInfo* find_proc(const Snapshot& s, int pid) {
    for (const ProcessInfo& p : s.procs)
        if (p.pid == pid) return &p;
    return nullptr;
}

CollectOptions live_options() {
    CollectOptions o;
    o.sweep_hidden_pids = false;
    return o;
}

}  // namespace

TEST_CASE("collector: live scan sees this test process as it is") {
    CollectOptions o = live_options();
    o.sample_seconds = 0;
    Snapshot s = collect(o);
    const ProcessInfo* me = find_proc(s, ::getpid());
    REQUIRE(me != nullptr);
    CHECK(me->ppid == ::getppid());
    CHECK(me->uid == ::getuid());
    std::string exe;
    REQUIRE(readlink_at(AT_FDCWD, "/proc/self/exe", exe));
    CHECK(me->exe == exe);
    CHECK(me->exe_readable);
    CHECK_FALSE(me->kernel_thread);
    CHECK_FALSE(me->argv.empty());
    CHECK(me->netns != 0);
    CHECK(s.host.cores >= 1);
    CHECK(s.procs.size() > 2);
    if (::geteuid() == 0) {
        CHECK(s.visibility.full);
        const ProcessInfo* kthreadd = find_proc(s, 2);
        if (kthreadd) CHECK(kthreadd->kernel_thread);   // absent inside a pid namespace
    }
}

TEST_CASE("collector: live CPU burner measured over a one second sample") {
    Child burner;
    burner.pid = ::fork();
    REQUIRE(burner.pid >= 0);
    if (burner.pid == 0) spin(nullptr);
    ::usleep(200 * 1000);

    CollectOptions o = live_options();
    o.sample_seconds = 1.0;
    o.read_sockets = false;
    uint64_t t0 = cpu_ticks_of(burner.pid);
    double w0 = now_seconds();
    Snapshot s = collect(o);
    double truth = static_cast<double>(cpu_ticks_of(burner.pid) - t0) /
                   (static_cast<double>(::sysconf(_SC_CLK_TCK)) * (now_seconds() - w0));
    CHECK(s.first_sample);
    CHECK(s.interval_seconds == doctest::Approx(1.0).epsilon(0.2));
    const ProcessInfo* p = find_proc(s, burner.pid);
    REQUIRE(p != nullptr);
    INFO("collector says " << p->cores << " cores, independent reading " << truth);
    CHECK(p->cores <= 1.3);
    if (truth >= 0.75) {
        CHECK(p->cores >= 0.6);
    } else {
        // A busy shared machine: the burner did not get a whole core; agree with the truth.
        MESSAGE("burner got only " << truth << " of a core");
        CHECK(std::fabs(p->cores - truth) < 0.3);
    }
    CHECK(p->max_thread_cores == doctest::Approx(p->cores));
    CHECK(s.host.host_busy_cores > 0.3);
}

TEST_CASE("collector: live two-thread burner shows its busiest thread near one core") {
    Child burner;
    burner.pid = ::fork();
    REQUIRE(burner.pid >= 0);
    if (burner.pid == 0) {
        pthread_t a, b;
        pthread_create(&a, nullptr, spin, nullptr);
        pthread_create(&b, nullptr, spin, nullptr);
        for (;;) ::pause();
    }
    ::usleep(300 * 1000);
    mr_test::TempDir tmp("collector-live");
    const std::string state = tmp / "state";
    CollectOptions o = live_options();
    o.read_sockets = false;
    o.sample_seconds = 1.0;
    o.state_file = state;

    Snapshot first = collect(o);   // no state yet: a one second sample
    CHECK(first.first_sample);
    ::usleep(1000 * 1000);
    Snapshot s = collect(o);       // the state of the first run is the baseline
    CHECK_FALSE(s.first_sample);
    CHECK(s.interval_seconds > 0.9);
    for (const Snapshot* snap : {&first, &s}) {
        const ProcessInfo* p = find_proc(*snap, burner.pid);
        REQUIRE(p != nullptr);
        CHECK(p->num_threads == 3);
        REQUIRE(p->threads.size() == 3);
        double sum = 0;
        for (const ThreadInfo& t : p->threads) sum += t.cores;
        INFO("cores " << p->cores << ", busiest thread " << p->max_thread_cores << ", threads sum " << sum);
        CHECK(p->max_thread_cores >= 0.4);   // each spinner wants a whole core; 2 cores are shared
        CHECK(p->max_thread_cores <= 1.2);
        CHECK(std::fabs(sum - p->cores) < 0.25);
        CHECK(p->cores >= 0.8);
    }
}

TEST_CASE("collector: live process in its own network namespace with a loopback TCP connection") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: creating a network namespace needs root");
        return;
    }
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    Child holder;
    holder.pid = ::fork();
    REQUIRE(holder.pid >= 0);
    if (holder.pid == 0) {
        ::close(ready[0]);
        if (::unshare(CLONE_NEWNET) != 0) _exit(2);
        if (std::system("ip link set lo up") != 0) _exit(3);
        int ls = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(ls, 4) != 0 ||
            ::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            _exit(4);
        int c = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) _exit(5);
        int s = ::accept(ls, nullptr, nullptr);
        if (s < 0) _exit(6);
        uint16_t port = ntohs(a.sin_port);
        if (::write(ready[1], &port, sizeof port) != sizeof port) _exit(7);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    pollfd pfd{ready[0], POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 10000) == 1);
    uint16_t port = 0;
    REQUIRE(::read(ready[0], &port, sizeof port) == sizeof port);
    ::close(ready[0]);

    std::string link;
    REQUIRE(readlink_at(AT_FDCWD, ("/proc/" + std::to_string(holder.pid) + "/ns/net").c_str(), link));
    uint64_t child_ns = parse_ns_link(link);
    REQUIRE(readlink_at(AT_FDCWD, "/proc/self/ns/net", link));
    uint64_t my_ns = parse_ns_link(link);
    REQUIRE(child_ns != my_ns);

    CollectOptions o = live_options();
    o.sample_seconds = 0;
    o.read_threads = false;
    Snapshot s = collect(o);
    const ProcessInfo* p = find_proc(s, holder.pid);
    REQUIRE(p != nullptr);
    CHECK(p->netns == child_ns);
    CHECK(s.netns_count >= 2);
    int established = 0, listening = 0;
    for (const SocketInfo& k : s.sockets) {
        if (k.netns != child_ns) continue;
        INFO(to_string(k.proto) << " " << k.local_addr << ":" << k.local_port << " -> "
                                << k.remote_addr << ":" << k.remote_port << " " << k.state);
        CHECK(k.pids == std::vector<int>{holder.pid});
        CHECK(k.local_addr == "127.0.0.1");
        if (k.state == "LISTEN") {
            ++listening;
            CHECK(k.local_port == port);
        }
        if (k.state == "ESTABLISHED") {
            ++established;
            CHECK((k.local_port == port || k.remote_port == port));
        }
    }
    CHECK(listening == 1);
    CHECK(established == 2);   // both ends of the connection
    // and no socket of that namespace leaked into ours
    for (const SocketInfo& k : s.sockets)
        if (k.netns == my_ns) CHECK(std::find(k.pids.begin(), k.pids.end(), holder.pid) == k.pids.end());
}
