// HMAC-SHA256 (RFC 2104): the signature an operator's order carries from the CGI to the worker,
// so that only a holder of the order key (the CGI, the worker) can make one.
#pragma once
#include <string>
#include <string_view>

namespace mr {

// Lowercase hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Compares without an early exit, so the time taken does not tell how much of a guess matched.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace mr
