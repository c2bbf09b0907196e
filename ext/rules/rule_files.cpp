#include "rules/rule_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rules/rules.h"
#include "util/text_util.h"

namespace mr {
namespace {

// One loader per file: returns false with a FILE:LINE error.
using Loader = bool (*)(const RuleText&, const std::string& file, RuleSet&, std::string&);

bool load_names(const RuleText& rt, const std::string& file, RuleSet& rs, std::string& err) {
    for (const RuleLine& l : rt.lines) {
        Strength s;
        if (l.fields.size() > 2 || !parse_strength_field(l, 1, Strength::strong, s)) {
            err = rule_error(file, l.line, "expected: NAME [strong|medium|weak]");
            return false;
        }
        if (l.fields[0].size() > 64) {
            err = rule_error(file, l.line, "name too long");
            return false;
        }
        rs.miner_names[to_lower_ascii(l.fields[0])] = s;
    }
    return true;
}

bool load_kthreads(const RuleText& rt, const std::string& file, RuleSet& rs, std::string& err) {
    for (const RuleLine& l : rt.lines) {
        const std::string& n = l.fields[0];
        if (l.fields.size() != 1 || n == "*") {
            err = rule_error(file, l.line, "expected: NAME or PREFIX*");
            return false;
        }
        if (n.back() == '*') rs.kthread_prefixes.push_back(n.substr(0, n.size() - 1));
        else rs.kthread_names.insert(n);
    }
    return true;
}

bool load_ports(const RuleText& rt, const std::string& file, RuleSet& rs, std::string& err) {
    for (const RuleLine& l : rt.lines) {
        uint16_t port;
        if (l.fields.size() != 1 || !parse_port(l.fields[0], port)) {
            err = rule_error(file, l.line, "expected a port number 1-65535: " +
                                               quote_for_error(l.fields[0]));
            return false;
        }
        rs.miner_ports.set(port);
    }
    return true;
}

bool load_markers(const RuleText& rt, const std::string& file, RuleSet& rs, std::string& err) {
    for (const RuleLine& l : rt.lines) {
        Strength s;
        if (l.fields.size() > 2 || !parse_strength_field(l, 1, Strength::medium, s)) {
            err = rule_error(file, l.line, "expected: MARKER [strong|medium|weak]");
            return false;
        }
        if (l.fields[0].size() < 4 || l.fields[0].size() > 64) {
            err = rule_error(file, l.line, "marker must be 4 to 64 bytes (too short matches anything)");
            return false;
        }
        rs.binary_markers.push_back({l.fields[0], s});
    }
    return true;
}

bool load_flags(const RuleText& rt, const std::string& file, RuleSet& rs, std::string& err) {
    for (const RuleLine& l : rt.lines) {
        const std::string& kind = l.fields[0];
        Strength s = Strength::medium;
        bool shape_ok = l.fields.size() >= 2 && l.fields.size() <= 3;
        if (shape_ok && !parse_strength_field(l, 2, Strength::medium, s)) shape_ok = false;
        if (!shape_ok) {
            err = rule_error(file, l.line, "expected: KIND VALUE [strong|medium|weak]");
            return false;
        }
        const std::string& v = l.fields[1];
        bool is_flag = v.size() >= 2 && v[0] == '-';
        if (kind == "miner-flag" && is_flag) rs.miner_flags[v] = s;
        else if (kind == "algo-flag" && is_flag) rs.algo_flags.insert(v);
        else if (kind == "pool-flag" && is_flag) rs.pool_flags.insert(v);
        else if (kind == "algo") rs.algorithms.insert(to_lower_ascii(v));
        else if (kind == "env") rs.env_names[v] = s;
        else {
            err = rule_error(file, l.line,
                             "unknown kind or bad value (kinds: miner-flag, algo-flag, pool-flag "
                             "take a -flag; algo, env take a name): " + quote_for_error(kind));
            return false;
        }
    }
    return true;
}

bool load_iocs(const RuleText&, const std::string&, RuleSet&, std::string&) { return true; }

}  // namespace

RuleText split_rule_text(std::string_view text) {
    RuleText out;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        // The comment starts at '#' at line start or after whitespace.
        size_t hash = std::string_view::npos;
        for (size_t i = 0; i < line.size(); ++i)
            if (line[i] == '#' && (i == 0 || kAsciiSpace.find(line[i - 1]) != std::string_view::npos)) {
                hash = i;
                break;
            }
        if (hash != std::string_view::npos) {
            std::string_view comment = trim(line.substr(hash + 1));
            if (out.version.empty() && comment.substr(0, 8) == "version:")
                out.version = std::string(trim(comment.substr(8)).substr(0, 64));
            line = line.substr(0, hash);
        }
        RuleLine rl;
        rl.line = int(lines.number());
        for (std::string_view field : split_whitespace(line)) rl.fields.emplace_back(field);
        if (!rl.fields.empty()) out.lines.push_back(std::move(rl));
    }
    return out;
}

std::string rule_error(const std::string& file, int line, const std::string& message) {
    return file + ":" + std::to_string(line) + ": " + message;
}

std::string quote_for_error(std::string_view s, size_t max) {
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
    }
    if (s.size() > max) out += "...";
    return out + "'";
}

bool read_text_file(const std::string& path, std::string& out, std::string& error,
                    size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = path + ":0: cannot open: " + std::strerror(errno);
        return false;
    }
    out.clear();
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = path + ":0: read error: " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        if (out.size() + size_t(n) > max_bytes) {
            error = path + ":0: larger than " + std::to_string(max_bytes) + " bytes";
            ::close(fd);
            return false;
        }
        out.append(buf, size_t(n));
    }
    ::close(fd);
    return true;
}

bool parse_strength_field(const RuleLine& l, size_t index, Strength fallback, Strength& out) {
    if (index >= l.fields.size()) {
        out = fallback;
        return true;
    }
    return parse_strength(l.fields[index], out);
}

bool load_rule_dir(const std::string& dir, RuleSet& out, std::string& error) {
    struct FileLoader {
        const char* name;
        Loader load;
    };
    static const FileLoader kFiles[] = {
        {"miner-names.txt", load_names},       {"kernel-threads.txt", load_kthreads},
        {"pool-domains.txt", load_iocs},       {"pool-addresses.txt", load_iocs},
        {"miner-ports.txt", load_ports},       {"binary-markers.txt", load_markers},
        {"cmdline-flags.txt", load_flags},
    };
    RuleSet rs;
    for (const FileLoader& f : kFiles) {
        std::string path = dir + "/" + f.name, text;
        if (!read_text_file(path, text, error)) return false;
        RuleText rt = split_rule_text(text);
        if (f.load == load_iocs) {
            IocList list;
            if (!IocList::parse(text, path, list, error)) return false;
            if (rs.pools.version().empty()) rs.pools.set_version(list.version());
            rs.pools.merge(list);
        } else if (!f.load(rt, path, rs, error)) {
            return false;
        }
        rs.versions[f.name] = rt.version;
    }
    out = std::move(rs);
    return true;
}

}  // namespace mr
