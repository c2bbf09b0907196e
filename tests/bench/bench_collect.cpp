// One full collect() with a valid CPU state, as a client cycle runs it; prints its CPU time and
// peak RSS on one line:  collect cpu_ms=... rss_kb=... procs=... sockets=...
// The state comes from a warm-up run in a child process, so neither its CPU nor its memory is
// counted here. --plain turns off what needs Linux 6.2+ (fd counts in st_size: counted by listing
// instead) and 6.13+ (PIDFD_GET_INFO), as on Debian 12's stock 6.1 kernel.
// Usage: bench_collect [--proc-root DIR] [--state FILE] [--plain]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "collect/collector.h"

int main(int argc, char** argv) {
    mr::CollectOptions opt;
    opt.state_file = "/tmp/miningrisk-bench-cpu-state." + std::to_string(::getpid());
    bool keep_state = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--proc-root" && i + 1 < argc) {
            opt.proc_root = argv[++i];
        } else if (a == "--state" && i + 1 < argc) {
            opt.state_file = argv[++i];
            keep_state = true;
        } else if (a == "--plain") {
            opt.use_pidfd_info = false;
            opt.fd_count_from_size = false;
        } else {
            std::fprintf(stderr, "usage: %s [--proc-root DIR] [--state FILE] [--plain]\n", argv[0]);
            return 2;
        }
    }
    opt.sample_seconds = 0.5;

    pid_t warm = ::fork();
    if (warm < 0) { std::perror("fork"); return 1; }
    if (warm == 0) {
        mr::collect(opt);   // writes the state the measured run starts from
        _exit(0);
    }
    int status = 0;
    ::waitpid(warm, &status, 0);
    ::usleep(700 * 1000);   // a state younger than half a second is not used

    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    mr::Snapshot s = mr::collect(opt);
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
    double cpu_ms = ms(after.ru_utime) - ms(before.ru_utime) + ms(after.ru_stime) - ms(before.ru_stime);
    if (!keep_state) {
        ::unlink(opt.state_file.c_str());
        ::unlink((opt.state_file + ".fds").c_str());  // the socket-list cache beside it
    }
    std::printf("collect cpu_ms=%.0f rss_kb=%ld procs=%zu sockets=%zu threads=%d netns=%d state=%s\n",
                cpu_ms, after.ru_maxrss, s.procs.size(), s.sockets.size(), s.thread_count,
                s.netns_count, s.first_sample ? "sample" : "cycle");
    return 0;
}
