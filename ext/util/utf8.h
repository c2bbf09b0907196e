// Valid UTF-8 out of any bytes: each byte that does not start a well-formed sequence (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF) becomes U+FFFD. For text exports
// (Markdown) of host-supplied strings.
#pragma once
#include <string>
#include <string_view>

namespace mr {

std::string valid_utf8(std::string_view raw);

}  // namespace mr
