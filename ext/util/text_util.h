// Small pure text helpers shared by the rule, IOC, feed and config parsers. ASCII only on
// purpose: what they read is attacker-controlled or machine-written, and must not change with
// the locale. None of them throws or allocates more than its result.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace mr {

// The C locale's white space: what isspace() says without a locale behind it.
inline constexpr std::string_view kAsciiSpace = " \t\n\r\v\f";

// ASCII character classes, whatever the locale (host text is bytes, not characters).
inline bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }

// 'A'..'Z' to 'a'..'z'; every other byte as it is.
char to_lower_ascii(char c);
std::string to_lower_ascii(std::string_view s);
// 'a'..'z' to 'A'..'Z' (config keywords are case-blind).
std::string to_upper_ascii(std::string_view s);

// `s` without leading and trailing bytes from `blanks`.
std::string_view trim(std::string_view s, std::string_view blanks = kAsciiSpace);

// The runs of `s` between bytes from `blanks` ("a  b\tc" -> a, b, c); no empty tokens.
std::vector<std::string_view> split_whitespace(std::string_view s,
                                               std::string_view blanks = kAsciiSpace);

// Words separated by `blanks`; a '"' toggles quoting, so KEY="a b" is one word `KEY=a b` (the
// quotes themselves are dropped). Fails with "unterminated quote" on an odd '"'.
Expected<std::vector<std::string>> split_quoted_words(std::string_view line, std::string_view blanks = " \t");

// Digits only, 1 to `max_digits` of them (at most 19, so the value cannot overflow); no sign,
// no blanks. `out` is left alone on failure.
bool parse_decimal(std::string_view s, std::size_t max_digits, unsigned long long& out);

// A TCP/UDP port, "1".."65535" (leading zeros allowed within 5 digits, "0" refused).
bool parse_port(std::string_view s, uint16_t& out);

// Walks a text line by line: lines end at '\n' (kept out of the line), a last line without one
// still counts, and a final '\n' does not make an empty extra line. '\r' is left to the caller.
//   LineReader lines(text);
//   for (std::string_view line; lines.next(line);) use(lines.number(), line);
class LineReader {
public:
    explicit LineReader(std::string_view text) : text_(text) {}
    // The next line into `line`; false when the text is used up.
    bool next(std::string_view& line);
    // 1-based number of the line `next` gave last (0 before the first).
    std::size_t number() const { return number_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t number_ = 0;
};

}  // namespace mr
