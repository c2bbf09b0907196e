#include "client/pool_answer.h"


namespace mr {

PoolAnswer classify_pool_answer(std::string_view body, std::string* include_target) {
    bool any_include = false;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t nl = body.find('\n', pos);
        std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? body.size() : nl + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        if (line.substr(0, 8) != "include " && line.substr(0, 8) != "include\t") return PoolAnswer::list;
        if (!any_include && include_target) {
            std::string_view target = line.substr(8);
            while (!target.empty() && (target.front() == ' ' || target.front() == '\t')) target.remove_prefix(1);
            *include_target = std::string(target);
        }
        any_include = true;
    }
    return any_include ? PoolAnswer::not_published : PoolAnswer::empty;
}

}  // namespace mr
