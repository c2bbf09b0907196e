#pragma once
// Just enough JSON for line-delimited stratum messages and an xmrig-like config file, shared by
// the miner simulator and the loopback pool. Never throws on garbage: a lookup that cannot be
// answered returns nothing. Not a validator, only an extractor over bounded text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mr::sim {

inline size_t json_skip_ws(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    return i;
}

// s[i] is '"': returns the index just past the closing quote, or npos when unterminated.
inline size_t json_string_end(std::string_view s, size_t i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') { ++i; continue; }
        if (s[i] == '"') return i + 1;
    }
    return std::string_view::npos;
}

// End (exclusive) of the value starting at s[i]; npos when malformed or nested too deep.
inline size_t json_value_end(std::string_view s, size_t i) {
    if (i >= s.size()) return std::string_view::npos;
    if (s[i] == '"') return json_string_end(s, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < s.size()) {
            char c = s[i];
            if (c == '"') {
                i = json_string_end(s, i);
                if (i == std::string_view::npos) return i;
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > 64) return std::string_view::npos;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
            ++i;
        }
        return std::string_view::npos;
    }
    size_t start = i;
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '\r' && s[i] != '\n')
        ++i;
    return i == start ? std::string_view::npos : i;
}

inline std::string json_unescape(std::string_view quoted) {
    std::string out;
    if (quoted.size() < 2 || quoted.front() != '"') return out;
    std::string_view s = quoted.substr(1, quoted.size() - 2);
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c != '\\' || i + 1 >= s.size()) { out += c; continue; }
        char e = s[++i];
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
            unsigned cp = 0;
            size_t k = 0;
            for (; k < 4 && i + 1 < s.size(); ++k) {
                char h = s[i + 1];
                unsigned v = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                           : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : 99;
                if (v == 99) break;
                cp = cp * 16 + v;
                ++i;
            }
            if (cp < 0x80) out += char(cp);
            else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
            else { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
            break;
        }
        default: out += e;
        }
    }
    return out;
}

// Raw text of member `key` of the object `obj` (top level only), e.g. "\"abc\"", "12", "{...}".
inline std::optional<std::string_view> json_field(std::string_view obj, std::string_view key) {
    size_t i = json_skip_ws(obj, 0);
    if (i >= obj.size() || obj[i] != '{') return std::nullopt;
    ++i;
    while (true) {
        i = json_skip_ws(obj, i);
        if (i >= obj.size() || obj[i] != '"') return std::nullopt;
        size_t kend = json_string_end(obj, i);
        if (kend == std::string_view::npos) return std::nullopt;
        std::string_view k = obj.substr(i + 1, kend - i - 2);
        i = json_skip_ws(obj, kend);
        if (i >= obj.size() || obj[i] != ':') return std::nullopt;
        i = json_skip_ws(obj, i + 1);
        size_t vend = json_value_end(obj, i);
        if (vend == std::string_view::npos) return std::nullopt;
        if (k == key) return obj.substr(i, vend - i);
        i = json_skip_ws(obj, vend);
        if (i >= obj.size() || obj[i] != ',') return std::nullopt;
        ++i;
    }
}

// Raw items of a JSON array.
inline std::vector<std::string_view> json_items(std::string_view arr) {
    std::vector<std::string_view> items;
    size_t i = json_skip_ws(arr, 0);
    if (i >= arr.size() || arr[i] != '[') return items;
    i = json_skip_ws(arr, i + 1);
    if (i < arr.size() && arr[i] == ']') return items;
    while (i < arr.size() && items.size() < 1024) {
        size_t end = json_value_end(arr, i);
        if (end == std::string_view::npos) break;
        items.push_back(arr.substr(i, end - i));
        i = json_skip_ws(arr, end);
        if (i >= arr.size() || arr[i] != ',') break;
        i = json_skip_ws(arr, i + 1);
    }
    return items;
}

inline bool json_is_string(std::string_view raw) { return raw.size() >= 2 && raw.front() == '"'; }

inline std::optional<std::string> json_string(std::string_view obj, std::string_view key) {
    auto raw = json_field(obj, key);
    if (!raw || !json_is_string(*raw)) return std::nullopt;
    return json_unescape(*raw);
}

inline std::optional<long> json_int(std::string_view obj, std::string_view key) {
    auto raw = json_field(obj, key);
    if (!raw || raw->empty()) return std::nullopt;
    std::string_view v = *raw;
    if (json_is_string(v)) v = v.substr(1, v.size() - 2);
    long n = 0;
    bool neg = false;
    size_t i = 0;
    if (i < v.size() && v[i] == '-') { neg = true; ++i; }
    if (i >= v.size()) return std::nullopt;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
        if (n > 100000000) return std::nullopt;
        n = n * 10 + (v[i] - '0');
    }
    return neg ? -n : n;
}

inline std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') { out += '\\'; out += char(c); }
        else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else out += char(c);
    }
    return out + "\"";
}

}  // namespace mr::sim
