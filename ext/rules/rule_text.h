// The shipped plain-text rule files: one entry a line, whitespace-separated fields, comments from
// '#' (at line start or after whitespace) to the end of the line, and an optional header comment
// "# version: X". Each entry should carry a comment naming its source ("# xmrig README").
//
//   # version: 2024.06.1
//   xmrig            strong   # xmrig README
//   kswapd0          strong   # Outlaw botnet, Juniper 2019
//
// Parsing is pure: text in, records or "FILE:LINE: message" (util/expected.h at_line) out.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/findings.h"

namespace mr {

struct RuleLine {
    int line = 0;                      // 1-based, for errors
    std::vector<std::string> fields;   // at least one
};

struct RuleText {
    std::string version;               // from "# version: X", or ""
    std::vector<RuleLine> lines;       // entries only (comments and blank lines dropped)
};

// Splits `text` into entries. Never fails on its own (field checks are the caller's); `version`
// is taken from the first "# version:" comment.
RuleText split_rule_text(std::string_view text);

// Optional trailing strength field ("strong", "medium", "weak"); `fallback` when absent.
bool parse_strength_field(const RuleLine& l, size_t index, Strength fallback, Strength& out);

// Shows at most `max` bytes of a value in an error message, printable ASCII only.
std::string quote_for_error(std::string_view s, size_t max = 60);

}  // namespace mr
