#include "xymon/kv_codec.h"

namespace mr {

namespace {
bool needs_escape(unsigned char c) {
    return c <= 0x20 || c >= 0x7f || c == '%' || c == '=' || c == '&' || c == '<' || c == '>' ||
           c == '|' || c == '"' || c == '\'' || c == '[' || c == ']';
}
int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string percent_encode(std::string_view raw) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (unsigned char c : raw) {
        if (needs_escape(c)) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string percent_decode(std::string_view enc) {
    std::string out;
    out.reserve(enc.size());
    for (size_t i = 0; i < enc.size(); ++i) {
        if (enc[i] == '%' && i + 2 < enc.size()) {
            int hi = hexval(enc[i + 1]), lo = hexval(enc[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += enc[i];
    }
    return out;
}

std::string encode_kv_line(const KvRecord& rec) {
    std::string out;
    for (const auto& [k, v] : rec) {
        if (!out.empty()) out += ' ';
        out += percent_encode(k);
        out += '=';
        out += percent_encode(v);
    }
    return out;
}

KvRecord parse_kv_line(std::string_view line) {
    KvRecord rec;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i == start) break;
        std::string_view tok = line.substr(start, i - start);
        size_t eq = tok.find('=');
        if (eq == std::string_view::npos)
            rec.emplace_back(percent_decode(tok), "");
        else
            rec.emplace_back(percent_decode(tok.substr(0, eq)), percent_decode(tok.substr(eq + 1)));
    }
    return rec;
}

std::string kv_get(const KvRecord& rec, std::string_view key, std::string fallback) {
    for (const auto& [k, v] : rec)
        if (k == key) return v;
    return fallback;
}

}  // namespace mr
