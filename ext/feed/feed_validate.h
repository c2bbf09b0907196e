// Validation of a parsed feed before it may replace the last good list: a download that is not a
// plausible list of this feed (empty, binary, mostly garbage, far smaller or larger than before,
// over the limit) or holds an entry that would match everything is refused with a clear reason.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "feed/feed_formats.h"
#include "util/expected.h"

namespace mr {

struct FeedLimits {
    std::size_t min_entries = 1;         // fewer is implausible for this feed
    std::size_t max_entries = 500000;    // hard limit on entries per feed
    std::size_t previous_entries = 0;    // size of the last good list (0: none yet)
    double max_growth = 10.0;            // refuse more than previous * max_growth
    double min_shrink = 0.1;             // refuse fewer than previous * min_shrink
    double max_bad_fraction = 0.2;       // refuse when more lines than this are unparseable
};

// Why `e` would match (nearly) everything, or nullopt when it is a precise indicator:
// "*", a bare TLD such as "com", 0.0.0.0/0, ::/0, any /0-/7 (IPv4) or /0-/15 (IPv6) range,
// the unspecified address.
std::optional<std::string> matches_everything(const FeedEntry& e);

// Ok, or the reason the download is refused.
Status validate_feed(const ParsedFeed& feed, const FeedLimits& limits);

}  // namespace mr
