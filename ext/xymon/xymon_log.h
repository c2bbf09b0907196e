// Log lines in Xymon's format ("2026-11-26 22:01:07.123456 text") on stderr, which xymonlaunch
// sends to the task's LOGFILE.
#pragma once
#include <string>

namespace mr {

void log_line(const std::string& text);
void set_verbose(bool on);
void log_debug(const std::string& text);  // only with set_verbose(true)

}  // namespace mr
