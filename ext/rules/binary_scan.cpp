#include "rules/binary_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "rules/rules.h"
#include "util/file_io.h"
#include "util/sha256.h"

namespace mr {
namespace {

constexpr size_t kMaxCacheEntries = 20000;

FileKey key_of(const struct stat& st) {
    FileKey k;
    k.dev = uint64_t(st.st_dev);
    k.ino = uint64_t(st.st_ino);
    k.size = uint64_t(st.st_size);
    k.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return k;
}

}  // namespace

Expected<ScanResult> scan_fd(int fd, const std::vector<BinaryMarker>& markers,
                             const ScanLimits& limits) {
    ScanResult r;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return fail("not a regular file");
    r.key = key_of(st);
    size_t longest = 1;
    for (const BinaryMarker& m : markers) longest = std::max(longest, m.text.size());
    const size_t overlap = longest - 1;
    const size_t chunk = std::max<size_t>(limits.chunk_bytes, 4096);
    const bool hash_whole = uint64_t(st.st_size) <= limits.max_hash_bytes;

    std::vector<bool> found(markers.size(), false);
    size_t found_count = 0;
    Sha256 hash;
    // buf = [overlap carried from the previous chunk][new chunk]
    std::vector<char> buf(overlap + chunk);
    size_t carried = 0;
    uint64_t total = 0;
    for (;;) {
        bool scanning = total < limits.max_scan_bytes && found_count < markers.size();
        if (!scanning && !hash_whole) break;
        ssize_t n = ::read(fd, buf.data() + carried, chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(std::string("read: ") + std::strerror(errno));
        if (n == 0) break;
        if (hash_whole) hash.update(buf.data() + carried, size_t(n));
        if (scanning) {
            size_t len = carried + size_t(n);
            if (total + size_t(n) > limits.max_scan_bytes)
                len = carried + size_t(limits.max_scan_bytes - total);
            for (size_t i = 0; i < markers.size(); ++i) {
                if (found[i]) continue;
                const std::string& m = markers[i].text;
                if (memmem(buf.data(), len, m.data(), m.size())) {
                    found[i] = true;
                    ++found_count;
                }
            }
            // Keep the tail so a marker split across the edge is seen whole next time.
            size_t keep = std::min(overlap, len);
            std::memmove(buf.data(), buf.data() + len - keep, keep);
            carried = keep;
        } else {
            carried = 0;
        }
        total += uint64_t(n);
    }
    for (size_t i = 0; i < markers.size(); ++i)
        if (found[i]) r.markers.push_back(i);
    if (hash_whole) r.sha256 = hash.hex();
    return r;
}

Expected<ScanResult> scan_path(const std::string& path, const std::vector<BinaryMarker>& markers,
                               const ScanLimits& limits) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return fail(path + ": " + std::strerror(errno));
    Expected<ScanResult> r = scan_fd(fd, markers, limits);
    ::close(fd);
    return r;
}

bool marker_signal(const ScanResult& r, const std::vector<BinaryMarker>& markers, Signal& out) {
    if (r.markers.empty()) return false;
    Strength best = Strength::weak;
    int medium = 0;
    std::string names;
    for (size_t i : r.markers) {
        if (i >= markers.size()) continue;
        best = std::max(best, markers[i].strength);
        medium += markers[i].strength >= Strength::medium;
        if (!names.empty()) names += ", ";
        names += markers[i].text;
    }
    if (medium >= 2) best = Strength::strong;
    out.id = "binary_marker";
    out.strength = best;
    out.evidence = clip_evidence("executable contains " + names, 300);
    return true;
}

size_t BinaryScanner::KeyHash::operator()(const FileKey& k) const {
    return std::hash<uint64_t>()(k.ino * 1000003u ^ k.dev ^ k.size * 31u ^ uint64_t(k.mtime_ns));
}

std::string BinaryScanner::markers_id(const std::vector<BinaryMarker>& markers) {
    Sha256 h;
    for (const BinaryMarker& m : markers) {
        h.update(m.text);
        h.update("\n", 1);
    }
    return h.hex().substr(0, 16);
}

Expected<ScanResult> BinaryScanner::scan_process(const std::string& proc_root, int pid,
                                                 const std::vector<BinaryMarker>& markers,
                                                 bool allow_new_scan) {
    std::string id = markers_id(markers);
    if (id != cache_markers_id_) {  // another marker list: old results mean nothing
        cache_.clear();
        cache_markers_id_ = id;
    }
    std::string path = proc_root + "/" + std::to_string(pid) + "/exe";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return fail(path + ": " + std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0) {
        auto it = cache_.find(key_of(st));
        if (it != cache_.end()) {
            ::close(fd);
            return it->second;
        }
    }
    if (!allow_new_scan) {
        ::close(fd);
        return fail("deferred");
    }
    Expected<ScanResult> r = scan_fd(fd, markers, limits_);
    ::close(fd);
    ++scans_;
    if (r) {
        if (cache_.size() >= kMaxCacheEntries) cache_.clear();
        cache_[r->key] = *r;
        dirty_ = true;
    }
    return r;
}

// File: "# miningrisk binary scan cache v1 markers=ID" then one line per file:
// "dev ino size mtime_ns sha256|- idx,idx|-".
void BinaryScanner::load_cache(const std::string& file, const std::vector<BinaryMarker>& markers) {
    // A cache line is under 200 bytes: a file much larger than the cap allows is not ours.
    Expected<std::string> text = read_file(file, kMaxCacheEntries * 256);
    if (!text) return;
    std::istringstream in(*text);
    std::string id = markers_id(markers), line;
    if (!std::getline(in, line) || line != "# miningrisk binary scan cache v1 markers=" + id) return;
    cache_markers_id_ = id;
    size_t n = 0;
    while (std::getline(in, line) && ++n <= kMaxCacheEntries) {
        std::istringstream ls(line);
        ScanResult r;
        std::string sha, idx;
        if (!(ls >> r.key.dev >> r.key.ino >> r.key.size >> r.key.mtime_ns >> sha >> idx)) continue;
        if (sha != "-" && sha.size() != 64) continue;
        r.sha256 = sha == "-" ? "" : sha;
        bool good = true;
        if (idx != "-") {
            std::istringstream is(idx);
            std::string one;
            while (std::getline(is, one, ',')) {
                char* end = nullptr;
                unsigned long v = std::strtoul(one.c_str(), &end, 10);
                if (one.empty() || *end || v >= markers.size()) good = false;
                else r.markers.push_back(v);
            }
        }
        if (!good) continue;
        cache_[r.key] = r;
    }
}

bool BinaryScanner::save_cache(const std::string& file, const std::vector<BinaryMarker>& markers) const {
    std::ostringstream out;
    out << "# miningrisk binary scan cache v1 markers=" << markers_id(markers) << "\n";
    for (const auto& [k, r] : cache_) {
        out << k.dev << ' ' << k.ino << ' ' << k.size << ' ' << k.mtime_ns << ' '
            << (r.sha256.empty() ? "-" : r.sha256) << ' ';
        if (r.markers.empty()) out << '-';
        for (size_t i = 0; i < r.markers.size(); ++i) out << (i ? "," : "") << r.markers[i];
        out << '\n';
    }
    // A lost cache only costs a rescan: no fsync.
    return bool(write_file_atomic(file, out.str(), 0644, false));
}

}  // namespace mr
