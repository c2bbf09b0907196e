#include "rules/rule_files.h"

#include "rules/rule_text.h"
#include "rules/rules.h"
#include "util/expected.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {
namespace {

// One loader per file: fails with a FILE:LINE error.
using Loader = Status (*)(const RuleText&, const std::string& file, RuleSet&);

Status load_names(const RuleText& rt, const std::string& file, RuleSet& rs) {
    for (const RuleLine& l : rt.lines) {
        Strength s;
        if (l.fields.size() > 2 || !parse_strength_field(l, 1, Strength::strong, s)) {
            return fail_at(file, l.line, "expected: NAME [strong|medium|weak]");
        }
        if (l.fields[0].size() > 64) {
            return fail_at(file, l.line, "name too long");
        }
        rs.miner_names[to_lower_ascii(l.fields[0])] = s;
    }
    return {};
}

Status load_kthreads(const RuleText& rt, const std::string& file, RuleSet& rs) {
    for (const RuleLine& l : rt.lines) {
        const std::string& n = l.fields[0];
        if (l.fields.size() != 1 || n == "*") {
            return fail_at(file, l.line, "expected: NAME or PREFIX*");
        }
        if (n.back() == '*') rs.kthread_prefixes.push_back(n.substr(0, n.size() - 1));
        else rs.kthread_names.insert(n);
    }
    return {};
}

Status load_ports(const RuleText& rt, const std::string& file, RuleSet& rs) {
    for (const RuleLine& l : rt.lines) {
        uint16_t port;
        if (l.fields.size() != 1 || !parse_port(l.fields[0], port)) {
            return fail_at(file, l.line, "expected a port number 1-65535: " +
                                               quote_for_error(l.fields[0]));
        }
        rs.miner_ports.set(port);
    }
    return {};
}

Status load_markers(const RuleText& rt, const std::string& file, RuleSet& rs) {
    for (const RuleLine& l : rt.lines) {
        Strength s;
        if (l.fields.size() > 2 || !parse_strength_field(l, 1, Strength::medium, s)) {
            return fail_at(file, l.line, "expected: MARKER [strong|medium|weak]");
        }
        if (l.fields[0].size() < 4 || l.fields[0].size() > 64) {
            return fail_at(file, l.line, "marker must be 4 to 64 bytes (too short matches anything)");
        }
        rs.binary_markers.push_back({l.fields[0], s});
    }
    return {};
}

Status load_flags(const RuleText& rt, const std::string& file, RuleSet& rs) {
    for (const RuleLine& l : rt.lines) {
        const std::string& kind = l.fields[0];
        Strength s = Strength::medium;
        bool shape_ok = l.fields.size() >= 2 && l.fields.size() <= 3;
        if (shape_ok && !parse_strength_field(l, 2, Strength::medium, s)) shape_ok = false;
        if (!shape_ok) {
            return fail_at(file, l.line, "expected: KIND VALUE [strong|medium|weak]");
        }
        const std::string& v = l.fields[1];
        bool is_flag = v.size() >= 2 && v[0] == '-';
        if (kind == "miner-flag" && is_flag) rs.miner_flags[v] = s;
        else if (kind == "algo-flag" && is_flag) rs.algo_flags.insert(v);
        else if (kind == "pool-flag" && is_flag) rs.pool_flags.insert(v);
        else if (kind == "algo") rs.algorithms.insert(to_lower_ascii(v));
        else if (kind == "env") rs.env_names[v] = s;
        else {
            return fail_at(file, l.line,
                           "unknown kind or bad value (kinds: miner-flag, algo-flag, pool-flag "
                           "take a -flag; algo, env take a name): " + quote_for_error(kind));
        }
    }
    return {};
}

Status load_iocs(const RuleText&, const std::string&, RuleSet&) { return {}; }

}  // namespace

Expected<RuleSet> load_rule_dir(const std::string& dir) {
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
        std::string path = dir + "/" + f.name;
        Expected<std::string> read = read_file(path);
        if (!read) return fail(read.error());
        const std::string& text = *read;
        RuleText rt = split_rule_text(text);
        if (f.load == load_iocs) {
            Expected<IocList> list = IocList::parse(text, path);
            if (!list) return fail(list.error());
            if (rs.pools.version().empty()) rs.pools.set_version(list->version());
            rs.pools.merge(*list);
        } else if (Status loaded = f.load(rt, path, rs); !loaded) {
            return fail(loaded.error());
        }
        rs.versions[f.name] = rt.version;
    }
    return rs;
}

}  // namespace mr
