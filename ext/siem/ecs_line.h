// One ECS event as one line of JSON: escaped by the JSON writer (quotes, control bytes and
// newlines as escapes, invalid UTF-8 as U+FFFD, "</" as "<\/"), never longer than `max_bytes`.
// A line that would be longer is shortened, its longest strings and arrays first, and marked
// (miningrisk.truncated = true, miningrisk.original_bytes = N): never dropped silently.
#pragma once
#include <cstddef>
#include <string>

#include "siem/ecs_event.h"

namespace mr {

constexpr size_t kDefaultEcsLineMax = 16384;

// Without the trailing newline.
std::string ecs_line(EcsEvent ev, size_t max_bytes = kDefaultEcsLineMax);

}  // namespace mr
