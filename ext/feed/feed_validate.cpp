#include "feed/feed_validate.h"

#include <fmt/core.h>

namespace mr {

std::optional<std::string> matches_everything(const FeedEntry& e) {
    if (e.family == 0) {
        if (e.host == "*") return std::string("'*' matches every domain");
        if (e.host.find('.') == std::string::npos)
            return fmt::format("'{}' is a bare top-level domain and would match all its subdomains",
                               e.text);
        return std::nullopt;
    }
    if (e.kind == EntryKind::Cidr) {
        int min_prefix = e.family == 4 ? 8 : 16;
        if (e.prefix < min_prefix)
            return fmt::format("'{}' is a /{} range, wider than /{}: it would match a large part "
                               "of the Internet",
                               e.text, e.prefix, min_prefix);
    }
    bool zero = true;
    for (int i = 0; i < (e.family == 4 ? 4 : 16); ++i) zero = zero && e.addr[i] == 0;
    if (zero) return fmt::format("'{}' is the unspecified address", e.text);
    return std::nullopt;
}

Status validate_feed(const ParsedFeed& feed, const FeedLimits& limits) {
    if (feed.binary) return fail("body is binary data, not a text list");
    std::size_t n = feed.entries.size();
    if (n == 0) {
        if (feed.bad_count > 0)
            return fail(fmt::format("no valid entry ({} unparseable lines, first at line {}: {})",
                                      feed.bad_count, feed.bad[0].line, feed.bad[0].reason));
        return fail("list is empty");
    }
    if (feed.lines > 0 &&
        static_cast<double>(feed.bad_count) > limits.max_bad_fraction * static_cast<double>(feed.lines))
        return fail(fmt::format("{} of {} lines are unparseable (first at line {}: {})",
                                  feed.bad_count, feed.lines, feed.bad[0].line, feed.bad[0].reason));
    for (const auto& e : feed.entries) {
        if (auto why = matches_everything(e)) return fail("entry " + *why);
    }
    if (n < limits.min_entries)
        return fail(fmt::format("only {} entries, below the plausible minimum of {}", n,
                                  limits.min_entries));
    if (n > limits.max_entries)
        return fail(fmt::format("{} entries, over the limit of {}", n, limits.max_entries));
    if (limits.previous_entries > 0) {
        double prev = static_cast<double>(limits.previous_entries);
        if (static_cast<double>(n) > prev * limits.max_growth)
            return fail(fmt::format("{} entries, far beyond the previous {} (more than {}x)", n,
                                      limits.previous_entries, limits.max_growth));
        if (static_cast<double>(n) < prev * limits.min_shrink)
            return fail(fmt::format("{} entries, far below the previous {} (less than {}x)", n,
                                      limits.previous_entries, limits.min_shrink));
    }
    return {};
}

}  // namespace mr
