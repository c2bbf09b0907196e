// Agentless hosts: a Snapshot built from what every stock Xymon client already sends, so the
// same rules can look at hosts without miningrisk-client. The evidence is thin (argv as ps shows
// it, lifetime-average CPU, sockets without owners, no binaries): callers mark the result so.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace mr {

// [ps]: `ps -Aww f -o pid,ppid,user,start,state,pri,pcpu,time:12,pmem,rsz:10,vsz:10,cmd`.
// The forest drawing ("\_ ", "|") is stripped; "[name]" commands are kernel threads. %CPU
// (lifetime average) becomes cores. Lines that do not parse are skipped and counted.
std::vector<ProcessInfo> parse_ps_section(std::string_view content, int* skipped = nullptr);

// [ports]: `netstat -antuW` (and -antuT) lines; duplicates from the two runs are merged.
std::vector<SocketInfo> parse_ports_section(std::string_view content, int* skipped = nullptr);

// Splits "addr:port" on the last colon ("::1:631" -> "::1", 631; "0.0.0.0:*" -> port 0).
bool split_netstat_address(std::string_view s, std::string& addr, uint16_t& port);

struct AgentlessResult {
    bool have_ps = false;
    bool have_ports = false;
    Snapshot snapshot;
};

// The whole stock client message (from its "client ..." line). Missing [ports] makes the
// snapshot's visibility limited; missing [ps] leaves have_ps false (the caller posts clear).
AgentlessResult snapshot_from_stock_client(std::string_view message, int64_t time_now);

}  // namespace mr
