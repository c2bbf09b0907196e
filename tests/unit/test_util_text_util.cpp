#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "util/text_util.h"

using mr::LineReader;

namespace {

// Every line of `text` with its number, as a parser walking it sees them.
std::vector<std::pair<size_t, std::string>> walk(std::string_view text) {
    std::vector<std::pair<size_t, std::string>> out;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) out.emplace_back(lines.number(), std::string(line));
    return out;
}

std::vector<std::string> words(std::string_view s, std::string_view blanks = mr::kAsciiSpace) {
    std::vector<std::string> out;
    for (std::string_view w : mr::split_whitespace(s, blanks)) out.emplace_back(w);
    return out;
}

}  // namespace

TEST_CASE("text_util: to_lower_ascii and to_upper_ascii change ASCII letters only") {
    CHECK(mr::to_lower_ascii("XMRig-6.21_Z") == "xmrig-6.21_z");
    CHECK(mr::to_upper_ascii("maxAge=1h") == "MAXAGE=1H");
    CHECK(mr::to_lower_ascii('Q') == 'q');
    CHECK(mr::to_lower_ascii('@') == '@');  // the byte before 'A'
    CHECK(mr::to_lower_ascii('[') == '[');  // the byte after 'Z'
    // UTF-8 bytes ("É") pass through untouched whatever the locale.
    CHECK(mr::to_lower_ascii("\xc3\x89T\xc3\xa9") == "\xc3\x89t\xc3\xa9");
    CHECK(mr::to_upper_ascii("") == "");
}

TEST_CASE("text_util: trim strips the given blanks at both ends only") {
    CHECK(mr::trim("  a b \t\r\n") == "a b");
    CHECK(mr::trim("\v\fx\f") == "x");
    CHECK(mr::trim(" \t ") == "");
    CHECK(mr::trim("") == "");
    // A narrower set keeps the other bytes: feed lines keep a vertical tab, which is then refused.
    CHECK(mr::trim("\vdomain.example \r", " \t\r") == "\vdomain.example");
}

TEST_CASE("text_util: split_whitespace gives the non-empty runs") {
    CHECK(words("  xmrig   strong\t# note ") == std::vector<std::string>{"xmrig", "strong", "#", "note"});
    CHECK(words("").empty());
    CHECK(words(" \t\r ").empty());
    CHECK(words("one") == std::vector<std::string>{"one"});
    CHECK(words("a\rb", " \t") == std::vector<std::string>{"a\rb"});
}

TEST_CASE("text_util: split_quoted_words keeps quoted blanks and drops the quotes") {
    using Words = std::vector<std::string>;
    CHECK(mr::split_quoted_words(R"(FEED x URL="http://h/a b"  LICENSE="")") ==
          Words{"FEED", "x", "URL=http://h/a b", "LICENSE="});
    auto open = mr::split_quoted_words(R"(REASON="open)");
    REQUIRE_FALSE(open);
    CHECK(open.error().message == "unterminated quote");
    CHECK(mr::split_quoted_words("a\rb c") == Words{"a\rb", "c"});
    CHECK(mr::split_quoted_words("a\rb c\r", " \t\r") == Words{"a", "b", "c"});
}

TEST_CASE("text_util: parse_decimal takes bounded digit strings only") {
    unsigned long long v = 7;
    CHECK(mr::parse_decimal("0", 3, v));
    CHECK(v == 0);
    CHECK(mr::parse_decimal("128", 3, v));
    CHECK(v == 128);
    CHECK(mr::parse_decimal("999999999999999", 15, v));
    CHECK(v == 999999999999999ULL);
    v = 7;
    for (const char* bad : {"", "1000", "-1", "+1", " 1", "1 ", "1a", "0x1"}) {
        CAPTURE(bad);
        CHECK_FALSE(mr::parse_decimal(bad, 3, v));
        CHECK(v == 7);  // untouched on failure
    }
    // More than 19 digits could overflow: refused whatever the caller asks.
    CHECK_FALSE(mr::parse_decimal("99999999999999999999", 30, v));
    CHECK(mr::parse_decimal("9999999999999999999", 30, v));
}

TEST_CASE("text_util: parse_port accepts 1-65535") {
    uint16_t p = 9;
    CHECK(mr::parse_port("1", p));
    CHECK(p == 1);
    CHECK(mr::parse_port("65535", p));
    CHECK(p == 65535);
    CHECK(mr::parse_port("03333", p));
    CHECK(p == 3333);
    p = 9;
    for (const char* bad : {"0", "00000", "65536", "99999", "123456", "", "-1", "80 ", "8o"}) {
        CAPTURE(bad);
        CHECK_FALSE(mr::parse_port(bad, p));
        CHECK(p == 9);
    }
}

TEST_CASE("text_util: LineReader numbers lines as an editor does") {
    using L = std::vector<std::pair<size_t, std::string>>;
    CHECK(walk("").empty());
    CHECK(walk("a") == L{{1, "a"}});
    CHECK(walk("a\n") == L{{1, "a"}});  // a final newline adds no line
    CHECK(walk("a\n\nb") == L{{1, "a"}, {2, ""}, {3, "b"}});
    CHECK(walk("\n") == L{{1, ""}});
    CHECK(walk("x\r\ny\r\n") == L{{1, "x\r"}, {2, "y\r"}});  // '\r' is the caller's
    LineReader lines("only");
    CHECK(lines.number() == 0);
    std::string_view line;
    CHECK(lines.next(line));
    CHECK_FALSE(lines.next(line));
    CHECK(lines.number() == 1);
}
