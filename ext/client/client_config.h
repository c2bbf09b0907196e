// miningrisk-client's own settings (/etc/xymon/miningrisk-client.cfg): "key = value" lines,
// '#' comments. Errors name FILE:LINE; the caller keeps the last good file in force.
#pragma once
#include <string>
#include <vector>

#include "util/expected.h"

namespace mr {

struct ClientConfig {
    int interval = 300;                 // seconds between runs (the clientlaunch.d INTERVAL)
    std::string rules_dir = "/usr/share/miningrisk/rules";
    std::string pools_config = "miningrisk-pools.cfg";  // fetched with Xymon's "config" command; "" = off
    double sample_seconds = 1.0;        // CPU sample when there is no earlier state
    int top = 5;                        // top CPU processes reported
    double timeout = 30;                // whole-run deadline, seconds
    bool scan_binaries = true;
    bool standalone = false;            // post the column directly (no server plugin)
    // Evidence snapshot on the first red of a process (issue 11), through the root helper.
    bool snapshot = true;
    std::string snapshot_helper = "/usr/lib/xymon/client/ext/miningrisk-snapshot";
    // Containment's first key (the server policy's CONTAIN is the second): off, observe, freeze,
    // isolate or both. contain_allow_package lets it touch unchanged Debian package binaries.
    std::string contain = "off";
    bool contain_allow_package = false;
    // contain_only = /tmp/,/dev/shm/: only processes whose executable path starts with one of
    // these are considered (empty: every red process).
    std::vector<std::string> contain_only;
};

// Parses text (named `file` in errors) over `base` (settings the text does not name keep their
// value there), or fails with "FILE:LINE: message" (Error::line is the line).
Expected<ClientConfig> parse_client_config(const std::string& text, const std::string& file,
                                           const ClientConfig& base = ClientConfig());

}  // namespace mr
