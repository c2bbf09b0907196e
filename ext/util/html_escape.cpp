#include "util/html_escape.h"

namespace mr {

namespace {

// in_text: element text only, where quotes need no escaping and a line break reads as a space.
std::string escape(std::string_view raw, bool in_text) {
    std::string out;
    out.reserve(raw.size() + raw.size() / 8);
    for (unsigned char c : raw) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += in_text ? "\"" : "&quot;"; break;
            case '\'': out += in_text ? "'" : "&#39;"; break;
            case '\t': out += ' '; break;
            case '\n':
            case '\r':
                // A newline would let host text start a status line of its own.
                out += in_text ? ' ' : '?';
                break;
            default:
                if (c < 0x20 || c == 0x7f) out += '?';
                else out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

std::string escape_html(std::string_view raw) { return escape(raw, false); }

std::string escape_html_text(std::string_view raw) { return escape(raw, true); }

std::string url_encode(std::string_view raw) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : raw) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string truncate_text(std::string_view s, size_t max_bytes) {
    if (s.size() <= max_bytes) return std::string(s);
    size_t cut = max_bytes;
    // Step back over UTF-8 continuation bytes so a character is never split.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + "...";
}

std::string escape_json_end_tags(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    for (size_t i = 0; i < json.size(); ++i) {
        if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += json[i];
        }
    }
    return out;
}

std::string escape_html_capped(std::string_view raw, size_t max_bytes) {
    return escape_html(truncate_text(raw, max_bytes));
}

}  // namespace mr
