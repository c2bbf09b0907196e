// Monero addresses: Monero's own base58 (8-byte blocks as 11 characters, the last block shorter)
// over network byte, spend key, view key [, payment id] and a 4-byte Keccak-256 checksum. A
// 95-character word starting with 4 is not evidence by its shape alone; a valid checksum is.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mr {

// Decodes Monero base58; false on a character outside the alphabet, a block that overflows or
// a last block of impossible length.
bool monero_base58_decode(std::string_view text, std::string& bytes);
std::string monero_base58_encode(std::string_view bytes);

// A standard (95 characters) or integrated (106) address whose checksum holds.
bool valid_monero_address(std::string_view text);

}  // namespace mr
