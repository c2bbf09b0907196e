// Per-feed state on disk (STATEDIR/NAME.state, key=value lines): the validators for conditional
// requests, the last good download and the last error; and the last good list itself
// (STATEDIR/NAME.list, canonical entries), which stays in force while downloads fail.
// Every write goes through util/file_io write_file_atomic (temp file, fsync, rename).
#pragma once
#include <string>
#include <vector>

#include "feed/feed_formats.h"
#include "util/expected.h"

namespace mr {

struct FeedState {
    std::string etag;
    std::string last_modified;
    long long last_good = 0;      // when the list last changed or was confirmed (200 valid / 304)
    long long last_attempt = 0;
    long long last_error_time = 0;
    std::string last_error;       // empty after a success
    std::size_t entries = 0;      // size of the last good list
    std::string url;              // the URL the validators belong to
};

std::string feed_state_path(const std::string& dir, const std::string& name);
std::string feed_list_path(const std::string& dir, const std::string& name);

// A missing file gives a default state and true; a damaged one gives false with a reason.
Expected<FeedState> load_feed_state(const std::string& path);
Status save_feed_state(const std::string& path, const FeedState& st);

// Canonical list: one entry a line.
Status save_entry_list(const std::string& path, const std::vector<FeedEntry>& entries);
Expected<std::vector<FeedEntry>> load_entry_list(const std::string& path);

// The ceiling of a feed file read whole (downloaded lists, the merged list, state files).
constexpr std::size_t kMaxFeedFile = 256u << 20;

}  // namespace mr
