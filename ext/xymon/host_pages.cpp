#include "xymon/host_pages.h"

#include "util/text_util.h"

namespace mr {

HostPages parse_host_pages(std::string_view text) {
    HostPages pages;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
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
