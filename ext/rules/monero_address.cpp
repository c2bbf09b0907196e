#include "rules/monero_address.h"

#include <algorithm>
#include <cstring>

#include "util/keccak.h"

namespace mr {

namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr size_t kFullBlock = 8, kFullEncoded = 11;
// Encoded length of a block of 0..8 bytes.
constexpr size_t kEncodedSize[kFullBlock + 1] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

int digit_of(char c) {
    const char* p = std::strchr(kAlphabet, c);
    return c != '\0' && p ? static_cast<int>(p - kAlphabet) : -1;
}

int bytes_for_encoded(size_t n) {
    for (size_t i = 0; i <= kFullBlock; ++i)
        if (kEncodedSize[i] == n) return static_cast<int>(i);
    return -1;
}

bool decode_block(std::string_view block, size_t size, std::string& out) {
    unsigned __int128 value = 0;
    for (char c : block) {
        int d = digit_of(c);
        if (d < 0) return false;
        value = value * 58 + static_cast<unsigned>(d);
    }
    if (size < kFullBlock ? value >> (8 * size) != 0 : value >> 64 != 0) return false;
    for (size_t i = size; i-- > 0;) out += static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
    return true;
}

}  // namespace

bool monero_base58_decode(std::string_view text, std::string& bytes) {
    bytes.clear();
    size_t full = text.size() / kFullEncoded;
    int last = bytes_for_encoded(text.size() % kFullEncoded);
    if (last < 0) return false;
    for (size_t b = 0; b < full; ++b)
        if (!decode_block(text.substr(b * kFullEncoded, kFullEncoded), kFullBlock, bytes)) return false;
    return decode_block(text.substr(full * kFullEncoded), static_cast<size_t>(last), bytes);
}

std::string monero_base58_encode(std::string_view bytes) {
    std::string out;
    for (size_t pos = 0; pos < bytes.size(); pos += kFullBlock) {
        size_t size = std::min(kFullBlock, bytes.size() - pos);
        uint64_t value = 0;
        for (size_t i = 0; i < size; ++i) value = value << 8 | static_cast<uint8_t>(bytes[pos + i]);
        std::string block(kEncodedSize[size], kAlphabet[0]);
        for (size_t i = block.size(); i-- > 0 && value;) {
            block[i] = kAlphabet[value % 58];
            value /= 58;
        }
        out += block;
    }
    return out;
}

bool valid_monero_address(std::string_view text) {
    if (text.size() != 95 && text.size() != 106) return false;
    std::string bytes;
    if (!monero_base58_decode(text, bytes) || bytes.size() < 5) return false;
    std::string_view body(bytes.data(), bytes.size() - 4);
    auto sum = keccak256(body);
    return std::memcmp(sum.data(), bytes.data() + body.size(), 4) == 0;
}

}  // namespace mr
