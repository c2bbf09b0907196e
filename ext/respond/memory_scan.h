// Memory IOC scanning for an evidence snapshot, pure: which regions of /proc/PID/maps to read
// (readable, at most 64 MiB each, at most 256 MiB in all) and which IOC hits a buffer holds
// (stratum URLs, listed pool names and addresses, wallets). Only the hits are kept, with their
// region and offset: raw memory never leaves the process (it may hold anyone's secrets).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "respond/manifest.h"
#include "respond/snapshot_limits.h"

namespace mr {

class RuleSet;

struct MapRegion {
    uint64_t start = 0, end = 0;
    std::string perms;   // "r-xp"
    uint64_t offset = 0;
    std::string path;    // "[heap]", "/usr/lib/x.so", "" (anonymous)
    uint64_t size() const { return end - start; }
    // "7f12a000-7f12b000 rw-p [heap]" (the path clipped): how a hit names its region.
    std::string label() const;
};

// One line of /proc/PID/maps; false for anything else.
bool parse_maps_line(std::string_view line, MapRegion& out);
std::vector<MapRegion> parse_maps(std::string_view text);

// The regions to read, in reading order (heap and stack, then anonymous, then file-backed, each
// in address order), within limits.region_bytes each and limits.memory_bytes in all. The rest
// goes to `skipped` with the reason. Never [vvar]/[vsyscall] (reading them faults or is useless).
std::vector<MapRegion> select_regions(const std::vector<MapRegion>& all, const SnapshotLimits& limits,
                                      std::vector<Skipped>& skipped);

struct IocHit {
    std::string kind;    // stratum_url, pool, wallet
    std::string value;   // clipped, attacker-controlled
    std::string region;  // MapRegion::label()
    uint64_t offset = 0; // from the region's start
    int count = 1;       // times this kind+value was seen in all
};

class IocHits {
public:
    explicit IocHits(size_t max_kept = 200) : max_(max_kept) {}
    // Scans `buf`, which is memory of `region` starting at `offset` from its start. A hit across
    // two buffers is found when the caller overlaps them (kOverlap bytes); duplicates of a
    // kind+value only raise its count.
    void scan(std::string_view buf, const MapRegion& region, uint64_t offset, const RuleSet& rules);
    const std::vector<IocHit>& hits() const { return hits_; }
    // One line per hit: "kind value region +0xOFFSET (N times)".
    std::string text() const;
    static constexpr size_t kOverlap = 256;

private:
    void add(std::string kind, std::string_view value, const MapRegion& region, uint64_t offset);
    size_t max_;
    std::vector<IocHit> hits_;
};

}  // namespace mr
