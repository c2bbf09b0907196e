#include "respond/read_prefix.h"
#include "respond/rail_facts.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/md5.h"
#include "util/sha256.h"
#include "util/text_util.h"

namespace mr {

namespace {

constexpr unsigned long kPfKthread = 0x00200000;  // PF_KTHREAD in stat field 9 (flags)

unsigned long stat_flags(const std::string& stat) {
    size_t close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    auto f = split_whitespace(std::string_view(stat).substr(close + 1));
    if (f.size() < 7) return 0;  // state ppid pgrp session tty tpgid flags
    uint64_t v = 0;
    std::string_view s = f[6];
    take_u64(s, v);
    return static_cast<unsigned long>(v);
}

// Both digests of the running executable in one read (bounded: 256 MiB).
void hash_exe(const std::string& path, std::string& sha, std::string& md5) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    Sha256 s;
    Md5 m;
    char buf[1 << 16];
    size_t total = 0;
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0 && total < (256u << 20);) {
        s.update(buf, static_cast<size_t>(n));
        m.update(buf, static_cast<size_t>(n));
        total += static_cast<size_t>(n);
    }
    ::close(fd);
    sha = s.hex();
    md5 = m.hex();
}

// The package whose md5sums list `exe`, and the md5 dpkg recorded.
std::string find_package(const std::string& dpkg_info, const std::string& exe, std::string& md5) {
    DIR* d = opendir(dpkg_info.c_str());
    if (!d) return "";
    std::string found;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.size() < 9 || name.compare(name.size() - 8, 8, ".md5sums") != 0) continue;
        std::string text;
        if (!read_prefix_into(dpkg_info + "/" + name, text, 8u << 20)) continue;
        std::string hit = md5sums_lookup(text, exe);
        if (!hit.empty()) {
            found = name.substr(0, name.size() - 8);
            md5 = hit;
            break;
        }
    }
    closedir(d);
    return found;
}

}  // namespace

TargetFacts gather_target_facts(const std::string& proc_root, int pid, const std::string& dpkg_info) {
    TargetFacts t;
    const std::string dir = proc_root + "/" + std::to_string(pid);
    std::string stat, status, link;
    StatFields st;
    if (!read_prefix_into(dir + "/stat", stat, 4096) || !parse_stat(stat, st)) return t;
    t.exists = true;
    t.identity.pid = pid;
    t.identity.start_ticks = st.start_ticks;
    t.rails.pid = pid;
    t.rails.comm = st.comm;
    t.rails.kernel_thread = (stat_flags(stat) & kPfKthread) != 0 || st.ppid == 2 || pid == 2;
    StatusFields sf;
    if (read_prefix_into(dir + "/status", status, 64 * 1024) && parse_status(status, sf) && sf.has_uid) t.rails.uid = sf.uid;
    if (const passwd* pw = getpwnam("xymon")) t.rails.xymon_uid = pw->pw_uid;
    bool deleted = false;
    if (readlink_at(AT_FDCWD, (dir + "/exe").c_str(), link)) {
        ExeLink x = parse_exe_link(link);
        t.rails.exe = x.path;
        deleted = x.deleted || x.memfd;
    }
    struct stat xs {};
    if (::stat((dir + "/exe").c_str(), &xs) == 0) {
        t.identity.exe_dev = xs.st_dev;
        t.identity.exe_ino = xs.st_ino;
    }
    std::string md5;
    hash_exe(dir + "/exe", t.identity.sha256, md5);
    std::string want;
    if (!t.rails.exe.empty() && !deleted) {  // a deleted file is no package's file any more
        t.rails.dpkg_package = find_package(dpkg_info, t.rails.exe, want);
        t.rails.dpkg_md5_matches = !t.rails.dpkg_package.empty() && want == md5;
    }
    return t;
}

}  // namespace mr
