// The wall screen's tile shows line 1 of the column in large type, in at most three lines. A
// line 1 that is too long is shortened by dropping whole parts, least useful first (the
// visibility note, the signal list, the user, the pid, the "+N more" count), so that it never
// ends mid-phrase and always keeps the process, its cores and its pool.
#pragma once

#include <cstddef>
#include <string>

namespace mr {

// About three lines of the tile at 1920 px wide (42 px type in a 580 px column).
constexpr std::size_t kTileHeadlineChars = 72;

std::string tile_headline(const std::string& line1, std::size_t max_chars = kTileHeadlineChars);

}  // namespace mr
