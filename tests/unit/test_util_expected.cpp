#include <doctest/doctest.h>

#include <string>

#include "util/expected.h"

namespace {

// A parser in the house style: a value, or an error naming the line.
mr::Expected<int> parse_port(const std::string& text, const std::string& file, long line) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return mr::fail_at(file, line, "expected a port number 1-65535: " + text);
    int n = std::stoi(text);
    if (n < 1 || n > 65535) return mr::fail_at(file, line, "port out of range: " + text);
    return n;
}

mr::Status check_not_empty(const std::string& s) {
    if (s.empty()) return mr::fail("empty value");
    return {};
}

}  // namespace

TEST_CASE("expected: at_line gives FILE:LINE: message, the format every config error uses") {
    CHECK(mr::at_line("/etc/xymon/miningrisk-policy.cfg", 12, "unknown key FOO") ==
          "/etc/xymon/miningrisk-policy.cfg:12: unknown key FOO");
    CHECK(mr::file_line("pools.txt", 3) == "pools.txt:3");
    CHECK(mr::at_line("pools.txt", 3, "") == "pools.txt:3: ");
    // Line numbers are printed in full, not truncated to int.
    CHECK(mr::at_line("big.txt", 3000000000L, "x") == "big.txt:3000000000: x");
}

TEST_CASE("expected: a parser returns the value or an error carrying FILE:LINE") {
    auto ok = parse_port("3333", "ports.txt", 4);
    REQUIRE(ok);
    CHECK(*ok == 3333);

    auto bad = parse_port("33x3", "ports.txt", 7);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "ports.txt:7: expected a port number 1-65535: 33x3");
    // The place is also kept apart, for a caller that points at the line.
    CHECK(bad.error().file == "ports.txt");
    CHECK(bad.error().line == 7);
    CHECK(check_not_empty("").error().line == 0);  // fail(): no place

    auto range = parse_port("70000", "ports.txt", 8);
    REQUIRE_FALSE(range);
    CHECK(range.error().message == "ports.txt:8: port out of range: 70000");
}

TEST_CASE("expected: Status is success or a message, with nothing to return") {
    CHECK(check_not_empty("x"));
    mr::Status s = check_not_empty("");
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "empty value");
    // and_then chains stop at the first failure, keeping its message.
    auto chained = check_not_empty("").and_then([] { return parse_port("1", "f", 1); });
    REQUIRE_FALSE(chained);
    CHECK(chained.error().message == "empty value");
}

TEST_CASE("expected: fail(error) passes a failure on to an Expected of another type, message intact") {
    auto read_count = [](const std::string& text) -> mr::Expected<long> {
        mr::Status present = check_not_empty(text);
        if (!present) return mr::fail(present.error());
        mr::Expected<int> port = parse_port(text, "counts.txt", 2);
        if (!port) return mr::fail(port.error());
        return long(*port) * 2;
    };
    CHECK(read_count("21") == 42L);
    REQUIRE_FALSE(read_count(""));
    CHECK(read_count("").error().message == "empty value");
    CHECK(read_count("x").error().message == "counts.txt:2: expected a port number 1-65535: x");
}
