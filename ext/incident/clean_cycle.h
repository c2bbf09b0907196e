// "Is this cycle clean?": the one place that decides whether a host's report counts towards its
// recovery. Today: the scored report has no red or yellow finding, no pool connection, and the
// client could see everything. The Respond work makes it stricter (the sha256 gone, persistence
// gone, ...) here and nowhere else.
#pragma once
#include <string>
#include <vector>

#include "model/findings.h"

namespace mr {

struct CycleView {
    const std::vector<Finding>* findings = nullptr;  // after the server's policy
    bool visibility_full = true;
};

// Empty when clean; otherwise why not, e.g. "red finding xmrig (pid 4316)".
std::string unclean_reason(const CycleView& c);
inline bool is_clean_cycle(const CycleView& c) { return unclean_reason(c).empty(); }

}  // namespace mr
