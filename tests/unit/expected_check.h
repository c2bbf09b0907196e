// Test helper for functions returning mr::Expected / mr::Status: the failure's message, so a test
// can say CHECK(error_of(load(...)) == "file:3: ...") and REQUIRE_MESSAGE(r, error_of(r)).
#pragma once
#include <string>

#include "util/expected.h"

namespace mr_test {

// The message of a failure; "(succeeded)" when there was none, which no expected message equals.
template <class T>
std::string error_of(const mr::Expected<T>& result) {
    return result ? std::string("(succeeded)") : result.error().message;
}

}  // namespace mr_test
