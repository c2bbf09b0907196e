// MD5 against RFC 1321's test suite (used only to compare binaries with dpkg's md5sums).
#include <doctest/doctest.h>

#include <string>

#include "util/md5.h"

TEST_CASE("util md5: RFC 1321 test vectors") {
    CHECK(mr::md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(mr::md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
    CHECK(mr::md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(mr::md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK(mr::md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
    mr::Md5 m;
    std::string s(1000, 'x');
    for (int i = 0; i < 10; ++i) m.update(s.substr(0, 100 * i)), m.update(s.substr(100 * i));
    CHECK(m.hex() == mr::md5_hex(std::string(10000, 'x')));
}
