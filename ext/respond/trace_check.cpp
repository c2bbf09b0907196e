#include "respond/trace_check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include "collect/proc_parse.h"
#include "respond/read_prefix.h"
#include "util/file_io.h"
#include "util/sha256.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"

namespace mr {

std::string format_trace_baseline(const TraceBaseline& b) {
    std::string o = "# miningrisk recovery baseline v1: what verified recovery checks is gone\n";
    o += encode_kv_line({{"kind", "exe"}, {"sha256", b.sha256}, {"size", std::to_string(b.size)}, {"path", b.exe_path}}) + "\n";
    for (const auto& l : b.persistence)
        o += encode_kv_line({{"kind", "persistence"}, {"file", l.file}, {"line", l.text}}) + "\n";
    return o;
}

std::vector<TraceBaseline::Line> baseline_lines(const std::string& file, std::string_view text,
                                                const std::vector<std::string>& evidence,
                                                const std::vector<std::string>& naming_exe) {
    std::set<long> wanted;
    for (const std::string& e : evidence) {
        if (e.compare(0, file.size() + 1, file + ":") != 0) continue;
        long n = std::strtol(e.c_str() + file.size() + 1, nullptr, 10);
        if (n > 0) wanted.insert(n);
    }
    // lines_naming() gives "N: text"
    for (const std::string& l : naming_exe) {
        long n = std::strtol(l.c_str(), nullptr, 10);
        if (n > 0) wanted.insert(n);
    }
    std::vector<TraceBaseline::Line> out;
    bool all = file == "/etc/ld.so.preload";
    LineReader lines(text);
    for (std::string_view l; lines.next(l);) {
        std::string t(trim(l));
        if (t.empty() || t[0] == '#' || t.size() > 2000) continue;
        if (all || wanted.count(static_cast<long>(lines.number()))) out.push_back({file, t});
    }
    return out;
}

TraceBaseline parse_trace_baseline(const std::string& text) {
    TraceBaseline b;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        if (line.empty() || line[0] == '#') continue;
        KvRecord r = parse_kv_line(line);
        std::string kind = kv_get(r, "kind");
        if (kind == "exe") {
            b.sha256 = kv_get(r, "sha256");
            if (b.sha256.size() != 64 || b.sha256.find_first_not_of("0123456789abcdef") != std::string::npos) b.sha256.clear();
            b.size = std::strtoull(kv_get(r, "size", "0").c_str(), nullptr, 10);
            b.exe_path = kv_get(r, "path");
        } else if (kind == "persistence" && b.persistence.size() < 50) {
            TraceBaseline::Line l{kv_get(r, "file"), std::string(trim(kv_get(r, "line")))};
            if (!l.file.empty() && l.file[0] == '/' && !l.text.empty()) b.persistence.push_back(std::move(l));
        }
    }
    return b;
}

namespace {

std::string under(const std::string& root, const std::string& abs) {
    return root.empty() || root == "/" ? abs : root + abs;
}

// sha256 of an open file if its size is `size` (and at most `max`); "" otherwise.
std::string hash_if_size(int fd, uint64_t size, size_t max) {
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != size ||
        size > max)
        return "";
    Sha256 h;
    char buf[65536];
    uint64_t total = 0;
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
        h.update(buf, static_cast<size_t>(n));
        total += static_cast<uint64_t>(n);
        if (total > max) return "";
    }
    return total == size ? h.hex() : "";
}

// "web01-20261203T061013Z-4316" -> its time, when it is one of `host`'s; -1 otherwise.
int64_t snapshot_time(const std::string& name, const std::string& host) {
    if (name.size() < host.size() + 18 || name.compare(0, host.size() + 1, host + "-") != 0) return -1;
    std::string stamp = name.substr(host.size() + 1, 16);
    struct tm tm {};
    const char* end = strptime(stamp.c_str(), "%Y%m%dT%H%M%SZ", &tm);
    if (!end || *end != '\0' || name[host.size() + 17] != '-') return -1;
    return static_cast<int64_t>(timegm(&tm));
}

struct Wanted {
    std::map<std::string, uint64_t> sha_size;               // sha256 -> size
    std::map<std::string, std::string> path_sha;            // exe path -> sha256
    std::map<std::pair<std::string, std::string>, std::string> lines;  // (file, line) -> sha256
    std::vector<std::string> without_baseline;              // snapshots with no recovery.txt
};

Wanted gather(const TraceCheckRequest& req) {
    Wanted w;
    for (const std::string& name : list_dir_names(req.evidence_dir, 10000)) {
        int64_t t = snapshot_time(name, req.host);
        if (t < 0 || t < req.since) continue;
        std::string path = req.evidence_dir + "/" + name + "/" + kTraceBaselineFile;
        struct stat st {};
        std::string text;
        if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !read_prefix_into(path, text, 1u << 20)) {
            w.without_baseline.push_back(name);
            continue;
        }
        TraceBaseline b = parse_trace_baseline(text);
        if (!b.sha256.empty()) {
            w.sha_size[b.sha256] = b.size;
            if (!b.exe_path.empty() && b.exe_path[0] == '/') w.path_sha[b.exe_path] = b.sha256;
        }
        for (auto& l : b.persistence) w.lines[{l.file, l.text}] = b.sha256;
    }
    return w;
}

std::string comm_of(const TraceCheckRequest& req, const std::string& pid) {
    std::string c;
    read_prefix_into(req.proc_root + "/" + pid + "/comm", c, 64);
    return std::string(trim(c, " \n"));
}

void check_running(const TraceCheckRequest& req, const Wanted& w, std::vector<RecoveryItem>& out) {
    if (w.sha_size.empty()) return;
    std::map<std::string, std::string> seen;  // sha256 -> "pid N (comm)"
    int unreadable = 0;
    for (const std::string& pid : list_dir_names(req.proc_root)) {
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        int fd = open((req.proc_root + "/" + pid + "/exe").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            unreadable += errno == EACCES || errno == EPERM;
            continue;  // kernel threads have no exe; a process may have ended
        }
        struct stat st {};
        if (fstat(fd, &st) == 0)
            for (const auto& [sha, size] : w.sha_size) {
                if (static_cast<uint64_t>(st.st_size) != size || seen.count(sha)) continue;
                lseek(fd, 0, SEEK_SET);
                if (hash_if_size(fd, size, req.max_hash_bytes) == sha) seen[sha] = "pid " + pid + " (" + comm_of(req, pid) + ")";
            }
        close(fd);
    }
    for (const auto& [sha, size] : w.sha_size) {
        RecoveryItem it{"running", sha, TracePresence::gone, "", sha};
        if (auto s = seen.find(sha); s != seen.end()) {
            it.presence = TracePresence::present;
            it.detail = s->second;
        } else if (unreadable > 0) {
            // Even root cannot open some (a sandbox's own init): named, not held against the
            // host; the miner rules still see those processes.
            it.detail = std::to_string(unreadable) + " processes' executables unreadable, not hashed";
        }
        out.push_back(std::move(it));
    }
}

void check_files(const TraceCheckRequest& req, const Wanted& w, std::vector<RecoveryItem>& out) {
    for (const auto& [path, sha] : w.path_sha) {
        RecoveryItem it{"file", path, TracePresence::gone, "", sha};
        int fd = open(under(req.root, path).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {  // a symlink there is no copy of it
                it.presence = TracePresence::unknown;
                it.detail = std::strerror(errno);
            }
        } else {
            if (hash_if_size(fd, w.sha_size.at(sha), req.max_hash_bytes) == sha) it.presence = TracePresence::present;
            close(fd);
        }
        out.push_back(std::move(it));
    }
}

void check_persistence(const TraceCheckRequest& req, const Wanted& w, std::vector<RecoveryItem>& out) {
    std::map<std::string, std::pair<bool, std::string>> files;  // path -> (readable, text)
    for (const auto& [key, sha] : w.lines) {
        const auto& [file, line] = key;
        RecoveryItem it{"persistence", file + ": " + line, TracePresence::gone, "", sha};
        auto f = files.find(file);
        if (f == files.end()) {
            std::string text;
            std::string p = under(req.root, file);
            struct stat st {};
            bool exists = lstat(p.c_str(), &st) == 0;
            int err = errno;
            bool ok = !exists ? (err == ENOENT || err == ENOTDIR) : read_prefix_into(p, text, 4u << 20);
            f = files.emplace(file, std::make_pair(ok, ok ? text : std::string(exists ? "unreadable" : std::strerror(err))))
                    .first;
        }
        if (!f->second.first) {
            it.presence = TracePresence::unknown;
            it.detail = f->second.second;
        } else {
            LineReader lines(f->second.second);
            for (std::string_view l; lines.next(l);)
                if (trim(l) == line) it.presence = TracePresence::present;
        }
        out.push_back(std::move(it));
    }
}

}  // namespace

std::vector<RecoveryItem> check_traces(const TraceCheckRequest& req) {
    Wanted w = gather(req);
    std::vector<RecoveryItem> out;
    check_running(req, w, out);
    check_files(req, w, out);
    check_persistence(req, w, out);
    for (const std::string& s : w.without_baseline)
        out.push_back({"snapshot", s, TracePresence::unknown, "no " + std::string(kTraceBaselineFile) + " in it (older helper)", ""});
    return out;
}

}  // namespace mr
