#include "util/html_escape.h"

namespace mr {

std::string escape_html(std::string_view raw) {
    std::string out;
    out.reserve(raw.size() + raw.size() / 8);
    for (unsigned char c : raw) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\t': out += ' '; break;
            default:
                // A newline would let host text start a status line of its own.
                if (c < 0x20 || c == 0x7f) out += '?';
                else out += static_cast<char>(c);
        }
    }
    return out;
}

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

}  // namespace mr
