// One record per line: "key=value key=value ...", values percent-encoded so that any byte a
// monitored host can put in a process name (spaces, '=', newlines, NUL, non-UTF-8) round-trips
// and can never start a new line, section or Xymon colour icon.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mr {

using KvRecord = std::vector<std::pair<std::string, std::string>>;

std::string percent_encode(std::string_view raw);
// Decodes %XX; a malformed escape is kept literally (never fails, never throws).
std::string percent_decode(std::string_view enc);

std::string encode_kv_line(const KvRecord& rec);
// Splits on spaces; a token without '=' becomes a key with an empty value.
KvRecord parse_kv_line(std::string_view line);

// The value of the first `key`, or `fallback`.
std::string kv_get(const KvRecord& rec, std::string_view key, std::string fallback = "");

}  // namespace mr
