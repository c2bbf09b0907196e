// Loading the shipped rule files (format: rules/rule_text.h) into a RuleSet: all-or-nothing, so
// a broken file never replaces the last good set.
#pragma once
#include <string>

#include "util/expected.h"

namespace mr {

class RuleSet;

// Loads every shipped rule file of `dir` into a fresh set, or fails with "FILE:LINE: ..." on
// the first error. The caller swaps the set in only on success.
Expected<RuleSet> load_rule_dir(const std::string& dir);

}  // namespace mr
