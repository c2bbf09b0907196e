#include "xymon/process_marker.h"

#include "util/text_util.h"
#include "xymon/kv_codec.h"
#include "xymon/order_codec.h"

namespace mr {

std::string format_process_marker(const ProcessMarker& m) {
    std::string sha = valid_sha256_hex(m.sha256) ? m.sha256 : "-";
    return std::string(kProcessMarker) + " pid=" + std::to_string(m.pid) + " start=" + std::to_string(m.start_ticks) +
           " sha256=" + sha + " snapshot=" + (m.snapshot ? "1" : "0") + " frozen=" + (m.frozen ? "1" : "0") + " -->";
}

std::vector<ProcessMarker> parse_process_markers(std::string_view status) {
    std::vector<ProcessMarker> out;
    const std::string head = std::string(kProcessMarker) + " ";
    for (size_t at = status.find(head); at != std::string_view::npos && out.size() < 200; at = status.find(head, at + 1)) {
        size_t end = status.find(" -->", at);
        if (end == std::string_view::npos) break;
        KvRecord kv = parse_kv_line(status.substr(at + head.size(), end - at - head.size()));
        unsigned long long pid = 0, start = 0;
        ProcessMarker m;
        if (!parse_decimal(kv_get(kv, "pid"), 7, pid) || pid < 2 || !parse_decimal(kv_get(kv, "start"), 20, start)) continue;
        m.pid = static_cast<int>(pid);
        m.start_ticks = start;
        m.sha256 = kv_get(kv, "sha256");
        if (!valid_sha256_hex(m.sha256)) m.sha256.clear();
        m.snapshot = kv_get(kv, "snapshot") == "1";
        m.frozen = kv_get(kv, "frozen") == "1";
        out.push_back(m);
    }
    return out;
}

}  // namespace mr
