// The environments of the processes worth a closer look, read after the main pass.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace mr {

// Reads /proc/PID/environ (bounded) for the processes worth a closer look: those using at least
// `min_cores`, or running from a deleted, memfd or temporary/hidden location. The environment
// of every process would cost a read per process per cycle for little gain. Only the entries
// `keep` accepts are stored: after a deploy, thousands of workers can run a deleted binary, and
// their whole environments would cost tens of megabytes.
void read_candidate_environments(Snapshot& snap, const std::string& proc_root,
                                 const std::function<bool(std::string_view)>& keep, double min_cores = 0.1);

}  // namespace mr
