// Command lines that behave like every other Unix tool (coreutils, Monitoring Plugins):
// --help prints the usage to stdout and exits 0; --version prints "PROGRAM VERSION" and exits 0;
// a wrong option or a missing value prints one line naming it, then the usage, to stderr and
// exits 2. Each program declares its options once (CliSpec); the usage text, the parser and the
// man page (help2man reads --help) all come from that table.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mr {

struct CliOption {
    std::string names;  // "--config" or "-v, --verbose"; the last name is the key
    std::string arg;    // the value's name ("FILE"); empty for a flag
    std::string help;   // one line; '\n' starts a continuation line
};

struct CliSpec {
    std::string program;
    std::string version;
    std::vector<std::string> synopsis;     // what follows "Usage: PROGRAM " (one or more forms)
    std::string description;               // a short paragraph
    std::vector<CliOption> options;        // --help and --version are appended by the helper
    std::vector<std::string> commands;     // accepted positional words; empty: none accepted
    std::string footer;                    // e.g. the environment it reads
};

struct CliArgs {
    std::map<std::string, std::string> values;  // key -> value ("" for a flag that was given)
    std::vector<std::string> positional;
    bool has(const std::string& key) const { return values.count(key) != 0; }
    std::string get(const std::string& key, const std::string& fallback = "") const;
};

struct CliResult {
    bool run = false;   // false: print out/err and exit with exit_code
    int exit_code = 0;
    std::string out;    // for stdout
    std::string err;    // for stderr
    CliArgs args;
};

// The usage text --help prints.
std::string cli_usage(const CliSpec& spec);

// Pure: parses argv[1..] (both "--opt VALUE" and "--opt=VALUE").
CliResult parse_cli(const CliSpec& spec, const std::vector<std::string>& args);

// The error a program reports for a bad value it checks itself: "PROGRAM: what" then the usage.
CliResult cli_error(const CliSpec& spec, const std::string& what);

// For a main(): returns the arguments, or prints and exits as parse_cli says.
CliArgs handle_cli(const CliSpec& spec, int argc, char** argv);
[[noreturn]] void exit_with(const CliResult& r);

// A number > 0 from an option's value, else exits through cli_error naming the option.
double cli_positive_number(const CliSpec& spec, const CliArgs& a, const std::string& key, double fallback);

}  // namespace mr
