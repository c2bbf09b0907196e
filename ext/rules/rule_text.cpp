#include "rules/rule_text.h"

#include "util/text_util.h"

namespace mr {

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

std::string quote_for_error(std::string_view s, size_t max) {
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
    }
    if (s.size() > max) out += "...";
    return out + "'";
}

bool parse_strength_field(const RuleLine& l, size_t index, Strength fallback, Strength& out) {
    if (index >= l.fields.size()) {
        out = fallback;
        return true;
    }
    return parse_strength(l.fields[index], out);
}

}  // namespace mr
