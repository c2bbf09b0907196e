// A machine-readable mark per red process in the miningrisk status (issue 11, operators' orders):
// an HTML comment the worker writes next to the finding, which the drill-down page turns into
// order buttons and the order CGI reads to allow a kill only after snapshot and freeze.
//   <!-- miningrisk-proc pid=4316 start=123456 sha256=HEX snapshot=1 frozen=0 -->
// Only digits, hex and 0/1 go in, so host text can never end the comment.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

struct ProcessMarker {
    int pid = 0;
    uint64_t start_ticks = 0;
    std::string sha256;      // "" when unknown
    bool snapshot = false;   // an ok evidence snapshot of this process life
    bool frozen = false;     // containment's last step on it: a done freeze
};

inline constexpr std::string_view kProcessMarker = "<!-- miningrisk-proc";

std::string format_process_marker(const ProcessMarker& m);
// Every well-formed marker in a status text; malformed ones are skipped. At most 200.
std::vector<ProcessMarker> parse_process_markers(std::string_view status);

}  // namespace mr
