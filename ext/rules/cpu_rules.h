// CPU rules. A miner keeps threads busy for the whole cycle, throttled or not, so the busiest
// thread says more than the process total.
//   thread_pegged    a thread used >= 0.9 of a core over the cycle (weak: compilers and
//                    databases do this too; it only corroborates)
//   tempdir_cpu_hog  a binary in a temp or hidden directory, or a memfd, using >= 0.25 cores
//                    over the cycle (medium)
#pragma once
#include <vector>

#include "model/findings.h"
#include "model/model.h"

namespace mr {

class RuleSet;

constexpr double kPeggedThreadCores = 0.9;
constexpr double kSustainedCores = 0.25;

void check_cpu(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out);

}  // namespace mr
