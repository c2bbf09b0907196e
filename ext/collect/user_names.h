// uid -> user name from a passwd file, parsed once and cached. An unknown uid is shown as its
// number. No getpwuid(): NSS could reach the network (LDAP) and hang a client cycle.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mr {

class UserNames {
public:
    explicit UserNames(std::string passwd_path = "/etc/passwd") : path_(std::move(passwd_path)) {}
    const std::string& name(uint32_t uid);
    // Parses passwd text into the cache (lines "name:x:uid:..."; bad lines skipped).
    void load_text(std::string_view text);

private:
    std::string path_;
    bool loaded_ = false;
    std::unordered_map<uint32_t, std::string> names_;
};

}  // namespace mr
