// Known miner names (miner-names.txt) against comm, basename(argv[0]) and basename(exe):
// whole names, case-insensitive, never substrings ("xmrig" matches "XMRig" and "/tmp/xmrig",
// not "xmrig-exporter-docs"). Kernel threads are skipped: they cannot be user binaries.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/findings.h"
#include "model/model.h"
#include "util/path_util.h"

namespace mr {

class RuleSet;

// The program name the process shows in argv[0]: its first word, as a base name ("" if none).
// A process that rewrote its whole command line into argv[0] still yields its first word.
std::string_view argv0_name(const ProcessInfo& p);

// Signal "miner_name" (strength from the list, strong by default).
void check_names(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out);

}  // namespace mr
