#include "util/text_util.h"

namespace mr {

char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string to_lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_lower_ascii(c);
    return out;
}

std::string to_upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return out;
}

std::string_view trim(std::string_view s, std::string_view blanks) {
    while (!s.empty() && blanks.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
    while (!s.empty() && blanks.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split_whitespace(std::string_view s, std::string_view blanks) {
    std::vector<std::string_view> out;
    auto blank = [&](char c) { return blanks.find(c) != std::string_view::npos; };
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && blank(s[i])) ++i;
        std::size_t start = i;
        while (i < s.size() && !blank(s[i])) ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

Expected<std::vector<std::string>> split_quoted_words(std::string_view line, std::string_view blanks) {
    std::vector<std::string> words;
    auto blank = [&](char c) { return blanks.find(c) != std::string_view::npos; };
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && blank(line[i])) ++i;
        if (i >= line.size()) break;
        std::string word;
        bool quoted = false;
        while (i < line.size() && (quoted || !blank(line[i]))) {
            if (line[i] == '"') quoted = !quoted;
            else word += line[i];
            ++i;
        }
        if (quoted) return fail("unterminated quote");
        words.push_back(std::move(word));
    }
    return words;
}

bool parse_decimal(std::string_view s, std::size_t max_digits, unsigned long long& out) {
    if (max_digits > 19) max_digits = 19;
    if (s.empty() || s.size() > max_digits) return false;
    unsigned long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + unsigned(c - '0');
    }
    out = v;
    return true;
}

bool parse_port(std::string_view s, uint16_t& out) {
    unsigned long long v;
    if (!parse_decimal(s, 5, v) || v == 0 || v > 65535) return false;
    out = uint16_t(v);
    return true;
}

bool LineReader::next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    ++number_;
    return true;
}

}  // namespace mr
