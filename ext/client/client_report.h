// One scan turned into the report the client sends: the snapshot and the detector's findings in,
// a ClientReport out. Pure (no /proc, no clock, no network), so every field is unit-tested.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "model/findings.h"
#include "model/model.h"
#include "xymon/message.h"

namespace mr {

// What the report needs besides the scan.
struct ReportContext {
    std::string agent;        // "miningrisk-client/VERSION"
    std::string host;         // Xymon host name with dots
    int interval = 300;       // the client cycle in seconds
    int top = 5;              // how many top-CPU processes to list
    int self_pid = 0;         // the client's own pid: its scan is busy for a moment, never report it
    std::string ioc_version;  // of the IOC list the detector used
};

// `findings` are what the detector reported (at most kMaxFindings), `found` how many it found in
// all; both leave out the client itself.
ClientReport build_client_report(const Snapshot& snap, std::vector<Finding> findings, size_t found,
                                 const ReportContext& ctx);

// The `n` busiest processes above 0.01 cores, busiest first, the client itself left out.
std::vector<TopProcess> top_processes(const Snapshot& snap, int n, int self_pid);

// Xymon's wire form of a host name: dots become commas (the last dot separates the OS type).
std::string wire_host(std::string host);

}  // namespace mr
