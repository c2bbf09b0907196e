#include "rules/rules.h"

#include <algorithm>

namespace mr {

std::string RuleSet::match_pool_host(std::string_view host, uint16_t port) const {
    std::string hit = pools.match_host(host, port);
    if (hit.empty() && feed_loaded) hit = feed.match_host(host, port);
    return hit;
}

std::string RuleSet::match_pool_addr(std::string_view addr, uint16_t port) const {
    std::string hit = pools.match_addr(addr, port);
    if (hit.empty() && feed_loaded) hit = feed.match_addr(addr, port);
    return hit;
}

bool RuleSet::is_kernel_thread_name(std::string_view name) const {
    if (name.empty()) return false;
    if (kthread_names.count(std::string(name))) return true;
    for (const std::string& p : kthread_prefixes)
        if (name.size() >= p.size() && name.compare(0, p.size(), p) == 0) return true;
    return false;
}

std::string RuleSet::ioc_version() const {
    if (feed_loaded) return feed.version().empty() ? "feed-unversioned" : feed.version();
    return pools.version().empty() ? "unversioned" : pools.version();
}

std::string clip_evidence(std::string_view s, size_t max) {
    std::string out;
    out.reserve(std::min(s.size(), max) + 3);
    for (char c : s) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        unsigned char u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    return out;
}

void add_signal(std::vector<Signal>& out, std::string_view id, Strength s,
                std::string_view evidence) {
    for (Signal& sig : out) {
        if (sig.id != id) continue;
        if (s > sig.strength) sig.strength = s;
        if (sig.evidence.size() < 400 && sig.evidence.find(evidence) == std::string::npos) {
            sig.evidence += "; ";
            sig.evidence += clip_evidence(evidence);
        }
        return;
    }
    out.push_back(Signal{std::string(id), s, clip_evidence(evidence)});
}

}  // namespace mr
