#include "server/recovery_text.h"

#include <fmt/core.h>

#include "util/html_escape.h"

namespace mr {

namespace {
std::string tuning(long now, long before, const std::string& now_text, const std::string& before_text) {
    if (now < 0) return "unknown";
    return before < 0 ? now_text + " (before the incident: unknown)" : now_text + " (before the incident: " + before_text + ")";
}
}  // namespace

std::string recovery_html(const RecoveryFacts& r) {
    std::string o = "<h4>Recovery check</h4>\n<p>The incident's traces on the host, checked by the client this cycle:</p>\n<ul>\n";
    for (const RecoveryItem& it : r.items)
        o += fmt::format("<li>{} {}: <b>{}</b>{}</li>\n", escape_html_capped(it.kind, 32),
                         escape_html_capped(it.what, 300), to_string(it.presence),
                         it.detail.empty() ? std::string() : " (" + escape_html_capped(it.detail, 200) + ")");
    o += "<li>huge pages: " +
         tuning(r.now.hugepages, r.before.hugepages, std::to_string(r.now.hugepages), std::to_string(r.before.hugepages)) +
         "</li>\n";
    o += "<li>msr module: " + tuning(r.now.msr, r.before.msr, msr_text(r.now.msr), msr_text(r.before.msr)) + "</li>\n";
    return o + "</ul>\n";
}

}  // namespace mr
