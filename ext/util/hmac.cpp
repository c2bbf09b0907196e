#include "util/hmac.h"

#include <array>
#include <cstdint>

#include "util/sha256.h"

namespace mr {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    constexpr size_t kBlock = 64;
    std::string k(key);
    if (k.size() > kBlock) {
        std::array<uint8_t, 32> d = sha256(k);
        k.assign(reinterpret_cast<const char*>(d.data()), d.size());
    }
    k.resize(kBlock, '\0');
    std::string ipad(kBlock, '\0'), opad(kBlock, '\0');
    for (size_t i = 0; i < kBlock; ++i) {
        ipad[i] = static_cast<char>(k[i] ^ 0x36);
        opad[i] = static_cast<char>(k[i] ^ 0x5c);
    }
    Sha256 inner;
    inner.update(ipad);
    inner.update(message);
    std::array<uint8_t, 32> ih = inner.digest();
    Sha256 outer;
    outer.update(opad);
    outer.update(ih.data(), ih.size());
    return outer.hex();
}

bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace mr
