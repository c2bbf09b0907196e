#include "host_pages.h"

namespace mr {

HostPages parse_host_pages(std::string_view text) {
    HostPages pages;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t bar = line.find('|');
        if (bar == std::string_view::npos || bar == 0) continue;
        std::string_view path = line.substr(bar + 1);
        path = path.substr(0, path.find('|'));
        pages[std::string(line.substr(0, bar))] = path.empty() ? "/" : std::string(path);
    }
    return pages;
}

}  // namespace mr
