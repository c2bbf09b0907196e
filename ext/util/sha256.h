// A small self-contained SHA-256 (FIPS 180-4): the evidence hash of scanned binaries and the
// Base58Check checksum of Bitcoin addresses. Streaming: update() any number of times, then hex().
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mr {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t len);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::array<uint8_t, 32> digest();   // finishes the hash; call once
    std::string hex();                  // finishes the hash; lowercase hex

private:
    void block(const uint8_t* p);
    uint32_t h_[8];
    uint8_t buf_[64];
    size_t buf_len_ = 0;
    uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);
std::array<uint8_t, 32> sha256(std::string_view data);

}  // namespace mr
