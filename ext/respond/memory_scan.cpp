#include "respond/memory_scan.h"

#include <fmt/core.h>

#include <algorithm>

#include "collect/proc_parse.h"
#include "rules/cmdline_rules.h"
#include "rules/wallet_address.h"
#include "rules/rules.h"
#include "util/text_util.h"

namespace mr {

namespace {

bool take_hex(std::string_view& s, uint64_t& v) {
    size_t i = 0;
    v = 0;
    while (i < s.size() && i < 16 && std::isxdigit(static_cast<unsigned char>(s[i]))) {
        char c = s[i];
        v = v * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        ++i;
    }
    if (i == 0) return false;
    s.remove_prefix(i);
    return true;
}

bool skip_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// Regions in reading order: what a miner keeps its pool and wallet in comes first.
int region_rank(const MapRegion& r) {
    if (r.path == "[heap]" || r.path.rfind("[stack", 0) == 0) return 0;
    if (r.path.empty()) return 1;
    return 2;
}

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string MapRegion::label() const {
    std::string p = path.size() > 120 ? path.substr(0, 120) + "..." : path;
    return fmt::format("{:x}-{:x} {}{}{}", start, end, perms, p.empty() ? "" : " ", p);
}

bool parse_maps_line(std::string_view line, MapRegion& out) {
    MapRegion r;
    uint64_t dummy = 0;
    if (!take_hex(line, r.start) || !skip_char(line, '-') || !take_hex(line, r.end) || !skip_char(line, ' '))
        return false;
    if (line.size() < 5 || r.end < r.start) return false;
    r.perms = std::string(line.substr(0, 4));
    line.remove_prefix(4);
    if (!skip_char(line, ' ') || !take_hex(line, r.offset) || !skip_char(line, ' ')) return false;
    // dev "fd:01", inode
    if (!take_hex(line, dummy) || !skip_char(line, ':') || !take_hex(line, dummy) || !skip_char(line, ' ')) return false;
    uint64_t inode = 0;
    if (!take_u64(line, inode)) return false;
    r.path = std::string(trim(line, " "));
    out = std::move(r);
    return true;
}

std::vector<MapRegion> parse_maps(std::string_view text) {
    std::vector<MapRegion> out;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);) {
        MapRegion r;
        if (parse_maps_line(line, r)) out.push_back(std::move(r));
    }
    return out;
}

std::vector<MapRegion> select_regions(const std::vector<MapRegion>& all, const SnapshotLimits& limits,
                                      std::vector<Skipped>& skipped) {
    std::vector<MapRegion> cand;
    for (const MapRegion& r : all) {
        if (r.perms.empty() || r.perms[0] != 'r') continue;  // not readable: nothing to skip
        if (r.path == "[vvar]" || r.path == "[vsyscall]" || r.path == "[vvar_vclock]") continue;
        if (r.size() > limits.region_bytes) {
            skipped.push_back({"memory " + r.label(), fmt::format("region over {} MiB", limits.region_bytes >> 20)});
            continue;
        }
        cand.push_back(r);
    }
    std::stable_sort(cand.begin(), cand.end(),
                     [](const MapRegion& a, const MapRegion& b) { return region_rank(a) < region_rank(b); });
    std::vector<MapRegion> out;
    uint64_t total = 0;
    for (const MapRegion& r : cand) {
        if (total + r.size() > limits.memory_bytes) {
            skipped.push_back({"memory " + r.label(), fmt::format("over the {} MiB read in all", limits.memory_bytes >> 20)});
            continue;
        }
        total += r.size();
        out.push_back(r);
    }
    return out;
}

void IocHits::add(std::string kind, std::string_view value, const MapRegion& region, uint64_t offset) {
    std::string v = clip_evidence(value, 160);
    for (IocHit& h : hits_)
        if (h.kind == kind && h.value == v) {
            ++h.count;
            return;
        }
    if (hits_.size() >= max_) return;
    hits_.push_back({std::move(kind), std::move(v), region.label(), offset, 1});
}

void IocHits::scan(std::string_view buf, const MapRegion& region, uint64_t offset, const RuleSet& rules) {
    // Stratum URLs: find_stratum_url on each "stratum" (any case) and what follows.
    for (size_t i = 0; i + 8 < buf.size(); ++i) {
        char c = buf[i] | 0x20;
        if (c != 's' || (buf[i + 1] | 0x20) != 't' || (buf[i + 2] | 0x20) != 'r') continue;
        std::string_view tail = buf.substr(i, std::min<size_t>(buf.size() - i, 300));
        size_t nul = tail.find('\0');
        if (nul != std::string_view::npos) tail = tail.substr(0, nul);
        std::string_view url = find_stratum_url(tail);
        if (!url.empty() && url.data() == tail.data() && url.size() > 16) {
            add("stratum_url", url, region, offset + i);
            i += url.size() - 1;
        }
    }
    // Host-like and wallet-like words: maximal runs of their characters.
    for (size_t i = 0; i < buf.size();) {
        if (!host_char(buf[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < buf.size() && host_char(buf[j]) && j - i < 260) ++j;
        std::string_view word = buf.substr(i, j - i);
        if (word.size() >= 4 && word.find('.') != std::string_view::npos && word.front() != '.' && word.back() != '.') {
            std::string hit = rules.match_pool_host(to_lower_ascii(word));
            if (hit.empty()) hit = rules.match_pool_addr(word, 0);
            if (!hit.empty()) add("pool", word, region, offset + i);
        }
        // wallets are alphanumeric runs of 26..106 characters (Bitcoin legacy to Monero integrated)
        for (size_t a = 0; a < word.size();) {
            if (!alnum(word[a])) {
                ++a;
                continue;
            }
            size_t b = a;
            while (b < word.size() && alnum(word[b])) ++b;
            if (b - a >= 26 && b - a <= 106) {
                std::string_view w = word.substr(a, b - a);
                if (classify_wallet(w) != WalletKind::none) add("wallet", w, region, offset + i + a);
            }
            a = b;
        }
        i = j;
    }
}

std::string IocHits::text() const {
    std::string o;
    for (const IocHit& h : hits_)
        o += fmt::format("{} {} {} +0x{:x} ({} times)\n", h.kind, h.value, h.region, h.offset, h.count);
    return o;
}

}  // namespace mr
