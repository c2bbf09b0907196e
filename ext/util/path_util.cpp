#include "util/path_util.h"

namespace mr {

std::string_view base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

PathPlace path_place(std::string_view path, std::string* where) {
    for (const char* d : {"/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/"}) {
        if (path.compare(0, std::char_traits<char>::length(d), d) == 0) {
            if (where) *where = std::string(d, std::char_traits<char>::length(d) - 1);
            return PathPlace::temp;
        }
    }
    // Any component that starts with '.' (but is not "." or ".."), e.g. /root/.x/ or /usr/.../
    size_t i = 0;
    while (i < path.size()) {
        size_t start = i;
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view comp = path.substr(start, end - start);
        if (comp.size() >= 1 && comp[0] == '.' && comp != "." && comp != "..") {
            if (where) *where = std::string(path.substr(0, end));
            return PathPlace::hidden;
        }
        i = end + 1;
    }
    return PathPlace::normal;
}

}  // namespace mr
