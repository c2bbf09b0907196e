// Findings: what the rules concluded about a snapshot. Shared by client and server, and the
// payload of the client/miningrisk message.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mr {

enum class Color { clear = 0, green = 1, yellow = 2, red = 3 };
enum class Strength { weak = 1, medium = 2, strong = 3 };

const char* to_string(Color c);
const char* to_string(Strength s);
bool parse_color(const std::string& s, Color& out);
bool parse_strength(const std::string& s, Strength& out);

// One named piece of evidence, e.g. {"pool_connection", strong, "203.0.113.5:3333 ESTABLISHED"}.
struct Signal {
    std::string id;
    Strength strength = Strength::weak;
    std::string evidence;     // attacker-controlled text, escape before display
};

// A process (pid > 0) or the host itself (pid == 0) with the signals against it.
struct Finding {
    int pid = 0;
    int ppid = 0;
    std::string parent_comm;            // the parent's comm when the producer saw it, else ""
    uint32_t uid = 0;
    std::string user;
    std::string comm;
    std::string exe;
    std::string sha256;                 // of the executable, when it was read
    std::vector<std::string> argv;      // bounded by the client
    double cores = 0;
    double max_thread_cores = 0;
    std::string pool;                   // "addr:port" of the pool connection, if any
    std::string container;              // container id or ""
    std::vector<Signal> signals;
    Color color = Color::green;         // as scored by whoever produced it
    std::vector<std::string> suppressed_by;  // allowlist entries that matched (server side)
    // For incidents (impact per process life, timeline, entry hints); unknown = -1 / 0 / empty
    // (older clients, agentless hosts).
    double cpu_seconds = -1;            // utime + stime since the process started
    uint64_t start_ticks = 0;           // /proc/PID/stat field 22: with pid, one process life
    int64_t start_time = 0;             // unix seconds the process started
    int64_t exe_mtime = 0, exe_ctime = 0;  // of the executable, unix seconds
    std::vector<std::string> parent_chain;  // comms from the parent upwards (bounded)
};

}  // namespace mr
