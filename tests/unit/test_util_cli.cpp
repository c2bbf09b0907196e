// The shared command-line helper: --help, --version, wrong options, values.
#include <doctest/doctest.h>

#include "util/cli.h"

using mr::CliResult;
using mr::parse_cli;

namespace {
mr::CliSpec spec() {
    mr::CliSpec s;
    s.program = "demo-prog";
    s.version = "1.2.3";
    s.synopsis = {"[OPTION]... [run|show]"};
    s.description = "Does one thing.";
    s.options = {{"--config", "FILE", "settings file"},
                 {"-v, --verbose", "", "say more\nand a second line"},
                 {"--timeout", "SECONDS", "deadline"}};
    s.commands = {"run", "show"};
    return s;
}
}  // namespace

TEST_CASE("cli: --help prints the usage to stdout and exits 0") {
    for (const char* h : {"--help", "-h"}) {
        CliResult r = parse_cli(spec(), {"--config", "x", h});
        CHECK_FALSE(r.run);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out.rfind("Usage: demo-prog [OPTION]... [run|show]\n", 0) == 0);
        CHECK(r.out.find("      --config FILE") != std::string::npos);
        CHECK(r.out.find("  -v, --verbose") != std::string::npos);
        CHECK(r.out.find("\n                          and a second line\n") != std::string::npos);
        CHECK(r.out.find("--version") != std::string::npos);
    }
}

TEST_CASE("cli: --version prints PROGRAM VERSION and exits 0") {
    CliResult r = parse_cli(spec(), {"--version"});
    CHECK_FALSE(r.run);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "demo-prog 1.2.3\n");
}

TEST_CASE("cli: a wrong option names it on one line, then the usage, on stderr, exit 2") {
    CliResult r = parse_cli(spec(), {"--bogus"});
    CHECK_FALSE(r.run);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("demo-prog: unknown option '--bogus'\nUsage: demo-prog", 0) == 0);
    CHECK(parse_cli(spec(), {"--config"}).err.rfind("demo-prog: option '--config' needs a value (FILE)\n", 0) == 0);
    CHECK(parse_cli(spec(), {"--verbose=yes"}).exit_code == 2);
    CHECK(parse_cli(spec(), {"walk"}).err.rfind("demo-prog: unknown command 'walk'\n", 0) == 0);
    CHECK(parse_cli(spec(), {"--bogus=1"}).err.rfind("demo-prog: unknown option '--bogus'\n", 0) == 0);
}

TEST_CASE("cli: values, both spellings, short names, commands") {
    CliResult r = parse_cli(spec(), {"--config=/etc/a.cfg", "-v", "show", "--timeout", "5"});
    REQUIRE(r.run);
    CHECK(r.args.get("--config") == "/etc/a.cfg");
    CHECK(r.args.has("--verbose"));
    CHECK(r.args.get("--timeout") == "5");
    CHECK(r.args.get("--missing", "dflt") == "dflt");
    CHECK(r.args.positional == std::vector<std::string>{"show"});
    // A value may start with a dash; "--" ends the options.
    CHECK(parse_cli(spec(), {"--config", "-x"}).args.get("--config") == "-x");
    CHECK(parse_cli(spec(), {"--", "run"}).args.positional.size() == 1);
}

TEST_CASE("cli: a program without commands refuses positional words") {
    mr::CliSpec s = spec();
    s.commands.clear();
    CliResult r = parse_cli(s, {"extra"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("demo-prog: unexpected argument 'extra'\n", 0) == 0);
}

TEST_CASE("cli: a bad value the program checks is reported the same way") {
    CliResult r = mr::cli_error(spec(), "--timeout needs a positive number, not 'x'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("demo-prog: --timeout needs a positive number, not 'x'\nUsage: ", 0) == 0);
}
