// Wallet addresses on a command line: Monero (rules/monero_address), Bitcoin (Base58Check,
// bech32/bech32m) and Ethereum (EIP-55 when in mixed case), each checksum-verified where the
// format has one, so a random word of the right shape is no evidence.
#pragma once
#include <string_view>

namespace mr {

enum class WalletKind { none, monero, bitcoin_legacy, bitcoin_bech32, ethereum };
const char* to_string(WalletKind k);

// Classifies one word (no ".worker" suffix). Monero and Bitcoin forms are checksum-verified.
WalletKind classify_wallet(std::string_view word);

// Finds a wallet among the alphanumeric words of `token` ("4AbC...xyz.rig01" -> monero).
WalletKind find_wallet(std::string_view token, std::string_view* wallet = nullptr);

// "0x" + 40 hex digits; in mixed case the EIP-55 checksum must hold.
bool valid_ethereum_address(std::string_view word);

}  // namespace mr
