// Bounded scan of a process's executable for miner markers (binary-markers.txt), read through
// /proc/PID/exe so a deleted binary still counts. Only the first `max_scan_bytes` are searched,
// streamed in chunks with an overlap so a marker across a chunk edge is still found; the whole
// file (up to `max_hash_bytes`) is hashed with SHA-256 for the evidence. Results are cached by
// file identity (dev, inode, size, mtime) in memory and optionally in a small text file, so a
// long-running process costs one scan, not one per cycle.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/findings.h"
#include "util/expected.h"

namespace mr {

struct BinaryMarker;

struct ScanLimits {
    size_t max_scan_bytes = 16u << 20;
    size_t max_hash_bytes = 64u << 20;   // larger files get no sha256 (evidence only)
    size_t chunk_bytes = 1u << 20;
};

struct FileKey {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileKey& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
    }
};

// What one scan found; a scan that could not read the file is an Error instead.
struct ScanResult {
    FileKey key;
    std::string sha256;                 // "" when the file was larger than max_hash_bytes
    std::vector<size_t> markers;        // indexes into the marker list that were found
};

// Scans an open file (regular files only).
Expected<ScanResult> scan_fd(int fd, const std::vector<BinaryMarker>& markers,
                                       const ScanLimits& limits = {});
Expected<ScanResult> scan_path(const std::string& path, const std::vector<BinaryMarker>& markers,
                               const ScanLimits& limits = {});

// The binary_marker signal for a result: strong if a strong marker or two medium ones were
// found, else the strongest found; false if nothing was found.
bool marker_signal(const ScanResult& r, const std::vector<BinaryMarker>& markers, Signal& out);

class BinaryScanner {
public:
    explicit BinaryScanner(ScanLimits limits = {}) : limits_(limits) {}
    // Scans /proc/PID/exe under proc_root, or returns the cached result for the same file.
    // With allow_new_scan false only a cached result is returned (error "deferred" otherwise):
    // the caller bounds how many new binaries one cycle reads.
    Expected<ScanResult> scan_process(const std::string& proc_root, int pid,
                                      const std::vector<BinaryMarker>& markers,
                                      bool allow_new_scan = true);
    // The optional on-disk cache. Entries made with another marker list are ignored.
    void load_cache(const std::string& file, const std::vector<BinaryMarker>& markers);
    bool save_cache(const std::string& file, const std::vector<BinaryMarker>& markers) const;
    size_t cache_size() const { return cache_.size(); }
    size_t scans_done() const { return scans_; }
    bool dirty() const { return dirty_; }

private:
    struct KeyHash { size_t operator()(const FileKey& k) const; };
    static std::string markers_id(const std::vector<BinaryMarker>& markers);
    ScanLimits limits_;
    std::unordered_map<FileKey, ScanResult, KeyHash> cache_;
    std::string cache_markers_id_;
    size_t scans_ = 0;
    bool dirty_ = false;
};

}  // namespace mr
