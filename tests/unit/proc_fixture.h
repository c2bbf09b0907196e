// Builds fake /proc trees in a temporary directory for collector tests: per process stat,
// status, cmdline, comm, cgroup, an exe symlink, fd/ symlinks "socket:[INODE]", ns/ links,
// task/TID/stat, and net/ tables. Links need not resolve: the collector only readlinks them.
#pragma once
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace mr_test {

struct FakeThread {
    int tid = 0;
    std::string comm = "worker";
    uint64_t utime = 0, stime = 0;
    uint64_t start_ticks = 100;
};

struct FakeProc {
    int pid = 0;
    int ppid = 1;
    std::string comm = "proc";
    char state = 'S';
    uint32_t uid = 0;
    std::vector<std::string> argv;            // empty: empty cmdline (kernel thread, zombie)
    std::string exe;                          // link target; empty: no exe link
    uint64_t utime = 0, stime = 0;
    int nice = 0;
    uint64_t start_ticks = 100;
    uint64_t netns = 4026531992, pidns = 4026531836, mntns = 4026531841;
    std::string cgroup = "0::/user.slice/user-0.slice/session-1.scope\n";
    std::vector<uint64_t> socket_inodes;
    int other_fds = 2;                        // fds that are plain files
    std::vector<FakeThread> threads;          // empty: one thread, the process itself
};

class ProcFixture {
public:
    ProcFixture() : dir_("procfix"), root(dir_.path) {
        write("uptime", "1000.00 1900.00\n");
        write("stat", "cpu  1000 0 500 8000 100 0 0 0 0 0\ncpu0 500 0 250 4000 50 0 0 0 0 0\n"
                      "cpu1 500 0 250 4000 50 0 0 0 0 0\nintr 0\n");
        write("sys/vm/nr_hugepages", "0\n");
    }
    ProcFixture(const ProcFixture&) = delete;
    ProcFixture& operator=(const ProcFixture&) = delete;

private:
    mr_test::TempDir dir_;  // first: root names it, and it outlives every use of root

public:
    std::string root;

    std::string path(const std::string& rel) const { return root + "/" + rel; }

    void write(const std::string& rel, const std::string& content) const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        std::ofstream f(path(rel), std::ios::binary | std::ios::trunc);
        f << content;
    }

    void link(const std::string& rel, const std::string& target) const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        ::unlink(path(rel).c_str());
        if (::symlink(target.c_str(), path(rel).c_str()) != 0) perror("symlink");
    }

    static std::string stat_line(int pid, const std::string& comm, char state, int ppid,
                                 uint64_t utime, uint64_t stime, int nice, int threads,
                                 uint64_t start) {
        char tail[512];
        snprintf(tail, sizeof tail,
                 ") %c %d %d %d 0 -1 4194560 100 0 0 0 %llu %llu 0 0 20 %d %d 0 %llu 10000000 300 "
                 "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
                 state, ppid, pid, pid, static_cast<unsigned long long>(utime),
                 static_cast<unsigned long long>(stime), nice, threads,
                 static_cast<unsigned long long>(start));
        return std::to_string(pid) + " (" + comm + tail;
    }

    void add(const FakeProc& p) const {
        const std::string d = std::to_string(p.pid) + "/";
        int nthreads = p.threads.empty() ? 1 : static_cast<int>(p.threads.size());
        write(d + "stat", stat_line(p.pid, p.comm, p.state, p.ppid, p.utime, p.stime, p.nice,
                                    nthreads, p.start_ticks));
        write(d + "comm", p.comm + "\n");
        std::string uid = std::to_string(p.uid);
        write(d + "status", "Name:\t" + p.comm + "\nState:\t" + std::string(1, p.state) +
                                "\nTgid:\t" + std::to_string(p.pid) + "\nPid:\t" +
                                std::to_string(p.pid) + "\nPPid:\t" + std::to_string(p.ppid) +
                                "\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid +
                                "\nNStgid:\t" + std::to_string(p.pid) + "\nThreads:\t" +
                                std::to_string(nthreads) + "\nCapEff:\t0000000000000000\n");
        std::string cmd;
        for (const std::string& a : p.argv) {
            cmd += a;
            cmd += '\0';
        }
        write(d + "cmdline", cmd);
        write(d + "cgroup", p.cgroup);
        if (!p.exe.empty()) link(d + "exe", p.exe);
        link(d + "ns/net", "net:[" + std::to_string(p.netns) + "]");
        link(d + "ns/pid", "pid:[" + std::to_string(p.pidns) + "]");
        link(d + "ns/mnt", "mnt:[" + std::to_string(p.mntns) + "]");
        std::filesystem::create_directories(path(d + "fd"));
        int fd = 0;
        for (int i = 0; i < p.other_fds; ++i) link(d + "fd/" + std::to_string(fd++), "/dev/null");
        for (uint64_t ino : p.socket_inodes)
            link(d + "fd/" + std::to_string(fd++), "socket:[" + std::to_string(ino) + "]");
        if (p.threads.empty()) {
            write(d + "task/" + std::to_string(p.pid) + "/stat",
                  stat_line(p.pid, p.comm, p.state, p.ppid, p.utime, p.stime, p.nice, 1, p.start_ticks));
        } else {
            for (const FakeThread& t : p.threads)
                write(d + "task/" + std::to_string(t.tid) + "/stat",
                      stat_line(t.tid, t.comm, 'R', p.ppid, t.utime, t.stime, p.nice, nthreads,
                                t.start_ticks));
        }
    }

    // Net tables: `dir` is "PID" (that process's view) or "" (the proc root's own net/).
    void net(const std::string& dir, const std::string& table, const std::vector<std::string>& lines) const {
        std::string text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        for (const std::string& l : lines) text += l + "\n";
        write((dir.empty() ? "" : dir + "/") + "net/" + table, text);
    }

    // One table line in the kernel's format; addresses are the kernel's hex ("0100007F").
    static std::string net_line(int sl, const std::string& local, const std::string& remote,
                                int state, uint32_t uid, uint64_t inode) {
        char buf[512];
        snprintf(buf, sizeof buf,
                 "%4d: %s %s %02X 00000000:00000000 00:00000000 00000000 %5u        0 %llu 1 "
                 "0000000000000000 100 0 0 10 0",
                 sl, local.c_str(), remote.c_str(), state, uid, static_cast<unsigned long long>(inode));
        return buf;
    }
};

}  // namespace mr_test
