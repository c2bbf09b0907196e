#include "rules/wallet_address.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "rules/monero_address.h"
#include "util/keccak.h"
#include "util/sha256.h"
#include "util/text_util.h"

namespace mr {

namespace {

const char kBase58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const char kBech32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// Alphabet -> value, -1 elsewhere; bech32 in both cases.
struct CharMaps {
    int8_t b58[256];
    int8_t bech[256];
    CharMaps() {
        std::memset(b58, -1, sizeof b58);
        std::memset(bech, -1, sizeof bech);
        for (int i = 0; kBase58[i]; ++i) b58[uint8_t(kBase58[i])] = int8_t(i);
        for (int i = 0; kBech32[i]; ++i) {
            bech[uint8_t(kBech32[i])] = int8_t(i);
            bech[uint8_t(kBech32[i] >= 'a' ? kBech32[i] - 32 : kBech32[i])] = int8_t(i);
        }
    }
};
const CharMaps& maps() {
    static const CharMaps m;
    return m;
}

bool all_base58(std::string_view s) {
    for (char c : s)
        if (maps().b58[uint8_t(c)] < 0) return false;
    return true;
}

// Base58Check: 25 bytes, version 0x00 (P2PKH, "1...") or 0x05 (P2SH, "3..."), double-SHA256
// checksum. A random word of the right shape fails this, which keeps false positives away.
bool valid_base58check(std::string_view s) {
    std::array<uint8_t, 25> n{};
    for (char c : s) {
        unsigned carry = unsigned(maps().b58[uint8_t(c)]);
        for (size_t i = n.size(); i-- > 0;) {
            carry += 58u * n[i];
            n[i] = uint8_t(carry);
            carry >>= 8;
        }
        if (carry) return false;
    }
    if (n[0] != 0x00 && n[0] != 0x05) return false;
    auto h1 = sha256(std::string_view(reinterpret_cast<const char*>(n.data()), 21));
    auto h2 = sha256(std::string_view(reinterpret_cast<const char*>(h1.data()), 32));
    return std::memcmp(h2.data(), &n[21], 4) == 0;
}

// BIP-173 / BIP-350: bech32 or bech32m checksum over hrp "bc".
bool valid_bech32_bc(std::string_view s) {
    if (s.size() < 14 || s.size() > 90 || to_lower_ascii(s.substr(0, 3)) != "bc1") return false;
    bool has_lower = false, has_upper = false;
    for (char c : s) {
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
    }
    if (has_lower && has_upper) return false;
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;
    auto step = [&](uint32_t v) {
        uint32_t b = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; ++i)
            if ((b >> i) & 1) chk ^= gen[i];
    };
    step('b' >> 5); step('c' >> 5); step(0); step('b' & 31); step('c' & 31);
    for (size_t i = 3; i < s.size(); ++i) {
        int8_t v = maps().bech[uint8_t(s[i])];
        if (v < 0) return false;
        step(uint32_t(v));
    }
    return chk == 1 || chk == 0x2bc830a3;
}

}  // namespace

const char* to_string(WalletKind k) {
    switch (k) {
        case WalletKind::monero: return "monero";
        case WalletKind::bitcoin_legacy: return "bitcoin";
        case WalletKind::bitcoin_bech32: return "bitcoin-bech32";
        case WalletKind::ethereum: return "ethereum";
        case WalletKind::none: break;
    }
    return "none";
}

// An Ethereum address "0x" + 40 hex digits. Mixed case carries the EIP-55 checksum (a letter is
// upper case where the Keccak-256 of the lower-case address has a nibble >= 8); one case only
// carries none.
bool valid_ethereum_address(std::string_view w) {
    if (w.size() != 42 || w[0] != '0' || (w[1] != 'x' && w[1] != 'X')) return false;
    std::string lower;
    bool upper_seen = false, lower_seen = false;
    for (size_t i = 2; i < w.size(); ++i) {
        char c = w[i];
        if (!is_ascii_digit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
        upper_seen |= c >= 'A' && c <= 'F';
        lower_seen |= c >= 'a' && c <= 'f';
        lower += to_lower_ascii(c);
    }
    if (!(upper_seen && lower_seen)) return true;
    auto hash = keccak256(lower);
    for (size_t i = 0; i < lower.size(); ++i) {
        if (is_ascii_digit(lower[i])) continue;
        int nibble = (hash[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
        bool upper = w[i + 2] >= 'A' && w[i + 2] <= 'F';
        if (upper != (nibble >= 8)) return false;
    }
    return true;
}

WalletKind classify_wallet(std::string_view w) {
    if (valid_ethereum_address(w)) return WalletKind::ethereum;
    if ((w.size() == 95 || w.size() == 106) && (w[0] == '4' || w[0] == '8') && valid_monero_address(w))
        return WalletKind::monero;
    if (w.size() >= 26 && w.size() <= 35 && (w[0] == '1' || w[0] == '3') && all_base58(w) &&
        valid_base58check(w))
        return WalletKind::bitcoin_legacy;
    if (w.size() >= 42 && w.size() <= 62 && valid_bech32_bc(w)) return WalletKind::bitcoin_bech32;
    return WalletKind::none;
}

WalletKind find_wallet(std::string_view token, std::string_view* wallet) {
    size_t i = 0;
    while (i < token.size()) {
        while (i < token.size() && !is_ascii_alnum(token[i])) ++i;
        size_t start = i;
        while (i < token.size() && is_ascii_alnum(token[i])) ++i;
        std::string_view word = token.substr(start, i - start);
        if (word.size() < 26 || word.size() > 106) continue;
        WalletKind k = classify_wallet(word);
        if (k != WalletKind::none) {
            if (wallet) *wallet = word;
            return k;
        }
    }
    return WalletKind::none;
}

}  // namespace mr
