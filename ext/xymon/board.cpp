#include "xymon/board.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

namespace mr {

namespace {

int color_rank(const std::string& c) {
    // Xymon's own severity order (lib/color.h): green < clear < blue < purple < yellow < red.
    static const char* order[] = {"green", "clear", "blue", "purple", "yellow", "red"};
    for (int i = 0; i < 6; ++i)
        if (c == order[i]) return i;
    return -1;
}

std::string node_text(xmlNodePtr n) {
    xmlChar* c = xmlNodeGetContent(n);
    std::string s = c ? reinterpret_cast<const char*>(c) : "";
    xmlFree(c);
    return s;
}

bool parse_time_field(const std::string& s, std::time_t& out) {
    if (s.empty()) { out = 0; return true; }
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end != '\0' || v < 0) return false;
    out = static_cast<std::time_t>(v);
    return true;
}

// Body text from the colour word on, given the raw message ("status+30 h.t red ...\n...").
void fill_from_raw_message(const std::string& raw, BoardEntry& e) {
    size_t nl = raw.find('\n');
    std::string first = raw.substr(0, nl);
    std::string color;
    split_first_line(first, color, e.line1);
    std::string rest = nl == std::string::npos ? "" : raw.substr(nl);
    e.message = (color.empty() ? "" : color + " ") + e.line1 + rest;
}

void entry_from_status_node(xmlNodePtr status, BoardEntry& e) {
    std::string summary, message;
    bool has_message = false;
    for (xmlNodePtr c = status->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char* name = reinterpret_cast<const char*>(c->name);
        std::string v = node_text(c);
        if (!std::strcmp(name, "ServerName")) e.host = v;
        else if (!std::strcmp(name, "Type")) e.test = v;
        else if (!std::strcmp(name, "Status")) e.color = v;
        else if (!std::strcmp(name, "LastChange")) e.lastchange = parse_xymon_time(v);
        else if (!std::strcmp(name, "LogTime")) e.logtime = parse_xymon_time(v);
        else if (!std::strcmp(name, "ValidTime")) e.validtime = parse_xymon_time(v);
        else if (!std::strcmp(name, "AckTime")) e.acktime = parse_xymon_time(v);
        else if (!std::strcmp(name, "AckMsg")) e.ackmsg = v == "N/A" ? "" : v;
        else if (!std::strcmp(name, "MessageSummary")) summary = v;
        else if (!std::strcmp(name, "Message")) { message = v; has_message = true; }
    }
    if (has_message) {
        fill_from_raw_message(message, e);
    } else {
        std::string color;
        split_first_line(summary, color, e.line1);
    }
}

// Keeps one record per host/test; on a duplicate the worse colour wins.
void add_entry(std::vector<BoardEntry>& out, std::map<std::string, size_t>& seen, BoardEntry e) {
    std::string key = e.host + '\x01' + e.test;
    auto it = seen.find(key);
    if (it == seen.end()) {
        seen.emplace(key, out.size());
        out.push_back(std::move(e));
    } else if (color_rank(e.color) > color_rank(out[it->second].color)) {
        out[it->second] = std::move(e);
    }
}

}  // namespace

std::time_t parse_xymon_time(const std::string& s) {
    struct tm tm {};
    const char* end = strptime(s.c_str(), "%a %b %d %H:%M:%S %Y", &tm);
    if (!end || *end != '\0') return 0;
    tm.tm_isdst = -1;
    std::time_t t = mktime(&tm);
    return t < 0 ? 0 : t;
}

void split_first_line(const std::string& first_line, std::string& color, std::string& rest) {
    std::string word;
    size_t pos = 0;
    auto next_word = [&](std::string& w) {
        while (pos < first_line.size() && first_line[pos] == ' ') ++pos;
        size_t start = pos;
        while (pos < first_line.size() && first_line[pos] != ' ') ++pos;
        w = first_line.substr(start, pos - start);
    };
    next_word(word);
    if (word.compare(0, 6, "status") == 0) {
        std::string hosttest;
        next_word(hosttest);
        next_word(word);
    }
    color = color_rank(word) >= 0 ? word : "";
    if (color.empty()) pos = 0;  // not a colour: keep the whole line as text
    while (pos < first_line.size() && first_line[pos] == ' ') ++pos;
    rest = first_line.substr(pos);
    if (!rest.empty() && rest.back() == '\r') rest.pop_back();
}

std::string unescape_board_field(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) { out += s[i]; continue; }
        char c = s[++i];
        switch (c) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'p': out += '|'; break;
            case '\\': out += '\\'; break;
            default: out += '\\'; out += c;
        }
    }
    return out;
}

Expected<std::vector<BoardEntry>> parse_xml_board(const std::string& xml) {
    std::vector<BoardEntry> out;
    // No XML_PARSE_RECOVER or NOENT: refuse anything not well-formed, expand nothing, fetch nothing.
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "board.xml", nullptr, opts);
    if (!doc) {
        const xmlError* err = xmlGetLastError();
        std::string why = err && err->message ? err->message : "";
        while (!why.empty() && why.back() == '\n') why.pop_back();
        return fail("board XML is not well-formed" +
                    (err ? " (line " + std::to_string(err->line) + ": " + why + ")" : std::string()));
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    std::map<std::string, size_t> seen;
    bool ok = true;
    std::string why;
    if (root && !xmlStrcmp(root->name, BAD_CAST "ServerStatus")) {
        BoardEntry e;
        entry_from_status_node(root, e);
        add_entry(out, seen, std::move(e));
    } else if (root && !xmlStrcmp(root->name, BAD_CAST "StatusBoard")) {
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "ServerStatus")) continue;
            BoardEntry e;
            entry_from_status_node(c, e);
            if (e.host.empty()) continue;
            add_entry(out, seen, std::move(e));
        }
    } else {
        why = "board XML has no StatusBoard or ServerStatus root";
        ok = false;
    }
    xmlFreeDoc(doc);
    if (!ok) return fail(why);
    return out;
}

Expected<std::vector<BoardEntry>> parse_pipe_board(const std::string& text) {
    std::vector<BoardEntry> out;
    std::map<std::string, size_t> seen;
    std::istringstream in(text);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.empty()) continue;
        // 9 fields; the last (ackmsg) takes whatever is left, pipes included.
        std::vector<std::string> f;
        size_t start = 0;
        while (f.size() < 8) {
            size_t bar = line.find('|', start);
            if (bar == std::string::npos) break;
            f.push_back(line.substr(start, bar - start));
            start = bar + 1;
        }
        f.push_back(line.substr(start));
        if (f.size() != 9) return fail("board line " + std::to_string(lineno) + ": expected 9 fields");
        BoardEntry e;
        e.host = f[0];
        e.test = f[1];
        e.color = f[2];
        if (!parse_time_field(f[3], e.lastchange) || !parse_time_field(f[4], e.logtime) ||
            !parse_time_field(f[5], e.validtime) || !parse_time_field(f[6], e.acktime))
            return fail("board line " + std::to_string(lineno) + ": bad time field");
        fill_from_raw_message(unescape_board_field(f[7]), e);
        e.ackmsg = unescape_board_field(f[8]);
        add_entry(out, seen, std::move(e));
    }
    return out;
}

Expected<std::vector<BoardEntry>> parse_board(const std::string& text) {
    size_t i = text.find_first_not_of(" \t\r\n");
    if (i != std::string::npos && text[i] == '<') return parse_xml_board(text.substr(i));
    return parse_pipe_board(text);
}

std::vector<HistoryEvent> parse_history(const std::string& text, size_t max_events) {
    std::vector<HistoryEvent> all;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        // "Thu Nov 26 22:45:42 2026 red 1795733142 15": 5 date words, colour, start, [duration].
        std::istringstream w(line);
        std::string d[5], color, start, duration;
        if (!(w >> d[0] >> d[1] >> d[2] >> d[3] >> d[4] >> color >> start)) continue;
        w >> duration;
        if (color_rank(color) < 0) continue;
        HistoryEvent ev;
        ev.color = color;
        if (!parse_time_field(start, ev.start) || ev.start == 0) continue;
        if (!duration.empty()) {
            char* end = nullptr;
            long v = std::strtol(duration.c_str(), &end, 10);
            if (*end == '\0' && v >= 0) ev.duration = v;
        }
        all.push_back(ev);
    }
    std::vector<HistoryEvent> out;
    for (size_t i = all.size(); i > 0 && out.size() < max_events; --i) out.push_back(all[i - 1]);
    return out;
}

}  // namespace mr
