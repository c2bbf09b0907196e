// Talking to Xymon through its own client program, `$XYMON $XYMSRV`, so Xymon's transport,
// proxies and multiple servers keep working. The only file that includes Boost.Process.
#pragma once
#include <string>

#include "util/expected.h"

namespace mr {

struct XymonTarget {
    std::string xymon;    // path of the xymon program ($XYMON)
    std::string server;   // $XYMSRV (or a list in $XYMSERVERS when XYMSRV is 0.0.0.0)
};

// From the environment xymonlaunch gives; falls back to Debian's paths and 127.0.0.1.
XymonTarget xymon_target_from_env();

// Sends `message` (read by xymon from stdin via "@"), waits at most timeout_seconds, then kills
// the xymon process. Gives what xymond answered (may be empty), or why the exchange failed.
Expected<std::string> xymon_exchange(const XymonTarget& target, const std::string& message,
                                     double timeout_seconds);

// Convenience, to the target from the environment: a status (the answer is seldom of use) and
// a query (the answer is the point).
Status send_to_xymon(const std::string& message, double timeout_seconds);
Expected<std::string> xymon_query(const std::string& message, double timeout_seconds);

}  // namespace mr
