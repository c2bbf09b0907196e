// The one error convention of ext/: a function that can fail returns Expected<T> (a value or an
// Error carrying a message for the operator), tl::expected from Debian's libexpected-dev, the
// std::expected of C++23 for C++17. Errors about a line of a file read "FILE:LINE: message",
// built by at_line() and nowhere else.
#pragma once
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace mr {

struct Error {
    std::string message;
    // Where, for an error about a line of a file (set by fail_at; the message names it too).
    std::string file;
    long line = 0;
};

template <class T>
using Expected = tl::expected<T, Error>;

// What a function that can fail but has nothing to return gives back.
using Status = Expected<void>;

// The failure side of an Expected: `return fail("cannot open " + path);`
inline tl::unexpected<Error> fail(std::string message) {
    return tl::make_unexpected(Error{std::move(message), {}, 0});
}

// Passes a failure on unchanged, into an Expected of another type:
// `if (!text) return fail(text.error());`
inline tl::unexpected<Error> fail(Error error) { return tl::make_unexpected(std::move(error)); }

// "FILE:LINE", the place of a line in a config or rule file (policy scopes name themselves so).
inline std::string file_line(std::string_view file, long line) {
    std::string out(file);
    out += ':';
    out += std::to_string(line);
    return out;
}

// "FILE:LINE: message", the one format of every error about a line of a file.
inline std::string at_line(std::string_view file, long line, std::string_view message) {
    std::string out = file_line(file, line);
    out += ": ";
    out += message;
    return out;
}

// fail(at_line(...)), keeping the place: `return fail_at(path, n, "expected key=value");`
inline tl::unexpected<Error> fail_at(std::string_view file, long line, std::string_view message) {
    return tl::make_unexpected(Error{at_line(file, line, message), std::string(file), line});
}


}  // namespace mr
