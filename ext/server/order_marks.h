// The process marks of a miningrisk status (xymon/process_marker.h): one per red process, with
// whether its evidence snapshot is taken and it is frozen now, from the client's [snapshots] and
// [containment] records. The drill-down page's order buttons and the order CGI read them.
#pragma once
#include <string>

#include "server/status_text.h"

namespace mr {

// The marker lines for the red processes of `in` ("" when there are none).
std::string process_marks(const StatusInput& in);

}  // namespace mr
