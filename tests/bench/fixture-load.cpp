// Benchmark fixture: N idle processes and M established loopback TCP connections, held until
// SIGTERM or --hold seconds, then removed. Children die with the parent (PR_SET_PDEATHSIG).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;
void on_term(int) { g_stop = 1; }

int listen_on(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4096) != 0) {
        std::perror("listen");
        std::exit(1);
    }
    return fd;
}

// One holder process: `count` connections to the listener `lfd` on `port`, both ends kept open.
void hold_connections(int lfd, uint16_t port, int count) {
    std::vector<int> fds;
    fds.reserve(count * 2 + 1);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            std::perror("connect");
            break;
        }
        int s = accept(lfd, nullptr, nullptr);
        // Closed by a reset when the fixture ends: no TIME_WAIT entries left to swell the next
        // size's tables (50,000 of them linger 60 s otherwise).
        linger no_wait{1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &no_wait, sizeof no_wait);
        fds.push_back(c);
        if (s >= 0) {
            setsockopt(s, SOL_SOCKET, SO_LINGER, &no_wait, sizeof no_wait);
            fds.push_back(s);
        }
    }
    std::printf("holder port %u: %zu sockets\n", port, fds.size());
    std::fflush(stdout);
    while (!g_stop) pause();
}

pid_t spawn(void (*body)(int, uint16_t, int), int lfd, uint16_t port, int count) {
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGTERM, on_term);
        body(lfd, port, count);
        _exit(0);
    }
    return p;
}

void idle(int, uint16_t, int) {
    while (!g_stop) pause();
}

}  // namespace

int main(int argc, char** argv) {
    int procs = 1000, conns = 1000, hold = 600;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        int v = std::atoi(argv[i + 1]);
        if (a == "--procs") procs = v;
        else if (a == "--conns") conns = v;
        else if (a == "--hold") hold = v;
    }
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;  // raising the hard limit is not allowed everywhere
    setrlimit(RLIMIT_NOFILE, &rl);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    std::vector<pid_t> kids;
    // Each holder stays under the ephemeral port range (28k) per destination port.
    const int per_holder = 8000;  // both ends: 16,000 fds, under the 20,000 hard limit seen here
    // Every listener is bound before any connection exists, on ports below the ephemeral range
    // (32768-60999 by default): a connection's own local port can then never take a listener's.
    const uint16_t first_port = 31000;
    std::vector<int> listeners;
    for (int left = conns; left > 0; left -= per_holder)
        listeners.push_back(listen_on(static_cast<uint16_t>(first_port + listeners.size())));
    int left = conns;
    for (size_t i = 0; i < listeners.size(); ++i, left -= per_holder)
        kids.push_back(spawn(hold_connections, listeners[i], static_cast<uint16_t>(first_port + i),
                             left < per_holder ? left : per_holder));
    for (int fd : listeners) close(fd);
    for (int i = 0; i < procs; ++i) kids.push_back(spawn(idle, -1, 0, 0));
    std::printf("ready procs=%d conns=%d\n", procs, conns);
    std::fflush(stdout);
    for (int t = 0; t < hold && !g_stop; ++t) sleep(1);
    for (pid_t k : kids) kill(k, SIGKILL);
    for (pid_t k : kids) waitpid(k, nullptr, 0);
    return 0;
}
