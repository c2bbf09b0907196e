// Keccak-256 and Monero address checksums: a wallet is evidence only when its checksum holds.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "util/keccak.h"
#include "rules/monero_address.h"

using namespace mr;

namespace {

std::string hex(const std::array<uint8_t, 32>& d) {
    std::string out;
    char b[3];
    for (uint8_t x : d) {
        std::snprintf(b, sizeof b, "%02x", x);
        out += b;
    }
    return out;
}

// The Monero project's published donation address.
const std::string kDonation =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

}  // namespace

TEST_CASE("rules: keccak-256 known answers (Keccak padding, not SHA3-256)") {
    CHECK(hex(keccak256("")) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    CHECK(hex(keccak256("abc")) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // Longer than one 136-byte block, and exactly one block.
    CHECK(hex(keccak256(std::string(200, 'a'))) != hex(keccak256(std::string(199, 'a'))));
    CHECK(hex(keccak256(std::string(136, 'a'))) != hex(keccak256(std::string(135, 'a'))));
}

TEST_CASE("rules: monero base58 blocks round trip; impossible lengths and overflows fail") {
    std::string bytes;
    REQUIRE(monero_base58_decode(kDonation, bytes));
    CHECK(bytes.size() == 69);                        // net byte, two 32-byte keys, checksum
    CHECK(static_cast<uint8_t>(bytes[0]) == 0x12);    // mainnet standard address
    CHECK(monero_base58_encode(bytes) == kDonation);
    for (size_t n = 0; n <= 17; ++n) {
        std::string in(n, '\x5a');
        CAPTURE(n);
        std::string back;
        REQUIRE(monero_base58_decode(monero_base58_encode(in), back));
        CHECK(back == in);
    }
    CHECK_FALSE(monero_base58_decode("1234", bytes));          // 4 characters encode no block size
    CHECK_FALSE(monero_base58_decode("zzzzzzzzzzz", bytes));   // 11 characters over 2^64
    CHECK_FALSE(monero_base58_decode("0OIl", bytes));          // not in the alphabet
}

TEST_CASE("rules: monero addresses count only with a valid checksum") {
    CHECK(valid_monero_address(kDonation));
    // Every single-character change breaks it (here: each position moved one letter on).
    int still_valid = 0;
    for (size_t i = 1; i < kDonation.size(); ++i) {
        std::string m = kDonation;
        m[i] = m[i] == 'z' ? 'y' : (m[i] == '9' ? 'A' : static_cast<char>(m[i] + 1));
        if (m[i] == 'I' || m[i] == 'O' || m[i] == 'l') m[i] = static_cast<char>(m[i] + 1);
        still_valid += valid_monero_address(m);
    }
    CHECK(still_valid == 0);
    // An integrated address (net byte 0x13 and an 8-byte payment id) with its checksum.
    std::string bytes;
    REQUIRE(monero_base58_decode(kDonation, bytes));
    std::string body = bytes.substr(0, 65);
    body[0] = '\x13';
    body += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    auto sum = keccak256(body);
    std::string integrated = monero_base58_encode(body + std::string(sum.begin(), sum.begin() + 4));
    CHECK(integrated.size() == 106);
    CHECK(valid_monero_address(integrated));
    CHECK_FALSE(valid_monero_address(integrated.substr(0, 105) + (integrated.back() == 'a' ? "b" : "a")));
    // The right shape with random characters (what a shape test would have flagged).
    CHECK_FALSE(valid_monero_address(
        "49SimXmrLoginTestWa11etAbcdefghijkmnopqrstuvwxyz123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh"));
    CHECK_FALSE(valid_monero_address(""));
    CHECK_FALSE(valid_monero_address(kDonation.substr(0, 94)));
}
