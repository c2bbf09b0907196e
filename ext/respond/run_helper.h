// Runs the root helper (directly, or through `sudo -n`) with a fixed argument vector, no shell,
// its stdout captured (bounded) and a hard timeout after which it is killed: a client cycle
// never hangs on it.
#pragma once
#include <string>
#include <vector>

namespace mr {

struct HelperResult {
    bool ran = false;        // started and exited by itself
    int exit_code = -1;
    std::string out;         // stdout, at most 256 KiB
    std::string error;       // why it did not run or was killed, with stderr's first line
};

// `stdin_path`: the file the helper reads on its stdin (opened by this process, with its rights).
HelperResult run_helper(const std::vector<std::string>& argv, double timeout_seconds,
                        const std::string& stdin_path = "/dev/null");

}  // namespace mr
