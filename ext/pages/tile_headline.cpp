#include "pages/tile_headline.h"

#include <vector>

namespace mr {

namespace {

// UTF-8 aware length and cut, so that a long name is never cut inside a character.
std::size_t u8len(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string u8cut(const std::string& s, std::size_t chars) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (n == chars) return s.substr(0, i);
            ++n;
        }
    }
    return s;
}

// A value that alone is longer than its share ends in an ellipsis: visibly shortened.
std::string fit(const std::string& s, std::size_t chars) {
    if (u8len(s) <= chars) return s;
    return u8cut(s, chars > 1 ? chars - 1 : 0) + "\xe2\x80\xa6";
}

// The parts of a finding's line 1, as status_text.cpp writes it:
// "COMM (pid P, user U) on C cores[, pool X][: sig, sig][ (+N more)][; limited visibility: ...][ (agentless)]"
struct Parts {
    std::string comm, pid, user, cores, pool, signals, more, limited, agentless;
};

bool split_finding(const std::string& h, Parts& p) {
    std::size_t open = h.find(" (pid ");
    if (open == std::string::npos) return false;
    std::size_t close = h.find(") on ", open);
    std::size_t cores_end = close == std::string::npos ? close : h.find(" cores", close);
    if (cores_end == std::string::npos) return false;
    p.comm = h.substr(0, open);
    std::string inner = h.substr(open + 2, close - open - 2);  // "pid P, user U"
    std::size_t comma = inner.find(", user ");
    p.pid = inner.substr(0, comma);
    if (comma != std::string::npos) p.user = inner.substr(comma + 2);
    p.cores = h.substr(close + 2, cores_end + 6 - close - 2);  // "on C cores"
    std::string rest = h.substr(cores_end + 6);
    const std::string agentless = " (agentless)";
    if (rest.size() >= agentless.size() && rest.compare(rest.size() - agentless.size(), agentless.size(), agentless) == 0) {
        p.agentless = agentless;
        rest.resize(rest.size() - agentless.size());
    }
    std::size_t lim = rest.find("; limited visibility");
    if (lim != std::string::npos) {
        p.limited = rest.substr(lim);
        rest.resize(lim);
    }
    std::size_t more = rest.rfind(" (+");
    if (more != std::string::npos && rest.back() == ')') {
        p.more = rest.substr(more);
        rest.resize(more);
    }
    if (rest.rfind(", pool ", 0) == 0) {
        std::size_t colon = rest.find(": ");
        p.pool = rest.substr(2, colon == std::string::npos ? std::string::npos : colon - 2);
        rest = colon == std::string::npos ? "" : rest.substr(colon);
    }
    if (rest.rfind(":", 0) == 0) p.signals = rest;
    else if (!rest.empty()) return false;  // not the shape we know: treat as plain text
    return true;
}

std::string join(const Parts& p, bool pid, bool user, bool signals, bool more, bool limited, bool agentless) {
    std::string s = p.comm;
    std::string inner = pid ? p.pid : "";
    if (user && !p.user.empty()) inner += (inner.empty() ? "" : ", ") + p.user;
    if (!inner.empty()) s += " (" + inner + ")";
    s += " " + p.cores;
    if (!p.pool.empty()) s += ", " + p.pool;
    if (signals) s += p.signals;
    if (more) s += p.more;
    if (limited) s += p.limited;
    if (agentless) s += p.agentless;
    return s;
}

// Other line 1s ("could not look: ...", "limited visibility: a; b", host signals): whole
// clauses from the end; only a single clause that is still too long loses words, visibly.
std::string shorten_text(const std::string& h, std::size_t max_chars) {
    std::string s = h;
    while (u8len(s) > max_chars) {
        std::size_t cut = s.rfind("; ");
        if (cut == std::string::npos || cut == 0) break;
        s.resize(cut);
    }
    if (u8len(s) <= max_chars) return s;
    const std::size_t room = max_chars > 2 ? max_chars - 2 : 0;  // for " ..."
    while (u8len(s) > room) {
        std::size_t sp = s.rfind(' ');
        if (sp == std::string::npos || sp == 0) return fit(s, max_chars);
        s.resize(sp);
    }
    while (!s.empty() && (s.back() == ',' || s.back() == ':' || s.back() == ';')) s.pop_back();
    return s + " \xe2\x80\xa6";
}

}  // namespace

std::string tile_headline(const std::string& line1, std::size_t max_chars) {
    if (u8len(line1) <= max_chars) return line1;
    Parts p;
    if (!split_finding(line1, p)) return shorten_text(line1, max_chars);
    // Least useful first; each step drops one whole part.
    const bool steps[][6] = {
        // pid   user   signals more   limited agentless
        {true, true, true, true, false, true},
        {true, true, false, true, false, true},
        {true, false, false, true, false, true},
        {true, false, false, true, false, false},
        {false, false, false, true, false, false},
        {false, false, false, false, false, false},
    };
    for (const auto& st : steps) {
        std::string s = join(p, st[0], st[1], st[2], st[3], st[4], st[5]);
        if (u8len(s) <= max_chars) return s;
    }
    // Still too long: the name or the pool alone is huge. Shorten those two, visibly.
    Parts q = p;
    std::size_t fixed = u8len(join(Parts{"", "", "", p.cores, "", "", "", "", ""}, false, false, false, false, false, false));
    std::size_t budget = max_chars > fixed + 2 ? max_chars - fixed - 2 : 0;
    std::size_t pool_share = q.pool.empty() ? 0 : budget / 2;
    q.comm = fit(q.comm, budget - pool_share);
    if (!q.pool.empty()) q.pool = "pool " + fit(q.pool.substr(5), pool_share > 5 ? pool_share - 5 : 1);
    return join(q, false, false, false, false, false, false);
}

}  // namespace mr
