// The column's "Recovery check" part: what the client found of the incident's traces this
// cycle ([recovery] section), escaped, for the status body.
#pragma once
#include <string>

#include "model/recovery.h"

namespace mr {

std::string recovery_html(const RecoveryFacts& r);

}  // namespace mr
