#include "util/cli.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace mr {

namespace {

std::vector<std::string> names_of(const CliOption& o) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= o.names.size()) {
        size_t comma = o.names.find(", ", pos);
        out.push_back(o.names.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        if (comma == std::string::npos) break;
        pos = comma + 2;
    }
    return out;
}

std::vector<CliOption> all_options(const CliSpec& spec) {
    std::vector<CliOption> v = spec.options;
    v.push_back({"-h, --help", "", "print this help and exit"});
    v.push_back({"--version", "", "print the program name and version and exit"});
    return v;
}

const CliOption* find_option(const std::vector<CliOption>& opts, const std::string& name) {
    for (const auto& o : opts)
        for (const auto& n : names_of(o))
            if (n == name) return &o;
    return nullptr;
}

std::string key_of(const CliOption& o) { return names_of(o).back(); }

}  // namespace

std::string CliArgs::get(const std::string& key, const std::string& fallback) const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
}

std::string cli_usage(const CliSpec& spec) {
    std::string u;
    for (size_t i = 0; i < spec.synopsis.size(); ++i)
        u += (i == 0 ? "Usage: " : "  or:  ") + spec.program + " " + spec.synopsis[i] + "\n";
    if (spec.synopsis.empty()) u += "Usage: " + spec.program + " [OPTION]...\n";
    if (!spec.description.empty()) u += spec.description + (spec.description.back() == '\n' ? "" : "\n");
    u += "\nOptions:\n";
    // Options in one column so that help2man (and a reader) finds each one on its own line.
    const size_t col = 26;
    for (const auto& o : all_options(spec)) {
        // "      --long" when there is no short form, as coreutils aligns them.
        std::string left = "  " + std::string(o.names.rfind("--", 0) == 0 ? "    " : "") + o.names;
        if (!o.arg.empty()) left += " " + o.arg;
        left += left.size() + 2 > col ? "  " : std::string(col - left.size(), ' ');
        std::string help = o.help;
        size_t nl;
        while ((nl = help.find('\n')) != std::string::npos) {
            u += left + help.substr(0, nl) + "\n";
            left = std::string(col, ' ');
            help = help.substr(nl + 1);
        }
        u += left + help + "\n";
    }
    if (!spec.footer.empty()) u += "\n" + spec.footer + (spec.footer.back() == '\n' ? "" : "\n");
    return u;
}

CliResult cli_error(const CliSpec& spec, const std::string& what) {
    CliResult r;
    r.exit_code = 2;
    r.err = spec.program + ": " + what + "\n" + cli_usage(spec);
    return r;
}

CliResult parse_cli(const CliSpec& spec, const std::vector<std::string>& args) {
    const std::vector<CliOption> opts = all_options(spec);
    CliResult r;
    bool only_positional = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        if (only_positional || a.empty() || a[0] != '-' || a == "-") {
            bool known = false;
            for (const auto& c : spec.commands) known |= c == a;
            if (!known)
                return cli_error(spec, spec.commands.empty() ? "unexpected argument '" + a + "'"
                                                             : "unknown command '" + a + "'");
            r.args.positional.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positional = true;
            continue;
        }
        std::string inline_value;
        bool has_inline = false;
        size_t eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_inline = true;
        }
        const CliOption* o = find_option(opts, a);
        if (!o) return cli_error(spec, "unknown option '" + a + "'");
        std::string key = key_of(*o);
        if (key == "--help") {
            r.exit_code = 0;
            r.out = cli_usage(spec);
            return r;
        }
        if (key == "--version") {
            r.exit_code = 0;
            r.out = spec.program + " " + spec.version + "\n";
            return r;
        }
        if (o->arg.empty()) {
            if (has_inline) return cli_error(spec, "option '" + a + "' takes no value");
            r.args.values[key] = "";
        } else if (has_inline) {
            r.args.values[key] = inline_value;
        } else if (i + 1 < args.size()) {
            r.args.values[key] = args[++i];
        } else {
            return cli_error(spec, "option '" + a + "' needs a value (" + o->arg + ")");
        }
    }
    r.run = true;
    return r;
}

void exit_with(const CliResult& r) {
    std::cout << r.out << std::flush;
    std::cerr << r.err << std::flush;
    std::exit(r.exit_code);
}

CliArgs handle_cli(const CliSpec& spec, int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    CliResult r = parse_cli(spec, args);
    if (!r.run) exit_with(r);
    return r.args;
}

double cli_positive_number(const CliSpec& spec, const CliArgs& a, const std::string& key, double fallback) {
    if (!a.has(key)) return fallback;
    std::string v = a.get(key);
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !(d > 0)) exit_with(cli_error(spec, key + " needs a positive number, not '" + v + "'"));
    return d;
}

}  // namespace mr
