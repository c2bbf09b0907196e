#include "respond/snapshot_plan.h"

#include <fmt/core.h>

#include "collect/proc_parse.h"
#include "respond/manifest.h"
#include "rules/rules.h"
#include "util/text_util.h"

namespace mr {

const char* const kProcFiles[10] = {"stat", "status", "cmdline", "environ", "comm",
                                    "cgroup", "maps", "limits", "loginuid", "mountinfo"};
const char* const kProcLinks[11] = {"exe", "cwd", "root", "ns/net", "ns/pid", "ns/mnt",
                                    "ns/user", "ns/uts", "ns/ipc", "ns/cgroup", "ns/time"};
const char* const kNetTables[5] = {"tcp", "tcp6", "udp", "udp6", "unix"};
const std::pair<const char*, const char*> kHostProcFiles[8] = {
    {"sys/kernel/random/boot_id", "boot_id"}, {"uptime", "uptime"},
    {"loadavg", "loadavg"},                   {"meminfo", "meminfo"},
    {"sys/vm/nr_hugepages", "nr_hugepages"},  {"sys/kernel/nmi_watchdog", "nmi_watchdog"},
    {"modules", "modules"},                   {"mounts", "mounts"}};
const char* const kCronFiles[2] = {"/etc/crontab", "/etc/anacrontab"};
const char* const kCronDirs[7] = {"/etc/cron.d",      "/etc/cron.hourly",          "/etc/cron.daily",
                                  "/etc/cron.weekly", "/etc/cron.monthly",         "/var/spool/cron/crontabs",
                                  "/var/spool/cron"};
const char* const kSystemdDirs[6] = {"/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system",
                                     "/usr/lib/systemd/system", "/etc/systemd/user", "/usr/lib/systemd/user"};
const char* const kKeyFiles[2] = {".ssh/authorized_keys", ".ssh/authorized_keys2"};

std::string snapshot_dir_name(const std::string& host, int64_t t, int pid) {
    std::string h = host.empty() ? "host" : host.substr(0, 128);
    for (char& c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            c = '_';
    if (h[0] == '.') h[0] = '_';
    return fmt::format("{}-{}-{}", h, utc_stamp(t), pid);
}

std::string home_from_passwd(std::string_view passwd, uint32_t uid) {
    LineReader lines(passwd);
    for (std::string_view line; lines.next(line);) {
        // name:pw:uid:gid:gecos:home:shell
        std::vector<std::string_view> f;
        size_t start = 0;
        for (size_t i = 0; i <= line.size() && f.size() < 7; ++i)
            if (i == line.size() || line[i] == ':') f.push_back(line.substr(start, i - start)), start = i + 1;
        if (f.size() < 6) continue;
        uint64_t u = 0;
        std::string_view us = f[2];
        if (!take_u64(us, u) || !us.empty() || u != uid) continue;
        if (!f[5].empty() && f[5][0] == '/') return std::string(f[5]);
    }
    return "";
}

std::vector<std::string> lines_naming(std::string_view text, const std::string& exe) {
    std::vector<std::string> out;
    if (exe.empty() || exe[0] != '/') return out;
    std::string name = exe.substr(exe.rfind('/') + 1);
    bool by_name = name.size() >= 4;
    LineReader lines(text);
    for (std::string_view line; lines.next(line) && out.size() < 5;) {
        bool hit = line.find(exe) != std::string_view::npos;
        if (!hit && by_name) {
            size_t p = line.find(name);
            // the file name as a word of its own, not part of a longer one
            while (p != std::string_view::npos && !hit) {
                char before = p ? line[p - 1] : ' ', after = p + name.size() < line.size() ? line[p + name.size()] : ' ';
                auto wordy = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
                hit = !wordy(before) && !wordy(after);
                p = line.find(name, p + 1);
            }
        }
        if (hit) out.push_back(fmt::format("{}: {}", lines.number(), clip_evidence(trim(line, " \t\r"), 200)));
    }
    return out;
}

uint64_t socket_inode_of_net_line(std::string_view line) {
    std::vector<std::string_view> f = split_whitespace(line);
    // unix: "Num RefCount Protocol Flags Type St Inode Path"; inet: inode is the 10th field
    size_t idx = f.size() >= 10 && f[1].find(':') != std::string_view::npos ? 9 : 6;
    if (f.size() <= idx) return 0;
    std::string_view s = f[idx];
    uint64_t v = 0;
    if (!take_u64(s, v) || !s.empty()) return 0;
    return v;
}

}  // namespace mr
