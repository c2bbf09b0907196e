#include "collect/user_names.h"

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/file_io.h"

namespace mr {

void UserNames::load_text(std::string_view text) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        size_t c1 = line.find(':');
        if (c1 == 0 || c1 == std::string_view::npos) continue;
        size_t c2 = line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        std::string_view rest = line.substr(c2 + 1);
        uint64_t uid = 0;
        if (!take_u64(rest, uid) || rest.empty() || rest[0] != ':' || uid > 0xffffffffu) continue;
        names_.emplace(static_cast<uint32_t>(uid), std::string(line.substr(0, c1)));  // first wins
    }
}

const std::string& UserNames::name(uint32_t uid) {
    if (!loaded_) {
        loaded_ = true;
        if (Expected<std::string> text = read_file(path_, 4u << 20)) load_text(*text);
    }
    auto it = names_.find(uid);
    if (it != names_.end()) return it->second;
    return names_.emplace(uid, std::to_string(uid)).first->second;
}

}  // namespace mr
