#include "respond/read_prefix.h"
#include "respond/evidence_snapshot.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <set>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "respond/byte_swap.h"
#include "respond/manifest.h"
#include "respond/memory_scan.h"
#include "respond/snapshot_plan.h"
#include "respond/trace_check.h"
#include "rules/persistence_rules.h"
#include "rules/rules.h"
#include "util/file_io.h"
#include "util/sha256.h"
#include "util/text_util.h"

namespace mr {

namespace {

using Clock = std::chrono::steady_clock;

// Magic numbers of file systems that are not local (statfs f_type): never read from them, a hung
// server must not hang the snapshot, and their files are not this host's evidence.
bool network_fs(long type) {
    switch (static_cast<unsigned long>(type)) {
        case 0x6969:      // NFS
        case 0xFF534D42:  // CIFS
        case 0xFE534D42:  // SMB2
        case 0x517B:      // SMB
        case 0x564c:      // NCP
        case 0x65735546:  // FUSE (sshfs and the like)
        case 0x01021997:  // 9P
        case 0x00c36400:  // CEPH
        case 0x47504653:  // GPFS
        case 0x0BD00BD0:  // Lustre
            return true;
        default:
            return false;
    }
}

std::string errno_text() { return std::strerror(errno); }

class SnapshotWriter {
public:
    SnapshotWriter(const SnapshotRequest& req, std::string dir)
        : req_(req), dir_(std::move(dir)), deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                         std::chrono::duration<double>(req.limits.wall_seconds))) {}

    bool out_of_time() const { return Clock::now() >= deadline_; }
    std::vector<Artefact>& files() { return files_; }
    std::vector<Skipped>& skipped() { return skipped_; }
    uint64_t total() const { return total_; }
    int64_t now() const { return req_.now ? req_.now : static_cast<int64_t>(std::time(nullptr)); }

    void skip(std::string what, std::string reason) {
        if (skipped_.size() < 500) skipped_.push_back({std::move(what), std::move(reason)});
    }

    // Stores `data` as `rel`; false (and a Skipped entry) when a bound says no.
    bool put(const std::string& rel, const std::string& data, const std::string& source, bool truncated = false,
             bool bounded = true) {
        if (bounded && out_of_time()) return skip(source, "over the wall time bound"), false;
        if (bounded && total_ + data.size() > req_.limits.total_bytes)
            return skip(source, fmt::format("over the {} MiB total", req_.limits.total_bytes >> 20)), false;
        std::string path = dir_ + "/" + rel;
        if (!make_parents(rel)) return skip(source, "cannot create its directory: " + errno_text()), false;
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) return skip(source, "cannot write " + rel + ": " + errno_text()), false;
        size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::write(fd, data.data() + done, data.size() - done);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                ::close(fd);
                return skip(source, "write failed: " + errno_text()), false;
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
        total_ += data.size();
        files_.push_back({rel, data.size(), sha256_hex(data), source, truncated, now()});
        return true;
    }

    // A text file of the proc root or the host, bounded; a file that cannot be read is skipped
    // with the reason. `nofollow`: the host's own files are never followed through a symlink.
    bool copy_text(const std::string& abs, const std::string& rel, const std::string& source, bool nofollow) {
        if (out_of_time()) return skip(source, "over the wall time bound"), false;
        int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
        if (fd < 0) {
            if (errno == ENOENT) return false;  // absent: nothing to record
            return skip(source, errno == ELOOP ? std::string("a symlink (recorded, not followed)") : errno_text()), false;
        }
        struct stat st {};
        struct statfs sf {};
        if (nofollow && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
            ::close(fd);
            return skip(source, "not a regular file"), false;
        }
        if (nofollow && fstatfs(fd, &sf) == 0 && network_fs(sf.f_type)) {
            ::close(fd);
            return skip(source, "on a network file system"), false;
        }
        std::string data;
        data.resize(req_.limits.text_bytes + 1);
        size_t got = 0;
        while (got < data.size()) {
            ssize_t n = ::read(fd, data.data() + got, data.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                if (n < 0 && got == 0) {
                    std::string why = errno_text();
                    ::close(fd);
                    return skip(source, why), false;
                }
                break;
            }
            got += static_cast<size_t>(n);
        }
        ::close(fd);
        data.resize(got);
        bool cut = data.size() > req_.limits.text_bytes;
        if (cut) data.resize(req_.limits.text_bytes);
        return put(rel, data, source, cut);
    }

private:
    bool make_parents(const std::string& rel) {
        size_t pos = 0;
        while ((pos = rel.find('/', pos)) != std::string::npos) {
            std::string d = dir_ + "/" + rel.substr(0, pos);
            if (made_.insert(d).second && ::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST) return false;
            ++pos;
        }
        return true;
    }
    const SnapshotRequest& req_;
    std::string dir_;
    Clock::time_point deadline_;
    std::vector<Artefact> files_;
    std::vector<Skipped> skipped_;
    std::set<std::string> made_;
    uint64_t total_ = 0;
};

std::string proc_path(const SnapshotRequest& req, int pid, const std::string& rel) {
    return req.proc_root + "/" + std::to_string(pid) + (rel.empty() ? "" : "/" + rel);
}

bool read_stat(const SnapshotRequest& req, int pid, StatFields& st) {
    std::string text;
    return read_prefix_into(proc_path(req, pid, "stat"), text, 4096) && parse_stat(text, st);
}

// "name -> target" for each link, and the fd table with the socket inodes it holds.
void record_links(SnapshotWriter& w, const SnapshotRequest& req, int pid, std::vector<uint64_t>* sockets) {
    std::string links;
    std::string target;
    for (const char* l : kProcLinks) {
        std::string p = proc_path(req, pid, l);
        if (readlink_at(AT_FDCWD, p.c_str(), target)) links += std::string(l) + " -> " + target + "\n";
        else links += std::string(l) + " (unreadable: " + errno_text() + ")\n";
    }
    w.put("proc/" + std::to_string(pid) + "/links.txt", links, proc_path(req, pid, "{exe,cwd,root,ns/*}"));
    std::vector<int> fds;
    std::string fd_dir = proc_path(req, pid, "fd");
    if (!list_numeric_at(AT_FDCWD, fd_dir.c_str(), fds)) {
        w.skip(fd_dir, errno_text());
        return;
    }
    std::sort(fds.begin(), fds.end());
    std::string text;
    size_t n = 0;
    for (int fd : fds) {
        if (++n > req.limits.max_fds) {
            w.skip(fd_dir, fmt::format("only the first {} fds recorded", req.limits.max_fds));
            break;
        }
        std::string p = fd_dir + "/" + std::to_string(fd);
        if (!readlink_at(AT_FDCWD, p.c_str(), target)) continue;
        text += std::to_string(fd) + " -> " + target + "\n";
        if (sockets)
            if (uint64_t ino = parse_socket_link(target)) sockets->push_back(ino);
    }
    w.put("proc/" + std::to_string(pid) + "/fds.txt", text, fd_dir + "/*");
}

void record_process(SnapshotWriter& w, const SnapshotRequest& req, int pid, std::vector<uint64_t>* sockets) {
    for (const char* f : kProcFiles)
        w.copy_text(proc_path(req, pid, f), "proc/" + std::to_string(pid) + "/" + f, proc_path(req, pid, f), false);
    record_links(w, req, pid, sockets);
}

void record_threads(SnapshotWriter& w, const SnapshotRequest& req, int pid) {
    std::vector<int> tids;
    std::string task = proc_path(req, pid, "task");
    if (!list_numeric_at(AT_FDCWD, task.c_str(), tids)) return w.skip(task, errno_text());
    std::sort(tids.begin(), tids.end());
    if (tids.size() > req.limits.max_threads) {
        w.skip(task, fmt::format("only the first {} of {} threads", req.limits.max_threads, tids.size()));
        tids.resize(req.limits.max_threads);
    }
    for (int tid : tids) {
        std::string rel = "task/" + std::to_string(tid) + "/stat";
        w.copy_text(proc_path(req, pid, rel), "proc/" + std::to_string(pid) + "/" + rel, proc_path(req, pid, rel), false);
    }
}

// The suspect's own network namespace's tables, and the lines of the sockets it holds.
void record_network(SnapshotWriter& w, const SnapshotRequest& req, int pid, const std::vector<uint64_t>& inodes) {
    std::string mapped;
    for (const char* t : kNetTables) {
        std::string abs = proc_path(req, pid, std::string("net/") + t), text;
        if (!read_prefix_into(abs, text, w.out_of_time() ? 0 : (8u << 20))) continue;
        bool cut = text.size() > req.limits.text_bytes;
        w.put(std::string("net/") + t, cut ? text.substr(0, req.limits.text_bytes) : text, abs, cut);
        LineReader lines(text);
        for (std::string_view line; lines.next(line);) {
            uint64_t ino = socket_inode_of_net_line(line);
            if (ino && std::find(inodes.begin(), inodes.end(), ino) != inodes.end())
                mapped += std::string(t) + " " + std::string(line) + "\n";
        }
    }
    w.put("net/sockets-of-pid.txt", mapped, "generated: lines of net/* whose inode is one of the fds in proc/" +
                                                std::to_string(pid) + "/fds.txt");
}

// The executable, byte-swapped; returns the sha256 of the original bytes.
std::string record_exe(SnapshotWriter& w, const SnapshotRequest& req, int pid, uint64_t& size) {
    std::string src = proc_path(req, pid, "exe");
    int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return w.skip(src, errno_text()), "";
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return w.skip(src, "not a regular file"), "";
    }
    if (static_cast<uint64_t>(st.st_size) > req.limits.exe_bytes) {
        ::close(fd);
        return w.skip(src, fmt::format("{} bytes, over the {} MiB bound", st.st_size, req.limits.exe_bytes >> 20)), "";
    }
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::pread(fd, data.data() + got, data.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    size = data.size();
    std::string sha = sha256_hex(data);
    swap_byte_pairs(data.data(), data.size());
    if (!w.put("exe/exe.swab", data, src + " (byte pairs swapped; dd conv=swab restores it)")) return "";
    w.put("exe/exe.sha256", sha + "  exe\n", "generated: sha256 of the original bytes");
    return sha;
}

struct MemoryResult {
    IocHits hits;
    uint64_t bytes = 0;
    int regions = 0;
    explicit MemoryResult(size_t max) : hits(max) {}
};

// Reads the selected regions through /proc/PID/mem (no ptrace stop: the process keeps running)
// in chunks, keeping only IOC hits.
void scan_memory(SnapshotWriter& w, const SnapshotRequest& req, int pid, MemoryResult& m) {
    std::string maps;
    if (!read_prefix_into(proc_path(req, pid, "maps"), maps, 8u << 20)) return w.skip(proc_path(req, pid, "maps"), errno_text());
    std::vector<Skipped> skipped;
    std::vector<MapRegion> regions = select_regions(parse_maps(maps), req.limits, skipped);
    for (auto& s : skipped) w.skip(s.what, s.reason);
    std::string mem = proc_path(req, pid, "mem");
    int fd = ::open(mem.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return w.skip(mem, errno_text());
    constexpr size_t kChunk = 1u << 20;
    std::string buf(kChunk + IocHits::kOverlap, '\0');
    for (const MapRegion& r : regions) {
        if (w.out_of_time()) {
            w.skip("memory " + r.label(), "over the wall time bound");
            continue;
        }
        ++m.regions;
        uint64_t off = 0;
        size_t carry = 0;  // bytes of the previous chunk kept in front: a hit across the edge
        while (off < r.size()) {
            size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, r.size() - off));
            ssize_t n = ::pread(fd, buf.data() + carry, want, static_cast<off_t>(r.start + off));
            if (n <= 0) break;  // unmapped meanwhile, or not readable after all
            m.bytes += static_cast<uint64_t>(n);
            size_t len = carry + static_cast<size_t>(n);
            m.hits.scan(std::string_view(buf.data(), len), r, off - carry, *req.rules);
            off += static_cast<uint64_t>(n);
            size_t keep = std::min(IocHits::kOverlap, len);
            std::memmove(buf.data(), buf.data() + len - keep, keep);
            carry = keep;
            if (w.out_of_time()) break;
        }
    }
    ::close(fd);
    w.put("memory/ioc-hits.txt", m.hits.text(),
          fmt::format("generated: IOC hits in {} regions ({} bytes read) of {}; raw memory is never stored", m.regions,
                      m.bytes, mem));
}

// "mode uid gid size mtime path [-> target]" for each entry under `dir`, lstat only, depth 3.
void list_dir(SnapshotWriter& w, const SnapshotRequest& req, const std::string& dir, const std::string& rel) {
    if (w.out_of_time()) return w.skip(dir, "over the wall time bound");
    struct statfs sf {};
    if (statfs(dir.c_str(), &sf) == 0 && network_fs(sf.f_type)) return w.skip(dir, "on a network file system");
    std::string out;
    size_t n = 0;
    std::function<void(const std::string&, int)> walk = [&](const std::string& d, int depth) {
        for (const std::string& name : list_dir_names(d)) {
            if (++n > req.limits.max_listing_entries) return;
            std::string p = d + "/" + name;
            struct stat st {};
            if (lstat(p.c_str(), &st) != 0) continue;
            out += fmt::format("{:o} {} {} {} {} {}", st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime,
                               clip_evidence(p, 1024));
            std::string target;
            if (S_ISLNK(st.st_mode) && readlink_at(AT_FDCWD, p.c_str(), target)) out += " -> " + clip_evidence(target, 1024);
            out += "\n";
            if (S_ISDIR(st.st_mode) && depth < 3) walk(p, depth + 1);
        }
    };
    walk(dir, 1);
    if (n > req.limits.max_listing_entries) w.skip(dir, fmt::format("listing cut at {} entries", req.limits.max_listing_entries));
    bool cut = out.size() > req.limits.text_bytes;
    w.put("host/listings/" + rel, cut ? out.substr(0, req.limits.text_bytes) : out, "stat-only listing of " + dir, cut);
}

std::string host_path(const SnapshotRequest& req, const std::string& abs) {
    return req.root == "/" ? abs : req.root + abs;
}

// Copies a host file (regular, not through a symlink, local) to host/files/PATH.
// A symlink is recorded ("path -> target" in `links`), never followed.
bool copy_host_file(SnapshotWriter& w, const SnapshotRequest& req, const std::string& abs, std::string& links) {
    struct stat st {};
    std::string target;
    if (lstat(host_path(req, abs).c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        if (readlink_at(AT_FDCWD, host_path(req, abs).c_str(), target)) links += abs + " -> " + target + "\n";
        return false;
    }
    return w.copy_text(host_path(req, abs), "host/files" + abs, abs, true);
}

// Regular files directly in `dir` (and one level down, for unit drop-ins), optionally only
// those changed since `since`.
std::vector<std::string> files_in(const SnapshotRequest& req, const std::string& dir, int64_t since, int depth = 1) {
    std::vector<std::string> out;
    for (const std::string& name : list_dir_names(host_path(req, dir))) {
        std::string abs = dir + "/" + name;
        struct stat st {};
        if (lstat(host_path(req, abs).c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && depth < 2) {
            auto sub = files_in(req, abs, since, depth + 1);
            out.insert(out.end(), sub.begin(), sub.end());
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && (since == 0 || st.st_mtime >= since)) {
            out.push_back(abs);
        }
        if (out.size() > 512) break;
    }
    return out;
}

void record_host(SnapshotWriter& w, const SnapshotRequest& req, int pid, uint32_t uid, std::string& boot_id,
                 std::vector<std::string>& persistence, const std::string& exe_path,
                 std::vector<TraceBaseline::Line>& baseline) {
    for (const auto& [src, rel] : kHostProcFiles) {
        std::string abs = req.proc_root + "/" + src;
        w.copy_text(abs, "host/" + std::string(rel), abs, false);
    }
    read_prefix_into(req.proc_root + "/sys/kernel/random/boot_id", boot_id, 64);
    boot_id = std::string(trim(boot_id, " \n"));
    std::string msr = access(host_path(req, "/sys/module/msr").c_str(), F_OK) == 0 ? "msr module loaded\n" : "msr module not loaded\n";
    std::string aw;
    if (read_prefix_into(host_path(req, "/sys/module/msr/parameters/allow_writes"), aw, 64)) msr += "allow_writes " + aw;
    w.put("host/msr.txt", msr, "/sys/module/msr");
    std::vector<std::string> copy = {"/etc/ld.so.preload"};
    for (const char* f : kCronFiles) copy.push_back(f);
    for (const char* d : kCronDirs)
        for (auto& f : files_in(req, d, 0)) copy.push_back(f);
    int64_t month_ago = w.now() - 30 * 86400;
    for (const char* d : kSystemdDirs)
        for (auto& f : files_in(req, d, month_ago)) copy.push_back(f);
    std::string passwd;
    read_prefix_into(host_path(req, "/etc/passwd"), passwd, 4u << 20);
    std::string home = home_from_passwd(passwd, uid);
    std::vector<std::string> homes = {"/root"};
    if (!home.empty() && home != "/root" && home != "/") homes.push_back(home);
    for (const std::string& h : homes) {
        for (const char* k : kKeyFiles) copy.push_back(h + "/" + k);
        for (auto& f : files_in(req, h + "/.config/systemd/user", month_ago)) copy.push_back(f);
    }
    std::string links;
    for (const std::string& abs : copy) {
        size_t before = w.files().size();
        if (!copy_host_file(w, req, abs, links) || w.files().size() == before) continue;
        // persistence: what the rules flag, and any line naming the suspect's executable
        std::string text;
        read_prefix_into(host_path(req, abs), text, req.limits.text_bytes);
        std::vector<Signal> sig;
        if (req.rules) check_persistence_text(text, abs, *req.rules, sig);
        std::vector<std::string> flagged;
        for (auto& s : sig) persistence.push_back(s.evidence), flagged.push_back(s.evidence);
        if (abs == "/etc/ld.so.preload" && !trim(text, " \n").empty())
            persistence.push_back("/etc/ld.so.preload: " + clip_evidence(trim(text, " \n"), 120));
        std::vector<std::string> naming = lines_naming(text, exe_path);
        for (const std::string& line : naming) persistence.push_back(abs + ": " + line);
        // what verified recovery will check is gone (respond/trace_check.h)
        for (auto& l : baseline_lines(abs, text, flagged, naming))
            if (baseline.size() < 50) baseline.push_back(std::move(l));
    }
    if (!links.empty()) w.put("host/symlinks.txt", links, "generated: symlinks among the host files (not followed)");
    list_dir(w, req, host_path(req, "/tmp"), "tmp.txt");
    list_dir(w, req, host_path(req, "/var/tmp"), "var-tmp.txt");
    list_dir(w, req, host_path(req, "/dev/shm"), "dev-shm.txt");
    list_dir(w, req, proc_path(req, pid, "cwd"), "cwd.txt");
}

std::string join(const std::vector<std::string>& v, size_t max_items, size_t max_bytes) {
    std::string o;
    for (size_t i = 0; i < v.size() && i < max_items; ++i) {
        if (o.size() > max_bytes) break;
        o += (o.empty() ? "" : "; ") + v[i];
    }
    if (v.size() > max_items) o += fmt::format("; +{} more", v.size() - max_items);
    return o;
}

}  // namespace

SnapshotRecord take_evidence_snapshot(const SnapshotRequest& req) {
    const auto t0 = Clock::now();
    SnapshotRecord rec;
    rec.pid = req.pid;
    rec.start_ticks = req.start_ticks;
    rec.trigger = req.trigger;
    rec.time = req.now ? req.now : static_cast<int64_t>(std::time(nullptr));
    StatFields st;
    if (req.pid <= 1 || !read_stat(req, req.pid, st)) {
        rec.status = req.pid <= 1 ? "refused: not a process to snapshot" : "process gone";
        return rec;
    }
    if (req.start_ticks && st.start_ticks != req.start_ticks) {
        rec.status = fmt::format("refused: pid {} is another process now (start {} != {})", req.pid, st.start_ticks,
                                 req.start_ticks);
        return rec;
    }
    rec.start_ticks = st.start_ticks;
    rec.comm = st.comm;
    std::string exe_link;
    if (readlink_at(AT_FDCWD, proc_path(req, req.pid, "exe").c_str(), exe_link)) rec.exe = parse_exe_link(exe_link).path;
    std::string status_text;
    StatusFields sf;
    read_prefix_into(proc_path(req, req.pid, "status"), status_text, 64 * 1024);
    parse_status(status_text, sf);

    if (::mkdir(req.evidence_dir.c_str(), 0700) != 0 && errno != EEXIST) {
        rec.status = "cannot create " + req.evidence_dir + ": " + errno_text();
        return rec;
    }
    // Its parent may belong to user xymon: root works only in an evidence directory that is a
    // real directory of its own (not a symlink, not replaced by someone else's), entered by its
    // descriptor so that a rename of the path afterwards cannot redirect the writes.
    Fd evfd(::open(req.evidence_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat evst {};
    if (!evfd.ok() || fstat(evfd.get(), &evst) != 0) {
        rec.status = "cannot open " + req.evidence_dir + ": " + errno_text();
        return rec;
    }
    if (evst.st_uid != geteuid()) {
        rec.status = "refused: " + req.evidence_dir + " belongs to uid " + std::to_string(evst.st_uid);
        return rec;
    }
    fchmod(evfd.get(), 0700);
    Fd old_cwd(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fchdir(evfd.get()) != 0) {
        rec.status = "cannot enter " + req.evidence_dir + ": " + errno_text();
        return rec;
    }
    struct CwdBack {
        int fd;
        ~CwdBack() { if (fd >= 0 && fchdir(fd) != 0) { /* nothing more to do */ } }
    } back{old_cwd.get()};
    std::string base = snapshot_dir_name(req.host, rec.time, req.pid);
    std::string dir = base;
    for (int i = 2; ::mkdir(dir.c_str(), 0700) != 0; ++i) {
        if (errno != EEXIST || i > 50) {
            rec.status = "cannot create " + req.evidence_dir + "/" + dir + ": " + errno_text();
            return rec;
        }
        dir = base + "-" + std::to_string(i);
    }
    rec.id = dir;

    SnapshotWriter w(req, dir);
    // The suspect first (what matters most if the time runs out), then its threads, sockets,
    // executable and memory, then its ancestors, then the host.
    std::vector<uint64_t> sockets;
    record_process(w, req, req.pid, &sockets);
    record_threads(w, req, req.pid);
    record_network(w, req, req.pid, sockets);
    uint64_t exe_size = 0;
    rec.sha256 = record_exe(w, req, req.pid, exe_size);
    MemoryResult mem(req.limits.max_ioc_hits);
    if (req.rules) scan_memory(w, req, req.pid, mem);
    std::vector<std::string> tree = {fmt::format("{} {}", req.pid, clip_evidence(st.comm, 32))};
    std::set<int> seen = {req.pid};
    int parent = st.ppid;
    for (int depth = 0; parent > 0 && depth < req.limits.max_ancestors && seen.insert(parent).second; ++depth) {
        StatFields ps;
        if (!read_stat(req, parent, ps)) break;
        tree.push_back(fmt::format("{} {}", parent, clip_evidence(ps.comm, 32)));
        record_process(w, req, parent, nullptr);
        parent = ps.ppid;
    }
    std::reverse(tree.begin(), tree.end());
    for (const auto& t : tree) rec.tree += (rec.tree.empty() ? "" : " > ") + t;
    std::string boot_id;
    std::vector<std::string> persistence;
    TraceBaseline baseline{dir, rec.sha256, exe_size, rec.exe, {}};
    record_host(w, req, req.pid, sf.has_uid ? sf.uid : 0, boot_id, persistence, rec.exe, baseline.persistence);
    w.put(kTraceBaselineFile, format_trace_baseline(baseline), "generated: the traces verified recovery checks are gone");

    ManifestInfo info;
    info.tool = req.tool;
    info.host = req.host;
    info.boot_id = boot_id;
    info.pid = req.pid;
    info.start_ticks = rec.start_ticks;
    info.created = rec.time;
    info.trigger = req.trigger;
    std::string head;
    if (read_prefix_into(kChainHeadFile, head, 128)) info.prev_manifest = std::string(trim(head, " \n"));
    info.exe_sha256 = rec.sha256;
    info.exe_size = exe_size;
    info.memory_bytes_read = mem.bytes;
    info.memory_regions = mem.regions;
    info.ioc_hits = static_cast<int>(mem.hits.hits().size());
    info.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::string manifest = build_manifest_json(info, w.files(), w.skipped());
    // The manifest and the sums are written whatever the bounds said: without them the rest
    // proves nothing.
    w.put("manifest.json", manifest, "generated", false, false);
    std::string sums = build_sha256sums(w.files());
    std::string err;
    if (Status st = write_file_atomic(dir + "/SHA256SUMS", sums, 0600, true); !st)
        rec.status = "cannot write SHA256SUMS: " + st.error().message;
    rec.manifest_sha256 = sha256_hex(manifest);
    rec.prev_manifest = info.prev_manifest;
    if (Status st = write_file_atomic(kChainHeadFile, rec.manifest_sha256 + "\n", 0600, true); !st)
        rec.status = "cannot update the hash chain: " + st.error().message;
    rec.files = static_cast<int>(w.files().size()) + 1;
    rec.bytes = w.total() + sums.size();
    rec.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    rec.persistence = join(persistence, 10, 1500);
    std::vector<std::string> skipped;
    for (const auto& s : w.skipped()) skipped.push_back(s.what + ": " + s.reason);
    rec.skipped = join(skipped, 10, 1500);
    rec.ioc_hits = info.ioc_hits;
    std::vector<std::string> hits;
    for (const auto& h : mem.hits.hits())
        hits.push_back(fmt::format("{} {} @{}+0x{:x}", h.kind, h.value, h.region, h.offset));
    rec.hits = join(hits, 5, 1000);
    return rec;
}

}  // namespace mr
