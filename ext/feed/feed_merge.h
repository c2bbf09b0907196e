// Merging feeds and shipped lists into the one list clients use: canonical entries, duplicates
// removed, entries that would match everything dropped, and entries covered by the local allow
// list of shared addresses (CDN and cloud ranges, shared domains) dropped, so a CDN address never
// becomes a strong pool match. The version is a UTC timestamp plus a hash of the content; the
// same content keeps the same hash, so callers keep the old version when nothing changed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed_formats.h"

namespace mr {

struct MergeSource {
    std::string name;  // "feed:coinblocker", "shipped:/usr/share/...", "resolved"
    std::vector<FeedEntry> entries;
};

struct MergeResult {
    std::vector<FeedEntry> entries;        // sorted by text, unique
    std::size_t duplicates = 0;
    std::size_t dropped_shared = 0;
    std::size_t dropped_dangerous = 0;
    std::vector<std::string> shared_examples;  // first few entries the allow list removed
    std::string content_hash;              // 12 hex digits over the entries
    std::vector<std::string> source_counts;  // "name=N" in input order
};

bool covered_by_allow(const FeedEntry& e, const std::vector<FeedEntry>& allow);

MergeResult merge_sources(const std::vector<MergeSource>& sources, const std::vector<FeedEntry>& allow);

// 64-bit FNV-1a over the entry lines, as 12 hex digits.
std::string entries_hash(const std::vector<FeedEntry>& entries);

// "20261126T2300Z-1a2b3c4d5e6f" for the time `now` (UTC) and the content hash.
std::string make_version(long long now, const std::string& hash);

// The merged list file: "# version: V" header, comments, one entry a line.
std::string render_merged_list(const MergeResult& m, const std::string& version, long long now);

// The version in a list's "# version:" header ("" if none), and its hash part after the last '-'.
std::string list_version(std::string_view text);
std::string version_hash(std::string_view version);

}  // namespace mr
