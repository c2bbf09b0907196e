// Entry hints: how the miner probably got in, ranked, from the incident's parent chains,
// users and signals against a shipped rule table (rules/entry-hints.txt, each row with its
// source). Pure: text in, rows out; errors as FILE:LINE.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.h"
#include "util/expected.h"

namespace mr {

struct EntryHintRule {
    enum class Kind { parent, parent1, signal, user };
    Kind kind = Kind::parent;
    std::vector<std::string> names;   // lower case; a trailing '*' is a prefix
    int score = 0;
    std::string techniques;           // "T1190,T1505.003"
    std::string text;
    std::string source;
    int line = 0;
};

struct EntryHintRules {
    std::string version;
    std::vector<EntryHintRule> rules;
};

// The table, or "FILE:LINE: message" on a bad row (the caller keeps its previous table).
Expected<EntryHintRules> parse_entry_hints(std::string_view text, const std::string& file);

struct EntryHint {
    int score = 0;
    std::string text, techniques, source;
    std::vector<std::string> because;   // "parent apache2 of xmrig (pid 4316)" (host text)
    bool operator==(const EntryHint& o) const {
        return score == o.score && text == o.text && techniques == o.techniques && source == o.source &&
               because == o.because;
    }
};

// Best first; one hint per rule with every match that led to it.
std::vector<EntryHint> rank_entry_hints(const Incident& inc, const EntryHintRules& rules);

}  // namespace mr
