#include "xymon/xymon_log.h"

#include <sys/time.h>

#include <cstdio>
#include <ctime>

namespace mr {

namespace {
bool g_verbose = false;
}

void set_verbose(bool on) { g_verbose = on; }

void log_line(const std::string& text) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm t{};
    localtime_r(&tv.tv_sec, &t);
    char stamp[64];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &t);
    // One fprintf per line so concurrent writers do not interleave mid-line.
    std::fprintf(stderr, "%s.%06ld %s\n", stamp, static_cast<long>(tv.tv_usec), text.c_str());
}

void log_debug(const std::string& text) {
    if (g_verbose) log_line(text);
}

}  // namespace mr
