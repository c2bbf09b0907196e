// Host tampering, reported as a host-level finding (pid 0):
//   ld_so_preload  /etc/ld.so.preload exists: strong when it loads a library from outside the
//                  system library directories (rootkits hiding a miner), medium for a system
//                  library, weak when empty
//   hidden_pid     a pid alive but missing from the /proc listing (strong: a rootkit hides it)
//   hugepages_msr  miner tuning: the msr module with writes allowed (weak), plus huge pages
//                  raised (medium)
#pragma once
#include <vector>

#include "model/findings.h"
#include "model/model.h"

namespace mr {

class RuleSet;

std::vector<Signal> check_host(const HostFacts& host, const RuleSet& rules);

}  // namespace mr
