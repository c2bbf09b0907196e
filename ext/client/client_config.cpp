#include "client/client_config.h"

#include <cstdlib>
#include <sstream>

#include "util/expected.h"
#include "util/text_util.h"

namespace mr {

namespace {

std::string trimmed(std::string_view s) { return std::string(trim(s, " \t\r")); }

bool parse_number(const std::string& v, double lo, double hi, double& out) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || !end || *end != '\0' || d < lo || d > hi) return false;
    out = d;
    return true;
}

bool parse_bool(const std::string& v, bool& out) {
    if (v == "yes" || v == "true" || v == "on" || v == "1") { out = true; return true; }
    if (v == "no" || v == "false" || v == "off" || v == "0") { out = false; return true; }
    return false;
}

}  // namespace

Expected<ClientConfig> parse_client_config(const std::string& text, const std::string& file,
                                           const ClientConfig& base) {
    ClientConfig next = base;
    std::istringstream in(text);
    std::string raw;
    int lineno = 0;
    auto bad = [&](const std::string& msg) { return fail_at(file, lineno, msg); };
    while (std::getline(in, raw)) {
        ++lineno;
        std::string line = trimmed(std::string_view(raw).substr(0, raw.find('#')));
        if (line.empty()) continue;
        size_t eq = line.find('=');
        if (eq == std::string::npos) return bad("expected 'key = value', got '" + line.substr(0, 80) + "'");
        std::string key = trimmed(line.substr(0, eq)), value = trimmed(line.substr(eq + 1));
        double d = 0;
        if (key == "interval") {
            if (!parse_number(value, 10, 86400, d)) return bad("interval must be 10..86400 seconds");
            next.interval = static_cast<int>(d);
        } else if (key == "rules_dir") {
            if (value.empty() || value[0] != '/') return bad("rules_dir must be an absolute path");
            next.rules_dir = value;
        } else if (key == "pools_config") {
            if (value.find('/') != std::string::npos) return bad("pools_config is a file name on the server, not a path");
            next.pools_config = value;
        } else if (key == "sample_seconds") {
            if (!parse_number(value, 0.1, 10, d)) return bad("sample_seconds must be 0.1..10");
            next.sample_seconds = d;
        } else if (key == "top") {
            if (!parse_number(value, 0, 50, d)) return bad("top must be 0..50");
            next.top = static_cast<int>(d);
        } else if (key == "timeout") {
            if (!parse_number(value, 1, 600, d)) return bad("timeout must be 1..600 seconds");
            next.timeout = d;
        } else if (key == "scan_binaries") {
            if (!parse_bool(value, next.scan_binaries)) return bad("scan_binaries must be yes or no");
        } else if (key == "standalone") {
            if (!parse_bool(value, next.standalone)) return bad("standalone must be yes or no");
        } else if (key == "snapshot") {
            if (!parse_bool(value, next.snapshot)) return bad("snapshot must be yes or no");
        } else if (key == "contain") {
            if (value != "off" && value != "none" && value != "observe" && value != "freeze" && value != "isolate" && value != "both")
                return bad("contain must be off, observe, freeze, isolate or both");
            next.contain = value == "none" ? "off" : value;
        } else if (key == "contain_only") {
            next.contain_only.clear();
            std::stringstream items(value);
            for (std::string item; std::getline(items, item, ',');) {
                item = trimmed(item);
                if (item.empty() || item[0] != '/') return bad("contain_only takes absolute path prefixes, comma-separated");
                next.contain_only.push_back(item);
            }
        } else if (key == "contain_allow_package") {
            if (!parse_bool(value, next.contain_allow_package)) return bad("contain_allow_package must be yes or no");
        } else if (key == "snapshot_helper") {
            if (value.empty() || value[0] != '/') return bad("snapshot_helper must be an absolute path");
            next.snapshot_helper = value;
        } else {
            return bad("unknown setting '" + key.substr(0, 80) + "'");
        }
    }
    return next;
}

}  // namespace mr
