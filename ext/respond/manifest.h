// manifest.json and SHA256SUMS of an evidence snapshot: pure text building. Every file of the
// snapshot is listed with its size, sha256, where it came from and whether it was cut; the
// manifest also names the previous snapshot's manifest digest (a hash chain: removing or editing
// an earlier snapshot breaks the chain the server has on record).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

struct Artefact {
    std::string path;       // relative to the snapshot directory
    uint64_t size = 0;      // bytes stored
    std::string sha256;     // of the stored bytes
    std::string source;     // "/proc/4316/maps", "/proc/4316/exe (byte-swapped)", "generated"
    bool truncated = false;
    int64_t time = 0;       // unix seconds when it was read
};

struct Skipped {
    std::string what;       // "/proc/4316/environ", "memory 7f..-7f.. [heap]"
    std::string reason;     // "deadline", "over the 96 MiB total", "permission denied"
};

struct ManifestInfo {
    std::string tool;            // "miningrisk-snapshot/0.1.0"
    std::string host;
    std::string boot_id;
    int pid = 0;
    uint64_t start_ticks = 0;
    int64_t created = 0;         // unix seconds
    std::string trigger;
    std::string prev_manifest;   // "" for the first snapshot of this host
    std::string exe_sha256;      // of the original bytes (before the swap)
    uint64_t exe_size = 0;
    uint64_t memory_bytes_read = 0;
    int memory_regions = 0;
    int ioc_hits = 0;
    double seconds = 0;
};

// JSON string body for arbitrary bytes: quotes, backslash, control and non-ASCII bytes escaped
// (non-ASCII as \u00XX, one per byte: paths are bytes, not UTF-8).
std::string json_escape(std::string_view s);

std::string build_manifest_json(const ManifestInfo& info, const std::vector<Artefact>& files,
                                const std::vector<Skipped>& skipped);

// "HASH  PATH\n" per file, as `sha256sum -c` reads it (a path with a newline or backslash gets
// the "\" prefix form sha256sum uses). Sorted by path.
std::string build_sha256sums(std::vector<Artefact> files);

// The UTC name part of a snapshot directory: "20261203T061502Z".
std::string utc_stamp(int64_t t);

}  // namespace mr
