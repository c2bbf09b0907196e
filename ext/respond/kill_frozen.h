// Kill of a frozen process tree (issue 11, an operator's order), run as root by
// miningrisk-contain --action kill: only a tree that freeze_tree froze and that is still frozen
// (its own cgroup frozen, or every process stopped for the SIGSTOP fallback) is SIGKILLed, so a
// kill always follows an evidence snapshot and a freeze. The cgroup is removed afterwards.
#pragma once
#include <cstdint>

#include "respond/freezer.h"

namespace mr {

// ok: the tree is gone. !ok with method "" : it was not frozen (nothing done); else it failed.
FreezeResult kill_frozen_tree(const FreezerPaths& paths, int pid, uint64_t start_ticks);

}  // namespace mr
