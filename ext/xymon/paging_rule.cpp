#include "xymon/paging_rule.h"

#include <map>
#include <regex>
#include <sstream>
#include <vector>

namespace mr {

namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    std::string t;
    while (in >> t) w.push_back(t);
    return w;
}

// "a,b,%re,*" against a name.
bool list_matches(const std::string& list, const std::string& name) {
    if (list.empty()) return false;
    if (list[0] == '%') {
        try {
            return std::regex_search(name, std::regex(list.substr(1), std::regex::ECMAScript));
        } catch (const std::regex_error&) {
            return false;
        }
    }
    std::istringstream in(list);
    std::string item;
    while (std::getline(in, item, ','))
        if (item == "*" || item == name) return true;
    return false;
}

// The criteria of one rule or recipient; an absent criterion matches everything.
struct Criteria {
    std::map<std::string, std::string> values;  // HOST -> "a,b"
    bool matches(const std::string& host, const std::string& service, const std::string& color) const {
        auto has = [&](const char* k) { return values.count(k) != 0; };
        auto get = [&](const char* k) { return values.at(k); };
        if (has("HOST") && !list_matches(get("HOST"), host)) return false;
        if (has("EXHOST") && list_matches(get("EXHOST"), host)) return false;
        if (has("SERVICE") && !list_matches(get("SERVICE"), service)) return false;
        if (has("EXSERVICE") && list_matches(get("EXSERVICE"), service)) return false;
        if (has("COLOR") && !list_matches(get("COLOR"), color)) return false;
        return true;
    }
    // Takes "NAME=value"; false when the word is not a criterion we look at.
    bool take(const std::string& w) {
        size_t eq = w.find('=');
        if (eq == std::string::npos) return false;
        std::string k = w.substr(0, eq);
        if (k == "HOST" || k == "EXHOST" || k == "SERVICE" || k == "EXSERVICE" || k == "COLOR") {
            values[k] = w.substr(eq + 1);
            return true;
        }
        return false;
    }
};

bool is_recipient(const std::string& w) { return w == "MAIL" || w == "SCRIPT"; }

std::string expand_macros(const std::string& line, const std::map<std::string, std::string>& macros) {
    if (line.find('$') == std::string::npos) return line;
    std::string out;
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '$') { out += line[i]; continue; }
        size_t e = i + 1;
        while (e < line.size() && (std::isalnum(static_cast<unsigned char>(line[e])) || line[e] == '_')) ++e;
        auto it = macros.find(line.substr(i + 1, e - i - 1));
        if (it == macros.end()) { out += line[i]; continue; }
        out += it->second;
        i = e - 1;
    }
    return out;
}

}  // namespace

PagingInfo find_paging(const std::string& cfg, const std::string& host, const std::string& service,
                       const std::string& color) {
    std::map<std::string, std::string> macros;
    Criteria rule;
    bool in_rule = false;
    std::istringstream in(cfg);
    std::string raw;
    int lineno = 0;
    while (std::getline(in, raw)) {
        ++lineno;
        size_t s = raw.find_first_not_of(" \t\r");
        if (s == std::string::npos || raw[s] == '#') continue;
        std::string line = raw.substr(s);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (line[0] == '$') {  // $NAME=value
            size_t eq = line.find('=');
            if (eq != std::string::npos) macros[line.substr(1, eq - 1)] = expand_macros(line.substr(eq + 1), macros);
            continue;
        }
        std::vector<std::string> w = words(expand_macros(line, macros));
        size_t i = 0;
        if (!is_recipient(w[0])) {  // a new rule: its criteria up to the first recipient
            if (w[0].find('=') == std::string::npos) continue;  // include/directory/unknown: skip
            rule = Criteria{};
            in_rule = true;
            for (; i < w.size() && !is_recipient(w[i]); ++i) rule.take(w[i]);
        }
        if (!in_rule || !rule.matches(host, service, color)) continue;
        // Recipients on this line: "MAIL addr [criteria]" / "SCRIPT path recipient [criteria]".
        while (i < w.size()) {
            std::string method = w[i++];
            std::string who;
            if (method == "SCRIPT" && i + 1 < w.size()) { who = w[i + 1]; i += 2; }
            else if (i < w.size()) { who = w[i++]; }
            Criteria own;
            for (; i < w.size() && !is_recipient(w[i]); ++i) own.take(w[i]);
            if (!who.empty() && own.matches(host, service, color)) {
                PagingInfo p;
                p.found = true;
                p.recipient = who;
                p.method = method;
                p.line = lineno;
                return p;
            }
        }
    }
    return PagingInfo{};
}

std::string paging_text(const PagingInfo& p, const std::string& service) {
    if (!p.found) return "no paging rule for " + service + " in alerts.cfg";
    return "pages " + p.recipient + " (alerts.cfg line " + std::to_string(p.line) + ")";
}

}  // namespace mr
