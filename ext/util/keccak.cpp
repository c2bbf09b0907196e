#include "util/keccak.h"

#include <cstring>

namespace mr {

namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
constexpr int kRotations[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kLanes[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

uint64_t rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

void keccak_f(uint64_t st[25]) {
    for (uint64_t rc : kRoundConstants) {
        uint64_t bc[5];
        for (int i = 0; i < 5; ++i) bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        for (int i = 0; i < 5; ++i) {
            uint64_t t = bc[(i + 4) % 5] ^ rotl(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
        }
        uint64_t t = st[1];
        for (int i = 0; i < 24; ++i) {
            int j = kLanes[i];
            uint64_t next = st[j];
            st[j] = rotl(t, kRotations[i]);
            t = next;
        }
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; ++i) bc[i] = st[j + i];
            for (int i = 0; i < 5; ++i) st[j + i] ^= ~bc[(i + 1) % 5] & bc[(i + 2) % 5];
        }
        st[0] ^= rc;
    }
}

// XORs `n` bytes into the state, lanes little-endian.
void absorb(uint64_t st[25], const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) st[i / 8] ^= static_cast<uint64_t>(p[i]) << (8 * (i % 8));
}

}  // namespace

std::array<uint8_t, 32> keccak256(std::string_view data) {
    constexpr size_t kRate = 136;   // (1600 - 2 * 256) / 8
    uint64_t st[25] = {};
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    size_t left = data.size();
    for (; left >= kRate; left -= kRate, p += kRate) {
        absorb(st, p, kRate);
        keccak_f(st);
    }
    uint8_t last[kRate] = {};
    std::memcpy(last, p, left);
    last[left] ^= 0x01;          // Keccak's padding; SHA-3 would use 0x06
    last[kRate - 1] ^= 0x80;
    absorb(st, last, kRate);
    keccak_f(st);
    std::array<uint8_t, 32> out{};
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(st[i / 8] >> (8 * (i % 8)));
    return out;
}

}  // namespace mr
