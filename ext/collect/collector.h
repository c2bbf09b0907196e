// One pass over /proc (and a few host files) into a Snapshot. All paths come from the options
// so unit tests run on fixture trees; nothing here decides what is suspicious (see rules/detector.h).
#pragma once
#include <string>

#include "collect/collect_options.h"
#include "model/model.h"

namespace mr {

Snapshot collect(const CollectOptions& opt);

}  // namespace mr

