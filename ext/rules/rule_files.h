// Loading the shipped rule files (format: rules/rule_text.h) into a RuleSet: all-or-nothing, so
// a broken file never replaces the last good set.
#pragma once
#include <string>

namespace mr {

class RuleSet;

// Loads every shipped rule file of `dir` into `out` (a fresh set); false with "FILE:LINE: ..."
// on the first error. The caller swaps `out` in only on success.
bool load_rule_dir(const std::string& dir, RuleSet& out, std::string& error);

}  // namespace mr
