// MD5 (RFC 1321), only to compare a binary with the digest dpkg recorded for it
// (/var/lib/dpkg/info/PKG.md5sums): never for anything that needs a secure hash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mr {

class Md5 {
public:
    Md5();
    void update(const void* data, size_t len);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hex();  // finishes; lowercase hex

private:
    void block(const uint8_t* p);
    uint32_t h_[4];
    uint8_t buf_[64];
    size_t buf_len_ = 0;
    uint64_t total_ = 0;
};

std::string md5_hex(std::string_view data);

}  // namespace mr
