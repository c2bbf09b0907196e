// What containment still owes a process it acted on (issue 11), pure, from the records: is it
// frozen, is it isolated (then its rules are renewed every cycle, or they expire), and did a
// frozen tree gain CPU time since (someone thawed it without miningrisk-client --thaw).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/evidence.h"

namespace mr {

// The newest of its freeze/thaw/verify records is a freeze that was done.
bool is_frozen(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks);
// The newest of its freeze/thaw records is a thaw that was done (an operator's order or
// --thaw by hand): a person decided, so automatic containment does not freeze it again; an
// operator's freeze order still can.
bool thawed_by_hand(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks);
// The newest of its isolate/unisolate records is an isolate that was done.
bool is_isolated(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks);
// Every (pid, start) that is_isolated / is_frozen, oldest first.
std::vector<std::pair<int, uint64_t>> isolated_processes(const std::vector<ContainmentRecord>& records);
std::vector<std::pair<int, uint64_t>> frozen_processes(const std::vector<ContainmentRecord>& records);

// The next cycle's check of a freeze: a "verify failed" record when the tree's CPU time now is
// above what it was when frozen, else nothing (result empty).
ContainmentRecord verify_frozen(const ContainmentRecord& freeze, uint64_t cpu_ticks_now, int64_t now);

// A renewal replaces the process's previous renewal record (one a process, not one a cycle).
void record_renewal(std::vector<ContainmentRecord>& records, const ContainmentRecord& renew);

}  // namespace mr
