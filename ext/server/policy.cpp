#include "server/policy.h"

#include <sys/stat.h>

#include <algorithm>
#include <sstream>

#include "util/expected.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {

namespace {

struct Token {
    std::string key;    // upper-cased part before '=', or the whole word
    std::string value;  // after '=' (quotes removed)
    bool has_value = false;
};

// Splits a line into words; double quotes group spaces ("TEXT=a b" and TEXT="a b" both work).
Expected<std::vector<Token>> tokenize(std::string_view line) {
    Expected<std::vector<std::string>> words = split_quoted_words(line, " \t\r");
    if (!words) return fail(words.error());
    std::vector<Token> out;
    for (const std::string& word : *words) {
        Token t;
        size_t eq = word.find('=');
        t.key = to_upper_ascii(word.substr(0, eq));
        if (eq != std::string::npos) {
            t.value = word.substr(eq + 1);
            t.has_value = true;
        }
        out.push_back(std::move(t));
    }
    return out;
}

// std::regex recurses per pattern element and per subject character: bound both so neither a
// long pattern nor a long attacker-chosen path can exhaust the stack.
constexpr size_t kMaxPattern = 1024;
constexpr size_t kMaxRegexSubject = 4096;  // PATH_MAX; longer values never match a regex

bool regex_matches(const std::regex& re, const std::string& s) {
    return s.size() <= kMaxRegexSubject && std::regex_search(s, re);
}

Expected<std::shared_ptr<std::regex>> compile(const std::string& pattern) {
    if (pattern.size() > kMaxPattern)
        return fail("regular expression longer than " + std::to_string(kMaxPattern) + " bytes");
    try {
        return std::make_shared<std::regex>(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
        return fail("bad regular expression '" + pattern + "': " + e.what());
    }
}

Status parse_matcher(const std::string& text, NameMatcher& m) {
    m.text = text;
    if (text.empty()) return fail("empty value");
    if (text == "*") {
        m.any = true;
        return {};
    }
    if (text[0] == '%') {
        Expected<std::shared_ptr<std::regex>> re = compile(text.substr(1));
        if (!re) return fail(re.error());
        m.re = std::move(*re);
        return {};
    }
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) m.names.push_back(item);
    return {};
}

bool valid_date(const std::string& d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[i] < '0' || d[i] > '9') return false;
    int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool parse_strength_word(const std::string& s, int& out) {
    if (s == "off") out = 0;
    else if (s == "weak") out = static_cast<int>(Strength::weak);
    else if (s == "medium") out = static_cast<int>(Strength::medium);
    else if (s == "strong") out = static_cast<int>(Strength::strong);
    else return false;
    return true;
}

bool value_matches(const std::string& want, const std::shared_ptr<std::regex>& re, const std::string& have) {
    if (want.empty()) return true;  // not a criterion
    if (re) return regex_matches(*re, have);
    return want == have;
}

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower_ascii(x) == to_lower_ascii(y); });
}

}  // namespace

struct Policy::Scope {
    std::string where;  // "FILE:LINE <scope line>"
    bool is_default = false;
    bool has_host = false, has_exhost = false, has_class = false, has_page = false;
    NameMatcher host, exhost, cls, page;
    std::vector<std::shared_ptr<const AllowEntry>> allows;
    std::map<std::string, int> weights;
    bool has_red_medium = false, has_yellow_weak = false;
    Thresholds thresholds;
    bool expected = false;
    std::string expected_reason;
    // INCIDENT keys as written in this scope, applied over the defaults in file order.
    std::vector<std::pair<std::string, std::string>> incident;
    std::string contain;  // "" = not set here

    bool applies(const std::string& h, const std::string& c, const std::string& p) const {
        if (is_default) return true;
        if (has_host && !host.matches(h)) return false;
        if (has_exhost && exhost.matches(h)) return false;
        if (has_class && !cls.matches(c)) return false;
        if (has_page && !page.matches(p)) return false;
        return true;
    }
};

bool NameMatcher::matches(const std::string& s) const {
    if (any) return true;
    if (re) return regex_matches(*re, s);
    return std::find(names.begin(), names.end(), s) != names.end();
}

std::string AllowEntry::label() const {
    std::string out = file_line(file, line);
    if (!exe.empty()) out += " EXE=" + exe;
    if (!sha256.empty()) out += " SHA256=" + sha256;
    if (!user.empty()) out += " USER=" + user;
    if (!parent.empty()) out += " PARENT=" + parent;
    if (!name.empty()) out += " NAME=" + name;
    for (size_t i = 0; i < signals.size(); ++i) out += (i ? "," : " SIGNAL=") + signals[i];
    out += " (reason: " + reason + "; expires " + expires + ")";
    return out;
}

Color score_with_thresholds(const std::vector<Signal>& signals, const Thresholds& t) {
    int strong = 0, medium = 0, weak = 0;
    for (const auto& s : signals) {
        if (s.strength == Strength::strong) ++strong;
        else if (s.strength == Strength::medium) ++medium;
        else ++weak;
    }
    if (strong > 0 || medium >= std::max(1, t.red_medium)) return Color::red;
    if (medium > 0 || weak >= std::max(1, t.yellow_weak)) return Color::yellow;
    return Color::green;
}

std::string local_date(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

PolicyVerdict apply_policy(const EffectivePolicy& pol, std::vector<Finding> findings, bool visibility_full,
                           const std::string& today, const CommByPid& parents) {
    PolicyVerdict v;
    auto note = [](std::vector<std::string>& list, const std::string& label) {
        if (std::find(list.begin(), list.end(), label) == list.end()) list.push_back(label);
    };
    for (Finding& f : findings) {
        // Weights first: an "off" signal is gone, others take the configured strength.
        std::vector<Signal> kept;
        for (Signal& s : f.signals) {
            auto w = pol.weights.find(s.id);
            if (w == pol.weights.end()) kept.push_back(std::move(s));
            else if (w->second > 0) {
                s.strength = static_cast<Strength>(w->second);
                kept.push_back(std::move(s));
            }
        }
        f.signals = std::move(kept);
        bool had_signals = !f.signals.empty();
        // The client names the parent (pcomm); older clients only let us find it among the
        // processes they reported.
        const std::string* parent = &f.parent_comm;
        if (parent->empty() && f.ppid > 0)
            if (auto it = parents.find(f.ppid); it != parents.end()) parent = &it->second;
        for (const auto& a : pol.allows) {
            bool match = value_matches(a->exe, a->exe_re, f.exe) && value_matches(a->user, a->user_re, f.user) &&
                         value_matches(a->parent, a->parent_re, *parent) && value_matches(a->name, a->name_re, f.comm) &&
                         (a->sha256.empty() || iequals(a->sha256, f.sha256));
            // Unknown evidence never matches: an entry keyed on an exe cannot allow a process whose
            // exe the server did not see.
            if (!a->exe.empty() && f.exe.empty()) match = false;
            if (!a->parent.empty() && parent->empty()) match = false;
            if (!a->user.empty() && f.user.empty()) match = false;
            if (!match) continue;
            bool touches = false;
            for (const auto& s : f.signals)
                if (a->signals.empty() || std::find(a->signals.begin(), a->signals.end(), s.id) != a->signals.end())
                    touches = true;
            if (!touches) continue;
            if (a->expired(today)) {
                note(v.allow_expired, a->label());
                continue;
            }
            std::vector<Signal> rest;
            for (auto& s : f.signals)
                if (!a->signals.empty() && std::find(a->signals.begin(), a->signals.end(), s.id) == a->signals.end())
                    rest.push_back(std::move(s));
            f.signals = std::move(rest);
            f.suppressed_by.push_back(a->label());
            note(v.allow_matched, a->label());
        }
        f.color = had_signals ? score_with_thresholds(f.signals, pol.thresholds) : f.color;
        if (had_signals && f.signals.empty()) f.color = Color::green;
        if (f.color > v.color) v.color = f.color;
    }
    v.findings = std::move(findings);
    v.color_before_expected = v.color;
    if (pol.expected) {
        v.expected = true;
        v.expected_reason = pol.expected_reason;
        v.color = Color::green;
    }
    // Could not see everything: never green.
    if (!visibility_full && v.color < Color::yellow) v.color = Color::yellow;
    return v;
}

// One INCIDENT key into `s`, or what is wrong with the value.
static Status apply_incident_key(IncidentSettings& s, const std::string& key, const std::string& value) {
    if (key == "CURRENCY") {
        if (value.empty() || value.size() > 8 || value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$") != std::string::npos)
            return fail("expected a currency code such as EUR or USD");
        s.impact.currency = value;
        return {};
    }
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(v == v)) return fail("expected a number");
    if (key == "CLEAN_CYCLES") {
        if (v < 1 || v > 10000 || v != static_cast<int>(v)) return fail("expected a whole number from 1 to 10000");
        s.clean_cycles = static_cast<int>(v);
    } else if (key == "IDLE_WATTS" || key == "BUSY_WATTS") {
        if (v < 0 || v > 1000) return fail("expected watts per vCPU from 0 to 1000");
        (key == "IDLE_WATTS" ? s.impact.idle_watts : s.impact.busy_watts) = v;
    } else if (key == "PUE") {
        if (v < 1 || v > 5) return fail("expected a PUE from 1 to 5");
        s.impact.pue = v;
    } else if (key == "PRICE_KWH" || key == "PRICE_VCPU_HOUR") {
        if (v < 0 || v > 1000) return fail("expected a price from 0 to 1000");
        (key == "PRICE_KWH" ? s.impact.price_kwh : s.impact.price_vcpu_hour) = v;
    } else {
        return fail("unknown key (CLEAN_CYCLES, IDLE_WATTS, BUSY_WATTS, PUE, PRICE_KWH, PRICE_VCPU_HOUR, CURRENCY)");
    }
    return {};
}

Status Policy::load_text(std::string_view text, const std::string& file) {
    std::vector<std::shared_ptr<Scope>> scopes;
    std::shared_ptr<Scope> cur;
    LineReader lines(text);
    auto bad = [&](const std::string& msg) { return fail_at(file, long(lines.number()), msg); };
    for (std::string_view line; lines.next(line);) {
        const int lineno = static_cast<int>(lines.number());
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        Expected<std::vector<Token>> tokens = tokenize(line);
        if (!tokens) return bad(tokens.error().message);
        const std::vector<Token>& toks = *tokens;
        const std::string& kw = toks[0].key;
        if (kw == "DEFAULT" && !toks[0].has_value) {
            if (toks.size() > 1) return bad("DEFAULT takes no arguments");
            cur = std::make_shared<Scope>();
            cur->is_default = true;
            cur->where = file_line(file, lineno) + " DEFAULT";
            scopes.push_back(cur);
            continue;
        }
        if (toks[0].has_value && (kw == "HOST" || kw == "EXHOST" || kw == "CLASS" || kw == "PAGE")) {
            cur = std::make_shared<Scope>();
            cur->where = file_line(file, lineno) + " " + std::string(line.substr(first));
            for (const Token& t : toks) {
                NameMatcher* m = nullptr;
                if (t.key == "HOST") m = &cur->host, cur->has_host = true;
                else if (t.key == "EXHOST") m = &cur->exhost, cur->has_exhost = true;
                else if (t.key == "CLASS") m = &cur->cls, cur->has_class = true;
                else if (t.key == "PAGE") m = &cur->page, cur->has_page = true;
                if (!m || !t.has_value) return bad("unknown scope criterion '" + t.key + "' (HOST=, EXHOST=, CLASS=, PAGE=)");
                if (Status parsed = parse_matcher(t.value, *m); !parsed)
                    return bad(t.key + ": " + parsed.error().message);
            }
            scopes.push_back(cur);
            continue;
        }
        if (!cur) return bad("'" + kw + "' before any scope line (DEFAULT, HOST=, CLASS=, PAGE=, EXHOST=)");
        if (kw == "ALLOW") {
            auto a = std::make_shared<AllowEntry>();
            a->file = file;
            a->line = lineno;
            for (size_t i = 1; i < toks.size(); ++i) {
                const Token& t = toks[i];
                if (!t.has_value || t.value.empty()) return bad("ALLOW: '" + t.key + "' needs a value (KEY=VALUE)");
                std::shared_ptr<std::regex>* re = nullptr;
                std::string* slot = nullptr;
                if (t.key == "EXE") slot = &a->exe, re = &a->exe_re;
                else if (t.key == "USER") slot = &a->user, re = &a->user_re;
                else if (t.key == "PARENT") slot = &a->parent, re = &a->parent_re;
                else if (t.key == "NAME") slot = &a->name, re = &a->name_re;
                else if (t.key == "SHA256") {
                    if (t.value.size() != 64 || t.value.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                        return bad("ALLOW: SHA256 must be 64 hex digits");
                    a->sha256 = t.value;
                } else if (t.key == "SIGNAL") {
                    std::stringstream ss(t.value);
                    std::string s;
                    while (std::getline(ss, s, ','))
                        if (!s.empty()) a->signals.push_back(s);
                } else if (t.key == "REASON") a->reason = t.value;
                else if (t.key == "EXPIRES") {
                    if (!valid_date(t.value)) return bad("ALLOW: EXPIRES must be a date YYYY-MM-DD, not '" + t.value + "'");
                    a->expires = t.value;
                } else return bad("ALLOW: unknown key '" + t.key + "' (EXE, SHA256, USER, PARENT, NAME, SIGNAL, REASON, EXPIRES)");
                if (slot) {
                    *slot = t.value;
                    if (t.value[0] == '%') {
                        Expected<std::shared_ptr<std::regex>> compiled = compile(t.value.substr(1));
                        if (!compiled) return bad("ALLOW " + t.key + ": " + compiled.error().message);
                        *re = std::move(*compiled);
                    }
                }
            }
            if (a->exe.empty() && a->sha256.empty() && a->user.empty() && a->parent.empty())
                return bad("ALLOW needs EXE=, SHA256=, USER= or PARENT= (a process name alone can be faked)");
            if (a->reason.empty()) return bad("ALLOW needs REASON=\"...\"");
            if (a->expires.empty()) return bad("ALLOW needs EXPIRES=YYYY-MM-DD");
            cur->allows.push_back(a);
        } else if (kw == "WEIGHT") {
            if (toks.size() < 2) return bad("WEIGHT needs signal_id=strong|medium|weak|off");
            for (size_t i = 1; i < toks.size(); ++i) {
                int w = 0;
                // Signal ids are lower case: take the original spelling, not the upper-cased key.
                std::string id = to_lower_ascii(toks[i].key);
                if (!toks[i].has_value || !parse_strength_word(toks[i].value, w))
                    return bad("WEIGHT " + id + ": expected strong, medium, weak or off");
                cur->weights[id] = w;
            }
        } else if (kw == "THRESHOLD") {
            if (toks.size() < 2) return bad("THRESHOLD needs RED_MEDIUM=N and/or YELLOW_WEAK=N");
            for (size_t i = 1; i < toks.size(); ++i) {
                const Token& t = toks[i];
                int n = 0;
                try {
                    size_t used = 0;
                    n = std::stoi(t.value, &used);
                    if (used != t.value.size() || n < 1 || n > 100) throw std::invalid_argument("range");
                } catch (...) {
                    return bad("THRESHOLD " + t.key + ": expected a number from 1 to 100");
                }
                if (t.key == "RED_MEDIUM") cur->thresholds.red_medium = n, cur->has_red_medium = true;
                else if (t.key == "YELLOW_WEAK") cur->thresholds.yellow_weak = n, cur->has_yellow_weak = true;
                else return bad("THRESHOLD: unknown key '" + t.key + "' (RED_MEDIUM, YELLOW_WEAK)");
            }
        } else if (kw == "EXPECTED") {
            for (size_t i = 1; i < toks.size(); ++i) {
                if (toks[i].key != "REASON" || !toks[i].has_value) return bad("EXPECTED takes only REASON=\"...\"");
                cur->expected_reason = toks[i].value;
            }
            if (cur->expected_reason.empty()) return bad("EXPECTED needs REASON=\"...\"");
            cur->expected = true;
        } else if (kw == "INCIDENT") {
            if (toks.size() < 2) return bad("INCIDENT needs KEY=VALUE (CLEAN_CYCLES, IDLE_WATTS, BUSY_WATTS, PUE, PRICE_KWH, PRICE_VCPU_HOUR, CURRENCY)");
            for (size_t i = 1; i < toks.size(); ++i) {
                const Token& t = toks[i];
                IncidentSettings probe;
                if (!t.has_value) return bad("INCIDENT " + t.key + ": needs a value");
                if (Status applied = apply_incident_key(probe, t.key, t.value); !applied)
                    return bad("INCIDENT " + t.key + ": " + applied.error().message);
                cur->incident.emplace_back(t.key, t.value);
            }
        } else if (kw == "CONTAIN") {
            // containment's server key; the host's own `contain =` is the other (issue 11)
            std::string v = toks.size() == 2 ? to_lower_ascii(toks[1].key) : "";
            if (toks.size() != 2 || toks[1].has_value ||
                (v != "off" && v != "observe" && v != "freeze" && v != "isolate" && v != "both"))
                return bad("CONTAIN takes one of off, observe, freeze, isolate, both");
            cur->contain = v;
        } else {
            return bad("unknown keyword '" + kw + "' (ALLOW, WEIGHT, THRESHOLD, EXPECTED, INCIDENT, CONTAIN, or a scope line)");
        }
    }
    scopes_ = std::move(scopes);
    return {};
}

Status Policy::load_file(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        scopes_.clear();  // no file: built-in defaults
        mtime_ns_ = 0;
        size_ = -2;
        return {};
    }
    mtime_ns_ = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    size_ = st.st_size;
    Expected<std::string> text = read_file(path);
    if (!text) return fail(text.error());
    return load_text(*text, path);
}

std::optional<Status> Policy::reload_if_changed(const std::string& path) {
    struct stat st {};
    long long mt = 0;
    long long sz = -2;
    if (stat(path.c_str(), &st) == 0) mt = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, sz = st.st_size;
    if (mt == mtime_ns_ && sz == size_) return std::nullopt;
    Status loaded = load_file(path);
    if (!loaded) mtime_ns_ = mt, size_ = sz;  // do not retry a broken file until it changes again
    return loaded;
}

EffectivePolicy Policy::effective(const std::string& host, const std::string& config_class,
                                  const std::string& page) const {
    EffectivePolicy e;
    for (const auto& s : scopes_) {
        if (!s->applies(host, config_class, page)) continue;
        e.scopes.push_back(s->where);
        e.allows.insert(e.allows.end(), s->allows.begin(), s->allows.end());
        for (const auto& [id, w] : s->weights) e.weights[id] = w;
        if (s->has_red_medium) e.thresholds.red_medium = s->thresholds.red_medium;
        if (s->has_yellow_weak) e.thresholds.yellow_weak = s->thresholds.yellow_weak;
        if (s->expected) {
            e.expected = true;
            e.expected_reason = s->expected_reason;
        }
        for (const auto& [k, v] : s->incident) (void)apply_incident_key(e.incident, k, v);  // checked when loaded
        if (!s->contain.empty()) {
            e.contain = s->contain;
            e.contain_scope = s->where;
        }
    }
    return e;
}

std::string Policy::describe(const std::string& host, const std::string& config_class, const std::string& page) const {
    EffectivePolicy e = effective(host, config_class, page);
    std::string today = local_date(std::time(nullptr));
    std::ostringstream o;
    o << "host " << host << " (class " << (config_class.empty() ? "-" : config_class) << ", page "
      << (page.empty() ? "-" : page) << ")\n";
    o << "scopes:\n";
    if (e.scopes.empty()) o << "  (none: built-in defaults)\n";
    for (const auto& s : e.scopes) o << "  " << s << "\n";
    o << "allow:\n";
    if (e.allows.empty()) o << "  (none)\n";
    for (const auto& a : e.allows) o << "  " << (a->expired(today) ? "EXPIRED " : "active  ") << a->label() << "\n";
    o << "weights:\n";
    if (e.weights.empty()) o << "  (rule defaults)\n";
    for (const auto& [id, w] : e.weights)
        o << "  " << id << "=" << (w == 0 ? "off" : to_string(static_cast<Strength>(w))) << "\n";
    o << "thresholds: RED_MEDIUM=" << e.thresholds.red_medium << " YELLOW_WEAK=" << e.thresholds.yellow_weak << "\n";
    o << "expected mining: " << (e.expected ? "yes (" + e.expected_reason + ")" : std::string("no")) << "\n";
    const ImpactSettings& im = e.incident.impact;
    o << "incident: CLEAN_CYCLES=" << e.incident.clean_cycles << " IDLE_WATTS=" << im.idle_watts
      << " BUSY_WATTS=" << im.busy_watts << " PUE=" << im.pue << " PRICE_KWH=" << im.price_kwh
      << " PRICE_VCPU_HOUR=" << im.price_vcpu_hour << " CURRENCY=" << im.currency << "\n";
    o << "containment: " << e.contain << (e.contain_scope.empty() ? "" : " (" + e.contain_scope + ")") << "\n";
    return o.str();
}

size_t Policy::scope_count() const { return scopes_.size(); }

}  // namespace mr
