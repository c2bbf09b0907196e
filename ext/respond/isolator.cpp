#include "respond/isolator.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "collect/socket_table.h"
#include "respond/read_prefix.h"
#include "util/text_util.h"

namespace mr {

namespace {

constexpr const char* kNft = "/usr/sbin/nft";
constexpr const char* kNftMountBase = "/sys/fs/cgroup";   // where nft 1.0.6 looks cgroup paths up

struct NftRun {
    bool ok = false;
    std::string out, err;
    double ms = 0;
};

// nft with a fixed argument vector, `input` on its stdin, inside the network namespace `ns_fd`.
NftRun run_nft(const std::vector<const char*>& args, const std::string& input, int ns_fd) {
    NftRun r;
    const auto t0 = std::chrono::steady_clock::now();
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return r.err = std::strerror(errno), r;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]), close(in[1]);
        return r.err = std::strerror(errno), r;
    }
    std::vector<char*> argv;
    for (const char* a : args) argv.push_back(const_cast<char*>(a));
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        if (ns_fd >= 0 && setns(ns_fd, CLONE_NEWNET) != 0) _exit(126);
        dup2(in[0], 0), dup2(out[1], 1), dup2(out[1], 2);
        char* const envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
        execve(kNft, argv.data(), envp);
        _exit(127);
    }
    close(in[0]), close(out[1]);
    if (pid < 0) {
        close(in[1]), close(out[0]);
        return r.err = std::string("fork: ") + std::strerror(errno), r;
    }
    // nft reads its whole input before it says anything, so writing first cannot deadlock
    for (size_t done = 0; done < input.size();) {
        ssize_t w = write(in[1], input.data() + done, input.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += static_cast<size_t>(w);
    }
    close(in[1]);
    char buf[4096];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (r.out.size() < (1u << 20)) r.out.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!r.ok) {
        r.err = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? std::string("cannot run ") + kNft
                : WIFEXITED(status) && WEXITSTATUS(status) == 126 ? std::string("cannot enter the process's network namespace")
                : "nft: " + r.out.substr(0, r.out.find('\n')).substr(0, 300);
        r.out.clear();
    }
    return r;
}

std::string cgroup2_path(const std::string& proc_root, int pid) {
    std::string text;
    read_prefix_into(proc_root + "/" + std::to_string(pid) + "/cgroup", text, 64 * 1024);
    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
        if (line.rfind("0::", 0) == 0) return std::string(line.substr(3));
    return "";
}

bool in_miningrisk_group(const std::string& cg) {
    return cg.rfind("/miningrisk/", 0) == 0 && cg.find('/', 12) == std::string::npos && cg.size() > 12;
}

// The tree's cgroup2 group (made and moved into when needed) as nft names it, or "" with `note`.
std::string isolation_cgroup(const FreezerPaths& p, int pid, uint64_t start, const std::vector<int>& pids,
                             bool move, std::string& dir, std::string& note) {
    if (p.cgroup2.empty()) return note = "no cgroup2 hierarchy: no cgroup match", "";
    std::string base(kNftMountBase);
    if (p.cgroup2 != base && p.cgroup2.rfind(base + "/", 0) != 0)
        return note = "cgroup2 is not mounted under /sys/fs/cgroup (nft looks there): no cgroup match", "";
    std::string cg = cgroup2_path(p.proc_root, pid);
    if (!in_miningrisk_group(cg)) {
        if (!move) return "";
        cg = fmt::format("/miningrisk/isolated-{}-{}", pid, start);
        Status moved = move_tree_into(p.cgroup2 + cg, pids);
        if (!moved) return note = moved.error().message + ": no cgroup match", "";
    } else if (move) {
        (void)move_tree_into(p.cgroup2 + cg, pids);  // children started since: into the same group
    }
    dir = p.cgroup2 + cg;
    std::string rel = p.cgroup2.size() > base.size() ? p.cgroup2.substr(base.size() + 1) + cg : cg.substr(1);
    if (!valid_cgroup_path(rel)) return note = "cgroup path not usable by nft: no cgroup match", "";
    return rel;
}

std::string plural(size_t n, const char* one) { return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s"); }

int open_netns(const FreezerPaths& p, int pid) {
    return ::open((p.proc_root + "/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
}

}  // namespace

std::vector<TcpConn> tree_tcp_conns(const std::string& proc_root, const std::vector<int>& pids) {
    std::set<uint64_t> inodes;
    for (int p : pids) {
        std::string dir = proc_root + "/" + std::to_string(p) + "/fd";
        std::vector<int> fds;
        list_numeric_at(AT_FDCWD, dir.c_str(), fds);
        for (int fd : fds) {
            std::string target;
            if (readlink_at(AT_FDCWD, (dir + "/" + std::to_string(fd)).c_str(), target))
                if (uint64_t ino = parse_socket_link(target)) inodes.insert(ino);
        }
    }
    std::vector<TcpConn> out;
    if (pids.empty() || inodes.empty()) return out;
    int dirfd = ::open((proc_root + "/" + std::to_string(pids[0])).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return out;
    std::vector<SocketInfo> socks;
    read_socket_tables(dirfd, 0, socks);
    ::close(dirfd);
    for (const SocketInfo& s : socks) {
        if (s.proto != SocketProto::tcp && s.proto != SocketProto::tcp6) continue;
        if (!inodes.count(s.inode) || s.state == SockState::listen || s.state == SockState::close ||
            s.state == SockState::time_wait || !s.local_port || !s.remote_port)
            continue;
        TcpConn c;
        c.local = canonical_address(s.local_addr.to_string(), &c.v6);
        bool v6 = false;
        c.remote = canonical_address(s.remote_addr.to_string(), &v6);
        c.lport = s.local_port, c.rport = s.remote_port;
        if (!c.local.empty() && !c.remote.empty() && v6 == c.v6 && out.size() < 1000) out.push_back(c);
    }
    return out;
}

IsolateResult isolate_tree(const FreezerPaths& p, int pid, uint64_t start_ticks, const std::string& pool_list,
                           int ttl_seconds) {
    IsolateResult r;
    r.pids = process_tree(p.proc_root, pid);
    IsolateSpec spec;
    spec.ttl_seconds = ttl_seconds;
    spec.cgroup = isolation_cgroup(p, pid, start_ticks, r.pids, true, r.cgroup, r.note);
    spec.conns = tree_tcp_conns(p.proc_root, r.pids);
    spec.pools = pool_targets(pool_list);
    for (const std::string& why : spec.pools.refused) r.note += (r.note.empty() ? "" : "; ") + ("pool list: " + why);
    int ns = open_netns(p, pid);
    if (ns < 0) return r.error = "cannot open its network namespace: " + std::string(std::strerror(errno)), r;
    NftRun n = run_nft({kNft, "-f", "-"}, isolate_batch(spec), ns);
    ::close(ns);
    r.ok = n.ok;
    r.ms = n.ms;
    r.error = n.err;
    r.conns = spec.conns.size();
    r.pools = spec.pools.size();
    // short: the record's method field holds 40 bytes
    r.method = "nftables (" + std::string(spec.cgroup.empty() ? "" : "cgroup, ") + plural(r.conns, "conn") + ", " +
               plural(r.pools, "pool") + ")";
    return r;
}

IsolateResult unisolate_tree(const FreezerPaths& p, int pid, uint64_t start_ticks) {
    IsolateResult r;
    r.pids = process_tree(p.proc_root, pid);
    IsolateSpec spec;
    spec.cgroup = isolation_cgroup(p, pid, start_ticks, r.pids, false, r.cgroup, r.note);
    spec.conns = tree_tcp_conns(p.proc_root, r.pids);
    int ns = open_netns(p, pid);
    if (ns < 0) return r.error = "cannot open its network namespace: " + std::string(std::strerror(errno)), r;
    NftRun n = run_nft({kNft, "-f", "-"}, unisolate_batch(spec), ns);
    r.ok = n.ok;
    r.ms = n.ms;
    r.error = n.err;
    r.method = "nftables";
    if (n.ok) {
        NftRun list = run_nft({kNft, "list", "table", "inet", kIsolateTable}, "", ns);
        if (list.ok && !listing_has_process_elements(list.out)) {
            run_nft({kNft, "-f", "-"}, delete_table_batch(), ns);
            r.note = "no contained tree left: table inet miningrisk deleted";
        }
    }
    ::close(ns);
    return r;
}

}  // namespace mr
