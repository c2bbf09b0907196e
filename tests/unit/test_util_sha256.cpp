#include <doctest/doctest.h>

#include <string>

#include "util/sha256.h"

using mr::sha256_hex;

TEST_CASE("rules: sha256 matches the FIPS 180-4 / NIST test vectors") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                     "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("rules: sha256 streaming in odd pieces equals one-shot") {
    std::string data;
    for (int i = 0; i < 5000; ++i) data += char(i * 7 + 3);
    for (size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 1000u}) {
        mr::Sha256 h;
        for (size_t i = 0; i < data.size(); i += piece) h.update(std::string_view(data).substr(i, piece));
        CHECK(h.hex() == sha256_hex(data));
    }
}
