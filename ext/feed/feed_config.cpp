#include "feed/feed_config.h"

#include <fmt/core.h>

#include <optional>
#include <set>

#include "feed/feed_state.h"
#include "util/expected.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {

namespace {

bool valid_name(std::string_view n) {
    if (n.empty() || n.size() > 64) return false;
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    return n[0] != '.';
}

// Config numbers: up to 15 digits, no sign.
bool parse_number(std::string_view s, unsigned long long& v) { return parse_decimal(s, 15, v); }

// Like parse_duration but also "0.5s" / "1.5": short waits in tests.
bool parse_seconds(std::string_view s, double& out) {
    long long v;
    if (parse_duration(s, v)) {
        out = static_cast<double>(v);
        return true;
    }
    if (!s.empty() && (s.back() == 's' || s.back() == 'S')) s.remove_suffix(1);
    std::size_t dot = s.find('.');
    unsigned long long whole = 0, frac = 0;
    if (dot == std::string_view::npos || !parse_number(s.substr(0, dot), whole)) return false;
    std::string_view f = s.substr(dot + 1);
    if (f.empty() || f.size() > 6 || !parse_number(f, frac)) return false;
    double scale = 1;
    for (std::size_t i = 0; i < f.size(); ++i) scale *= 10;
    out = static_cast<double>(whole) + static_cast<double>(frac) / scale;
    return true;
}

// The config and its allow files, whole (bounded); "FILE: cannot open" when unreadable.
Expected<std::string> read_whole_file(const std::string& path) {
    Expected<std::string> read = read_file(path, kMaxFeedFile);
    if (!read) return fail(fmt::format("{}: cannot open", path));
    return read;
}

bool parse_bool(std::string_view s, bool& out) {
    std::string u = to_upper_ascii(s);
    if (u == "YES" || u == "TRUE" || u == "ON" || u == "1") return out = true, true;
    if (u == "NO" || u == "FALSE" || u == "OFF" || u == "0") return out = false, true;
    return false;
}

// Parses the FEED line's words (after "FEED NAME").
Status parse_feed_words(const std::vector<std::string>& w, FeedSpec& f) {
    bool have_url = false, have_format = false;
    for (std::size_t i = 2; i < w.size(); ++i) {
        std::size_t eq = w[i].find('=');
        std::string key = to_upper_ascii(w[i].substr(0, eq));
        std::string val = eq == std::string::npos ? "" : w[i].substr(eq + 1);
        if (eq == std::string::npos) {
            if (key == "DISABLED") f.enabled = false;
            else if (key == "ENABLED") f.enabled = true;
            else return fail(fmt::format("unknown FEED option '{}'", w[i]));
            continue;
        }
        unsigned long long n;
        long long secs;
        if (key == "URL") {
            std::string l = to_lower_ascii(val);
            if (l.rfind("http://", 0) != 0 && l.rfind("https://", 0) != 0)
                return fail(fmt::format("URL must be http:// or https://, got '{}'", val));
            f.url = val;
            have_url = true;
        } else if (key == "FORMAT") {
            auto fmt_ = feed_format_from_name(val);
            if (!fmt_)
                return fail(fmt::format("unknown FORMAT '{}' (domains, hosts, ips, ipport, maltrail, ioc)",
                                   val));
            f.format = *fmt_;
            have_format = true;
        } else if (key == "LICENSE" || key == "LICENCE") {
            f.license = val;
        } else if (key == "MAXAGE") {
            if (!parse_duration(val, secs) || secs <= 0) return fail(fmt::format("bad MAXAGE '{}'", val));
            f.max_age = secs;
        } else if (key == "MAXSIZE") {
            if (!parse_size(val, f.max_size) || f.max_size == 0)
                return fail(fmt::format("bad MAXSIZE '{}'", val));
        } else if (key == "MINENTRIES") {
            if (!parse_number(val, n)) return fail(fmt::format("bad MINENTRIES '{}'", val));
            f.min_entries = n;
        } else if (key == "MAXENTRIES") {
            if (!parse_number(val, n) || n == 0) return fail(fmt::format("bad MAXENTRIES '{}'", val));
            f.max_entries = n;
        } else {
            return fail(fmt::format("unknown FEED option '{}'", key));
        }
    }
    if (!have_url) return fail("FEED needs URL=");
    if (!have_format) return fail("FEED needs FORMAT=");
    return {};
}

Status parse_global(const std::string& key, const std::string& val, FeedConfig& c) {
    long long secs;
    if (key == "OUTPUT") c.output = val;
    else if (key == "PUBLISH") c.publish = val;
    else if (key == "SHIPPED") c.shipped.push_back(val);
    else if (key == "ALLOWFILE") c.allow_files.push_back(val);
    else if (key == "ALLOW") {
        auto e = parse_ioc_entry(val);
        if (!e) return fail(fmt::format("bad ALLOW entry '{}': {}", val, e.error().message));
        c.allow.push_back(*e);
    } else if (key == "RESOLVE") {
        if (!parse_bool(val, c.resolve)) return fail(fmt::format("RESOLVE must be yes or no, got '{}'", val));
    } else if (key == "RESOLVEHOSTS") c.resolve_hosts = val;
    else if (key == "RESOLVEMAXAGE") {
        if (!parse_duration(val, secs) || secs <= 0) return fail(fmt::format("bad RESOLVEMAXAGE '{}'", val));
        c.resolve_max_age = secs;
    } else if (key == "RESOLVETIMEOUT") {
        if (!parse_seconds(val, c.resolve_timeout) || c.resolve_timeout <= 0)
            return fail(fmt::format("bad RESOLVETIMEOUT '{}'", val));
    } else if (key == "CONNECTTIMEOUT") {
        if (!parse_seconds(val, c.connect_timeout) || c.connect_timeout <= 0)
            return fail(fmt::format("bad CONNECTTIMEOUT '{}'", val));
    } else if (key == "TIMEOUT") {
        if (!parse_seconds(val, c.total_timeout) || c.total_timeout <= 0)
            return fail(fmt::format("bad TIMEOUT '{}'", val));
    } else if (key == "RETRIES") {
        unsigned long long n;
        if (!parse_number(val, n) || n > 10) return fail(fmt::format("RETRIES must be 0..10, got '{}'", val));
        c.retries = static_cast<int>(n);
    } else if (key == "BACKOFF") {
        if (!parse_seconds(val, c.backoff)) return fail(fmt::format("bad BACKOFF '{}'", val));
    } else if (key == "CAFILE") {
        if (val[0] != '/') return fail(fmt::format("CAFILE must be an absolute path, got '{}'", val));
        c.ca_file = val;
    } else if (key == "PROXY") {
        if (to_lower_ascii(val) == "none") c.proxy = std::string();
        else if (valid_proxy_url(val)) c.proxy = val;
        else return fail(fmt::format("PROXY must be http://HOST:PORT or none, got '{}'", val));
    } else {
        return fail(fmt::format("unknown setting '{}'", key));
    }
    return {};
}

// Host part of a proxy URL: a DNS name, an IPv4 address, or "[...]" holding an IPv6 address.
bool valid_proxy_host(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    if (h.front() == '[') {
        if (h.size() < 4 || h.back() != ']') return false;
        for (char c : h.substr(1, h.size() - 2))
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                  c == '.'))
                return false;
        return true;
    }
    for (char c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_'))
            return false;
    return h.front() != '.' && h.front() != '-';
}

// A CA bundle libcurl can use: readable and holding at least one PEM certificate.
Status check_ca_file(const std::string& path) {
    Expected<std::string> text = read_file(path, 16u << 20);
    if (!text) return fail(fmt::format("CAFILE {}: cannot open", path));
    if (text->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return fail(fmt::format("CAFILE {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it", path));
    return {};
}

}  // namespace

bool valid_proxy_url(std::string_view url) {
    if (url.size() > 1024 || to_lower_ascii(url.substr(0, 7)) != "http://") return false;
    std::string_view rest = url.substr(7);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find_first_of("/?#") != std::string_view::npos) return false;  // no path
    std::size_t at = rest.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view user = rest.substr(0, at);
        if (user.empty() || user.find_first_of(" \t") != std::string_view::npos) return false;
        rest = rest.substr(at + 1);
    }
    std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || (rest.front() == '[' && colon < rest.rfind(']'))) return false;
    uint16_t port;
    return valid_proxy_host(rest.substr(0, colon)) && parse_port(rest.substr(colon + 1), port);
}

bool parse_duration(std::string_view s, long long& seconds) {
    if (s.empty()) return false;
    long long mult = 1;
    char last = s.back();
    if (last == 's' || last == 'S') mult = 1;
    else if (last == 'm' || last == 'M') mult = 60;
    else if (last == 'h' || last == 'H') mult = 3600;
    else if (last == 'd' || last == 'D') mult = 86400;
    else if (last == 'w' || last == 'W') mult = 7 * 86400;
    if (last < '0' || last > '9') s.remove_suffix(1);
    unsigned long long v;
    if (!parse_number(s, v) || v > 100ULL * 365 * 86400) return false;
    seconds = static_cast<long long>(v) * mult;
    return true;
}

bool parse_size(std::string_view s, std::size_t& bytes) {
    if (s.empty()) return false;
    unsigned long long mult = 1;
    char last = s.back();
    if (last == 'k' || last == 'K') mult = 1024;
    else if (last == 'm' || last == 'M') mult = 1024 * 1024;
    else if (last == 'g' || last == 'G') mult = 1024ULL * 1024 * 1024;
    if (last < '0' || last > '9') s.remove_suffix(1);
    unsigned long long v;
    if (!parse_number(s, v) || v > (1ULL << 40)) return false;
    bytes = static_cast<std::size_t>(v * mult);
    return true;
}

Expected<FeedConfig> parse_feed_config(std::string_view text, const std::string& filename) {
    FeedConfig c;
    std::set<std::string> names;
    LineReader lines(text);
    auto bad = [&](const std::string& why) { return fail_at(filename, long(lines.number()), why); };
    for (std::string_view line; lines.next(line);) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') continue;
        Expected<std::vector<std::string>> split = split_quoted_words(line);
        if (!split) return bad(split.error().message);
        const std::vector<std::string>& words = *split;
        if (to_upper_ascii(words[0]) == "FEED") {
            if (words.size() < 2 || !valid_name(words[1]))
                return bad("FEED needs a name of letters, digits, '-', '_' or '.'");
            if (!names.insert(words[1]).second)
                return bad(fmt::format("feed '{}' defined twice", words[1]));
            FeedSpec f;
            f.name = words[1];
            if (Status parsed = parse_feed_words(words, f); !parsed) return bad(parsed.error().message);
            c.feeds.push_back(std::move(f));
            continue;
        }
        if (words.size() != 1 || words[0].find('=') == std::string::npos)
            return bad(fmt::format("expected KEY=VALUE or FEED NAME ..., got '{}'", std::string(line)));
        std::size_t eq = words[0].find('=');
        std::string key = to_upper_ascii(words[0].substr(0, eq));
        std::string val = words[0].substr(eq + 1);
        if (val.empty()) return bad(fmt::format("{} needs a value", key));
        if (Status set = parse_global(key, val, c); !set) return bad(set.error().message);
        if (key == "CAFILE") c.ca_file_line = lines.number();
    }
    return c;
}

Expected<FeedConfig> load_feed_config(const std::string& path) {
    Expected<std::string> text = read_whole_file(path);
    if (!text) return fail(text.error());
    Expected<FeedConfig> c = parse_feed_config(*text, path);
    if (!c) return c;
    if (!c->ca_file.empty()) {
        if (Status ca = check_ca_file(c->ca_file); !ca)
            return fail_at(path, long(c->ca_file_line), ca.error().message);
    }
    for (const auto& f : c->allow_files) {
        Expected<std::vector<FeedEntry>> allow = load_allow_file(f);
        if (!allow) return fail(allow.error());
        c->allow.insert(c->allow.end(), allow->begin(), allow->end());
    }
    return c;
}

Expected<std::vector<FeedEntry>> load_allow_file(const std::string& path) {
    Expected<std::string> text = read_whole_file(path);
    if (!text) return fail(text.error());
    ParsedFeed p = parse_feed(*text, FeedFormat::Ioc);
    if (p.bad_count > 0) return fail_at(path, long(p.bad[0].line), p.bad[0].reason);
    return std::move(p.entries);
}

}  // namespace mr
