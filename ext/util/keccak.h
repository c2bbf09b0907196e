// Keccak-256 as Monero and Ethereum use it (the original Keccak padding, not SHA3-256's): the
// checksum of Monero addresses, so that only a real address counts as a wallet.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace mr {

std::array<uint8_t, 32> keccak256(std::string_view data);

}  // namespace mr
