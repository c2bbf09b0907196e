#include "incident/entry_hints.h"

#include <algorithm>

#include "util/text_util.h"

namespace mr {

namespace {

bool name_matches(const std::vector<std::string>& names, const std::string& value) {
    std::string v = to_lower_ascii(value);
    for (const auto& n : names) {
        if (!n.empty() && n.back() == '*') {
            if (v.compare(0, n.size() - 1, n, 0, n.size() - 1) == 0) return true;
        } else if (v == n) {
            return true;
        }
    }
    return false;
}

std::string who(const IncidentProcess& p) {
    return p.pid > 0 ? p.comm + " (pid " + std::to_string(p.pid) + ")" : "the host";
}

}  // namespace

Expected<EntryHintRules> parse_entry_hints(std::string_view text, const std::string& file) {
    EntryHintRules res;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        auto bad = [&](const std::string& m) { return fail(at_line(file, static_cast<long>(lines.number()), m)); };
        std::string_view t = trim(line);
        if (t.empty()) continue;
        if (t[0] == '#') {
            std::string_view c = trim(t.substr(1));
            if (res.version.empty() && c.compare(0, 8, "version:") == 0) res.version = std::string(trim(c.substr(8)));
            continue;
        }
        EntryHintRule r;
        r.line = static_cast<int>(lines.number());
        size_t hash = t.find(" #");
        if (hash == std::string_view::npos) return bad("entry without a '# source' comment");
        r.source = std::string(trim(t.substr(hash + 2)));
        std::vector<std::string_view> f = split_whitespace(t.substr(0, hash));
        if (f.size() < 4) return bad("expected MATCH SCORE TECHNIQUES HINT TEXT # source");
        size_t colon = f[0].find(':');
        if (colon == std::string_view::npos) return bad("MATCH must be parent:, parent1:, signal: or user:");
        std::string_view kind = f[0].substr(0, colon);
        if (kind == "parent") r.kind = EntryHintRule::Kind::parent;
        else if (kind == "parent1") r.kind = EntryHintRule::Kind::parent1;
        else if (kind == "signal") r.kind = EntryHintRule::Kind::signal;
        else if (kind == "user") r.kind = EntryHintRule::Kind::user;
        else return bad("unknown MATCH kind '" + std::string(kind) + "' (parent, parent1, signal, user)");
        std::string_view names = f[0].substr(colon + 1);
        size_t start = 0;
        while (start <= names.size()) {
            size_t comma = names.find(',', start);
            std::string_view n = names.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
            if (!n.empty()) r.names.push_back(kind == "signal" ? std::string(n) : to_lower_ascii(n));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        if (r.names.empty()) return bad("MATCH names nothing");
        unsigned long long score = 0;
        if (!parse_decimal(f[1], 3, score) || score > 100) return bad("SCORE must be a number from 0 to 100");
        r.score = static_cast<int>(score);
        r.techniques = std::string(f[2]);
        std::string hint;
        for (size_t i = 3; i < f.size(); ++i) hint += (hint.empty() ? "" : " ") + std::string(f[i]);
        r.text = hint;
        res.rules.push_back(std::move(r));
    }
    return res;
}

std::vector<EntryHint> rank_entry_hints(const Incident& inc, const EntryHintRules& rules) {
    std::vector<EntryHint> out;
    for (const EntryHintRule& r : rules.rules) {
        EntryHint h;
        for (const IncidentProcess& p : inc.processes) {
            switch (r.kind) {
                case EntryHintRule::Kind::parent:
                case EntryHintRule::Kind::parent1: {
                    std::vector<std::string> chain = p.parent_chain;
                    if (chain.empty() && !p.parent_comm.empty()) chain.push_back(p.parent_comm);
                    size_t depth_max = r.kind == EntryHintRule::Kind::parent1 ? 1 : chain.size();
                    for (size_t d = 0; d < chain.size() && d < depth_max; ++d) {
                        if (!name_matches(r.names, chain[d])) continue;
                        h.score = std::max(h.score, std::max(1, r.score - 10 * static_cast<int>(d)));
                        h.because.push_back((d == 0 ? "parent " : "ancestor " ) + chain[d] + " of " + who(p));
                        break;
                    }
                    break;
                }
                case EntryHintRule::Kind::user:
                    if (p.pid > 0 && name_matches(r.names, p.user)) {
                        h.score = std::max(h.score, r.score);
                        h.because.push_back("user " + p.user + " of " + who(p));
                    }
                    break;
                case EntryHintRule::Kind::signal:
                    for (const auto& s : p.signals)
                        if (std::find(r.names.begin(), r.names.end(), s) != r.names.end()) {
                            h.score = std::max(h.score, r.score);
                            h.because.push_back("signal " + s + " on " + who(p));
                            break;
                        }
                    break;
            }
        }
        if (h.because.empty()) continue;
        if (h.because.size() > 10) h.because.resize(10);
        h.text = r.text;
        h.techniques = r.techniques;
        h.source = r.source;
        out.push_back(std::move(h));
    }
    std::stable_sort(out.begin(), out.end(), [](const EntryHint& a, const EntryHint& b) { return a.score > b.score; });
    return out;
}

}  // namespace mr
