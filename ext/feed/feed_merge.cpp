#include "feed/feed_merge.h"

#include <fmt/core.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "feed/feed_validate.h"
#include "util/text_util.h"

namespace mr {

bool covered_by_allow(const FeedEntry& e, const std::vector<FeedEntry>& allow) {
    for (const auto& a : allow) {
        if (e.family != 0 && a.family != 0) {
            if (ranges_overlap(e, a)) return true;
        } else if (e.family == 0 && a.family == 0) {
            if (domain_covered_by(e.host, a.host)) return true;
        }
    }
    return false;
}

std::string entries_hash(const std::vector<FeedEntry>& entries) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const auto& e : entries) {
        for (unsigned char c : e.text) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= '\n';
        h *= 1099511628211ULL;
    }
    return fmt::format("{:016x}", h).substr(0, 12);
}

MergeResult merge_sources(const std::vector<MergeSource>& sources, const std::vector<FeedEntry>& allow) {
    MergeResult m;
    std::set<std::string> seen;
    for (const auto& src : sources) {
        m.source_counts.push_back(fmt::format("{}={}", src.name, src.entries.size()));
        for (const auto& e : src.entries) {
            if (matches_everything(e)) {
                ++m.dropped_dangerous;
                continue;
            }
            if (!seen.insert(e.text).second) {
                ++m.duplicates;
                continue;
            }
            if (covered_by_allow(e, allow)) {
                ++m.dropped_shared;
                if (m.shared_examples.size() < 5) m.shared_examples.push_back(e.text);
                continue;
            }
            m.entries.push_back(e);
        }
    }
    std::sort(m.entries.begin(), m.entries.end());
    m.content_hash = entries_hash(m.entries);
    return m;
}

std::string make_version(long long now, const std::string& hash) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%MZ", &tm);
    return std::string(buf) + "-" + hash;
}

std::string render_merged_list(const MergeResult& m, const std::string& version, long long now) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[40];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    std::string out = "# miningrisk pool indicators, merged by miningrisk-feed; do not edit\n";
    out += "# version: " + version + "\n";
    out += fmt::format("# generated: {}\n# entries: {}\n", when, m.entries.size());
    std::string sources;
    for (const auto& s : m.source_counts) sources += " " + s;
    out += "# sources:" + sources + "\n";
    if (m.dropped_shared > 0)
        out += fmt::format("# dropped {} entries covered by the shared-address allow list\n",
                           m.dropped_shared);
    for (const auto& e : m.entries) {
        out += e.text;
        out += '\n';
    }
    return out;
}

std::string list_version(std::string_view text) {
    LineReader lines(text);
    for (std::string_view line; lines.number() < 50 && lines.next(line);) {
        const std::string_view key = "# version:";
        if (line.substr(0, key.size()) == key) {
            line.remove_prefix(key.size());
            while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
            while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
            return std::string(line);
        }
    }
    return {};
}

std::string version_hash(std::string_view version) {
    std::size_t dash = version.rfind('-');
    return dash == std::string_view::npos ? std::string() : std::string(version.substr(dash + 1));
}

}  // namespace mr
