#include "rules/cmdline_rules.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "rules/identity_rules.h"
#include "rules/ioc_list.h"
#include "rules/rules.h"
#include "rules/wallet_address.h"
#include "util/path_util.h"
#include "util/text_util.h"

namespace mr {
namespace {

// Bounds: a hostile command line costs at most this much work.
constexpr size_t kMaxTokens = 256;
constexpr size_t kMaxTokenBytes = 4096;
constexpr size_t kMaxEnvEntries = 256;


// Word separators: whitespace and the shell punctuation a "sh -c '...'" line carries.
bool is_separator(char c) {
    switch (c) {
        case ' ': case '\t': case '\n': case '\r': case '\v': case '\f': case ';': case '|':
        case '&': case '`': case '"': case '\'': case '(': case ')': case '<': case '>':
        case '\0':
            return true;
        default:
            return false;
    }
}

bool ieq_prefix(std::string_view s, std::string_view lower_prefix) {
    if (s.size() < lower_prefix.size()) return false;
    for (size_t i = 0; i < lower_prefix.size(); ++i)
        if (to_lower_ascii(s[i]) != lower_prefix[i]) return false;
    return true;
}

// Whether inet_pton takes `s` (of min_len..max_len bytes) as an address of `family`.
bool is_address(int family, std::string_view s, size_t min_len, size_t max_len) {
    if (s.size() < min_len || s.size() > max_len) return false;
    char buf[48];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = 0;
    in6_addr a;  // room for either family
    return inet_pton(family, buf, &a) == 1;
}

bool is_ipv4(std::string_view s) { return is_address(AF_INET, s, 7, 15); }
bool is_ipv6(std::string_view s) { return is_address(AF_INET6, s, 2, 45); }

// "[scheme://][user@]host[:port][/path]" -> host and port (0 if none). False if no host.
bool parse_endpoint(std::string_view s, std::string& host, uint16_t& port, bool need_port) {
    port = 0;
    if (s.size() > 512) return false;
    if (size_t p = s.find("://"); p != std::string_view::npos) {
        for (size_t i = 0; i < p; ++i)
            if (!is_ascii_alnum(s[i]) && s[i] != '+' && s[i] != '.' && s[i] != '-') return false;
        s = s.substr(p + 3);
    }
    s = s.substr(0, s.find_first_of("/?#"));
    if (size_t at = s.rfind('@'); at != std::string_view::npos) s = s.substr(at + 1);
    std::string_view h = s, port_text;
    if (!s.empty() && s[0] == '[') {
        size_t close = s.find(']');
        if (close == std::string_view::npos) return false;
        h = s.substr(1, close - 1);
        std::string_view rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return false;
            port_text = rest.substr(1);
        }
        if (!is_ipv6(h)) return false;
    } else {
        size_t colon = s.find(':');
        if (colon != std::string_view::npos) {
            if (s.find(':', colon + 1) != std::string_view::npos) return false;
            h = s.substr(0, colon);
            port_text = s.substr(colon + 1);
        }
        if (!is_ipv4(h) && normalize_domain(h).empty()) return false;
    }
    if (!port_text.empty() && !parse_port(port_text, port)) return false;
    if (need_port && port == 0) return false;
    host.assign(h);
    return true;
}

// Standard or URL-safe base64 alphabet -> value, -1 elsewhere.
struct Base64Map {
    int8_t v[256];
    Base64Map() {
        std::memset(v, -1, sizeof v);
        const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) v[uint8_t(chars[i])] = int8_t(i);
        v[uint8_t('-')] = 62;  // URL-safe alphabet
        v[uint8_t('_')] = 63;
    }
};
const Base64Map& base64_map() {
    static const Base64Map m;
    return m;
}

// --- per-process matching state ---

struct Matcher {
    const RuleSet& rules;
    std::vector<Signal>& out;
    std::string* pool_hint;

    void hint(std::string_view host_port) {
        if (pool_hint && pool_hint->empty() && !host_port.empty())
            *pool_hint = clip_evidence(host_port, 120);
    }

    // Checks that apply to any word wherever it appears (argv or a pool variable's value).
    void check_word(std::string_view w, std::string_view where) {
        if (w.size() > kMaxTokenBytes) w = w.substr(0, kMaxTokenBytes);
        if (w.find(':') != std::string_view::npos) {
            std::string_view url = find_stratum_url(w);
            if (!url.empty()) {
                add_signal(out, "stratum_url", Strength::strong, std::string(where) + std::string(url));
                hint(url_host_port(url));
            }
        }
        if (w.size() >= 26) {
            std::string_view wallet;
            WalletKind k = find_wallet(w, &wallet);
            if (k != WalletKind::none)
                add_signal(out, "wallet_address", Strength::strong,
                           std::string(where) + to_string(k) + " " + std::string(wallet));
        }
        // A host is a word of its own or the value of "--flag=value".
        std::string_view cand = w;
        if (cand[0] == '-') {
            size_t eq = cand.find('=');
            cand = eq == std::string_view::npos ? std::string_view() : cand.substr(eq + 1);
        }
        if (!cand.empty() && (cand.find('.') != std::string_view::npos || cand[0] == '[')) {
            std::string host;
            uint16_t port;
            if (parse_endpoint(cand, host, port, false)) {
                std::string hit = rules.match_pool_host(host, port);
                if (!hit.empty()) {
                    add_signal(out, "pool_domain_arg", Strength::strong,
                               std::string(where) + host + " (listed: " + hit + ")");
                    if (port) hint(host + ":" + std::to_string(port));
                }
            }
        }
        if (w.size() >= 20) check_base64_runs(w, where);
    }

    // A base64 blob is a run of base64 characters; it is decoded (bounded) and searched for
    // a stratum URL. Runs without both cases cannot be encoded text and are skipped.
    void check_base64_runs(std::string_view w, std::string_view where) {
        size_t i = 0;
        while (i < w.size()) {
            while (i < w.size() && base64_map().v[uint8_t(w[i])] < 0) ++i;
            size_t start = i;
            bool up = false, low = false;
            while (i < w.size() && base64_map().v[uint8_t(w[i])] >= 0) {
                up |= w[i] >= 'A' && w[i] <= 'Z';
                low |= w[i] >= 'a' && w[i] <= 'z';
                ++i;
            }
            std::string_view run = w.substr(start, i - start);
            if (run.size() < 20 || !up || !low) continue;
            std::string decoded;
            for (size_t shift = 0; shift < 4 && shift + 20 <= run.size(); ++shift) {
                if (!decode_base64(run.substr(shift), decoded)) continue;
                std::string_view url = find_stratum_url(decoded);
                if (url.empty()) continue;
                add_signal(out, "stratum_url_base64", Strength::strong,
                           std::string(where) + "base64 decodes to " + std::string(url));
                hint(url_host_port(url));
                return;
            }
        }
    }
};

void split_words(std::string_view s, std::vector<std::string_view>& words) {
    size_t i = 0;
    while (i < s.size() && words.size() < kMaxTokens) {
        while (i < s.size() && is_separator(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !is_separator(s[i])) ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
}

bool is_flag(std::string_view w) { return w.size() >= 2 && w[0] == '-' && w != "--"; }

void check_ld_preload(std::string_view value, std::vector<Signal>& out) {
    Strength s = Strength::weak;
    std::string where;
    size_t i = 0;
    while (i < value.size()) {
        size_t end = value.find_first_of(": ", i);
        if (end == std::string_view::npos) end = value.size();
        if (path_place(value.substr(i, end - i), &where) != PathPlace::normal) s = Strength::medium;
        i = end + 1;
    }
    add_signal(out, "ld_preload_env", s, "LD_PRELOAD=" + std::string(value));
}

}  // namespace

std::string_view find_stratum_url(std::string_view s) {
    for (size_t i = 0; i + 14 <= s.size(); ++i) {
        if (to_lower_ascii(s[i]) != 's' || !ieq_prefix(s.substr(i), "stratum")) continue;
        size_t j = i + 7;
        while (j < s.size() && is_ascii_digit(s[j]) && j < i + 9) ++j;
        if (j >= s.size() || s[j] != '+') continue;
        size_t k = ++j;
        while (k < s.size() && is_ascii_alpha(s[k]) && k - j < 6) ++k;
        if (k - j < 2 || s.substr(k, 3) != "://") continue;
        size_t end = k + 3;
        while (end < s.size() && !is_separator(s[end]) && s[end] != ',') ++end;
        if (end == k + 3) continue;  // a scheme with no host is only a mention
        return s.substr(i, end - i);
    }
    return {};
}

std::string url_host_port(std::string_view url) {
    if (size_t p = url.find("://"); p != std::string_view::npos) url = url.substr(p + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (size_t at = url.rfind('@'); at != std::string_view::npos) url = url.substr(at + 1);
    return std::string(url.substr(0, 256));
}

bool decode_base64(std::string_view s, std::string& out, size_t max_out) {
    out.clear();
    while (!s.empty() && s.back() == '=') s.remove_suffix(1);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int8_t v = base64_map().v[uint8_t(c)];
        if (v < 0) return false;
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out.size() >= max_out) return true;
            out += char((acc >> bits) & 0xff);
        }
    }
    return true;
}

bool split_host_port(std::string_view s, std::string& host, uint16_t& port) {
    return parse_endpoint(s, host, port, true);
}

namespace {
// "NAME=value" with a name and a value; false for anything else (nothing to look at).
bool split_env_entry(std::string_view entry, std::string_view& name, std::string_view& value) {
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == entry.size()) return false;
    name = entry.substr(0, eq);
    value = entry.substr(eq + 1);
    return true;
}
}  // namespace

bool env_entry_matters(std::string_view entry, const RuleSet& rules) {
    std::string_view name, value;
    return split_env_entry(entry, name, value) &&
           (name == "LD_PRELOAD" || rules.env_names.count(std::string(name)) > 0 ||
            value.find("://") != std::string_view::npos);
}

void check_cmdline(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out,
                   std::string* pool_hint) {
    if (p.kernel_thread) return;
    Matcher m{rules, out, pool_hint};

    std::vector<std::string_view> words;
    words.reserve(16);
    for (std::string_view a : p.argv) {
        if (words.size() >= kMaxTokens) break;
        split_words(a.substr(0, kMaxTokenBytes * 4), words);
    }

    std::string_view algo_flag, algo_value, pool_flag;
    std::string pool_host;
    uint16_t pool_port = 0;
    size_t miner_flag_count = 0;
    for (size_t i = 0; i < words.size(); ++i) {
        std::string_view w = words[i];
        m.check_word(w, "");
        if (!is_flag(w)) continue;
        // "--flag=value" or "--flag value"
        std::string_view name = w, value;
        if (size_t eq = w.find('='); eq != std::string_view::npos) {
            name = w.substr(0, eq);
            value = w.substr(eq + 1);
        } else if (i + 1 < words.size() && !is_flag(words[i + 1])) {
            value = words[i + 1];
        }
        std::string key(name);
        if (auto it = rules.miner_flags.find(key); it != rules.miner_flags.end()) {
            bool first = true;
            for (const Signal& s : out)
                if (s.id == "miner_flag" && s.evidence.find(key) != std::string::npos) first = false;
            if (first) ++miner_flag_count;
            // Two different miner-only flags together are as good as the binary's name.
            Strength st = miner_flag_count >= 2 ? Strength::strong : it->second;
            add_signal(out, "miner_flag", st, key);
        }
        if (algo_value.empty() && !value.empty() && rules.algo_flags.count(key)) {
            algo_flag = name;
            algo_value = value;
        }
        if (pool_host.empty() && !value.empty() && rules.pool_flags.count(key) &&
            parse_endpoint(value, pool_host, pool_port, true))
            pool_flag = name;
    }
    // "-a rx/0 -o host:port": an algorithm and a pool endpoint together. A known mining
    // algorithm makes it definitive; an unknown one is only suspicious.
    if (!algo_value.empty() && !pool_host.empty()) {
        std::string algo = to_lower_ascii(algo_value.substr(0, 64));
        Strength s = rules.algorithms.count(algo) ? Strength::strong : Strength::medium;
        std::string hp = pool_host + ":" + std::to_string(pool_port);
        add_signal(out, "algo_pool_flags", s,
                   std::string(algo_flag) + " " + std::string(algo_value) + " " +
                       std::string(pool_flag) + " " + hp);
        m.hint(hp);
    }

    size_t n = 0;
    for (std::string_view entry : p.env) {
        if (++n > kMaxEnvEntries) break;
        std::string_view name, value;
        if (!split_env_entry(entry, name, value)) continue;
        if (value.size() > kMaxTokenBytes) value = value.substr(0, kMaxTokenBytes);
        std::string where = "env " + std::string(name.substr(0, 64)) + ": ";
        if (name == "LD_PRELOAD") {
            check_ld_preload(value, out);
            continue;
        }
        auto it = rules.env_names.find(std::string(name));
        if (it != rules.env_names.end()) {
            add_signal(out, "pool_env", it->second, std::string(entry));
            std::vector<std::string_view> vw;
            split_words(value, vw);
            for (std::string_view w : vw) m.check_word(w, where);
        } else if (value.find("://") != std::string_view::npos) {
            std::string_view url = find_stratum_url(value);
            if (!url.empty()) {
                add_signal(out, "stratum_url", Strength::strong, where + std::string(url));
                m.hint(url_host_port(url));
            }
        }
    }
}

}  // namespace mr
