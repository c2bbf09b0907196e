#include "respond/run_helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

extern char** environ;

namespace mr {

HelperResult run_helper(const std::vector<std::string>& argv, double timeout_seconds, const std::string& stdin_path) {
    HelperResult res;
    if (argv.empty()) {
        res.error = "no program";
        return res;
    }
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return res.error = std::strerror(errno), res;
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(out_pipe[0]), close(out_pipe[1]);
        return res.error = std::strerror(errno), res;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // its own process group, so the kill at the deadline takes sudo and the helper together
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(out_pipe[0]), close(err_pipe[0]);
        res.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
        return res;
    }
    std::string err;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
    bool open_out = true, open_err = true, timed_out = false;
    char buf[8192];
    while (open_out || open_err) {
        long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p[2] = {{open_out ? out_pipe[0] : -1, POLLIN, 0}, {open_err ? err_pipe[0] : -1, POLLIN, 0}};
        int n = poll(p, 2, static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(p[i].fd, buf, sizeof buf);
            if (r <= 0) {
                (i == 0 ? open_out : open_err) = false;
                continue;
            }
            std::string& dst = i == 0 ? res.out : err;
            if (dst.size() < (256u << 10)) dst.append(buf, static_cast<size_t>(r));
        }
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    if (timed_out) {
        // sudo relays SIGTERM to the root helper (which the caller may not signal itself);
        // SIGKILL only if that did not end it within a second. The helper also has its own alarm.
        kill(-pid, SIGTERM);
        kill(pid, SIGTERM);
        for (int i = 0; i < 20 && waitpid(pid, &status, WNOHANG) == 0; ++i) usleep(50000);
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string first = err.substr(0, err.find('\n')).substr(0, 300);
    if (timed_out) {
        res.error = "killed after " + std::to_string(static_cast<int>(timeout_seconds)) + " s";
        return res;
    }
    res.ran = WIFEXITED(status);
    res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (!res.ran) res.error = "ended by signal " + std::to_string(WTERMSIG(status));
    else if (res.exit_code != 0) res.error = "exit " + std::to_string(res.exit_code) + (first.empty() ? "" : ": " + first);
    return res;
}

}  // namespace mr
