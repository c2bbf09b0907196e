#include "xymon/xymon_template.h"

#include <fstream>
#include <sstream>

#include "util/file_io.h"
#include "util/html_escape.h"

extern char** environ;

namespace mr {

namespace {

bool is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

bool is_lower_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

TemplateVars environment_vars() {
    TemplateVars vars;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        size_t eq = kv.find('=');
        if (eq != std::string::npos && eq > 0) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return vars;
}

TemplateVars page_specials(const std::string& background_color, const std::string& date,
                           int refresh_seconds, const std::string& host, const std::string& service) {
    TemplateVars s;
    auto both = [&](const char* xymon_name, const char* bb_name, const std::string& v) {
        s[xymon_name] = escape_html(v);
        s[bb_name] = escape_html(v);
    };
    both("XYMWEBBACKGROUND", "BBBACKGROUND", background_color);
    both("XYMWEBCOLOR", "BBCOLOR", background_color);
    both("XYMWEBDATE", "BBDATE", date);
    both("XYMWEBREFRESH", "BBREFRESH", std::to_string(refresh_seconds));
    both("XYMWEBPAGEPATH", "BBPAGEPATH", "");
    both("XYMWEBHOST", "BBHOST", host);
    both("XYMWEBHIKEY", "BBHIKEY", host);
    both("XYMWEBSVC", "BBSVC", service);
    both("XYMWEBIP", "BBIP", "");
    both("XYMWEBIPNAME", "BBIPNAME", "");
    both("XYMWEBHOSTDOCURL", "BBHOSTDOCURL", "");
    both("XYMWEBMETA", "BBMETA", "");
    return s;
}

namespace {

// A template's &NAME "file:PATH" include; a missing file includes nothing (as in Xymon).
std::string read_include(const std::string& path) { return read_file(path).value_or(""); }

}  // namespace

std::string expand_dollar_vars(const std::string& text, const TemplateVars& env) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$' || i + 1 >= text.size()) { out += text[i]; continue; }
        size_t start = i + 1, end;
        bool braced = text[start] == '{';
        if (braced) {
            end = text.find('}', start + 1);
            if (end == std::string::npos) { out += text[i]; continue; }
            std::string name = text.substr(start + 1, end - start - 1);
            auto it = env.find(name);
            if (it != env.end()) out += it->second;
            i = end;
            continue;
        }
        end = start;
        while (end < text.size() && is_lower_name_char(text[end])) ++end;
        if (end == start) { out += text[i]; continue; }
        auto it = env.find(text.substr(start, end - start));
        if (it != env.end()) out += it->second;
        i = end - 1;
    }
    return out;
}

namespace {

const std::vector<std::string>& special_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& kv : page_specials("", "", 0)) n.push_back(kv.first);
        return n;
    }();
    return names;
}

bool is_special(const std::string& name) {
    for (const auto& n : special_names())
        if (n == name) return true;
    return false;
}

}  // namespace

PreparedTemplate::PreparedTemplate(const std::string& tpl, const TemplateVars& env,
                                   std::string (*read_file)(const std::string& path)) {
    // Same walk as expand_template; a special becomes a slot, everything else is final text.
    text_.emplace_back();
    size_t i = 0;
    while (i < tpl.size()) {
        size_t amp = tpl.find('&', i);
        if (amp == std::string::npos) amp = tpl.size();
        text_.back().append(tpl, i, amp - i);
        if (amp == tpl.size()) break;
        size_t end = amp + 1;
        while (end < tpl.size() && is_name_char(tpl[end])) ++end;
        std::string name = tpl.substr(amp + 1, end - amp - 1);
        // Whether a ';' follows matters to expand_template, so it goes along (and comes off again).
        bool semi = end < tpl.size() && tpl[end] == ';';
        std::string piece = expand_template(tpl.substr(amp, end - amp + (semi ? 1 : 0)), env, TemplateVars{}, read_file);
        if (semi) piece.pop_back();
        if (!name.empty() && is_special(name)) {
            slots_.push_back({name, piece});
            text_.emplace_back();
        } else {
            text_.back() += piece;
        }
        i = end;
    }
}

std::string PreparedTemplate::expand(const TemplateVars& specials) const {
    std::string out = text_[0];
    for (size_t i = 0; i < slots_.size(); ++i) {
        auto it = specials.find(slots_[i].name);
        out += it != specials.end() ? it->second : slots_[i].fallback;
        out += text_[i + 1];
    }
    return out;
}

std::string PreparedTemplate::fingerprint_text() const {
    std::string s;
    for (size_t i = 0; i < text_.size(); ++i) {
        s += text_[i];
        if (i < slots_.size()) s += "\x1f" + slots_[i].name + "\x1f" + slots_[i].fallback + "\x1f";
    }
    return s;
}

std::string expand_template(const std::string& tpl, const TemplateVars& env,
                            const TemplateVars& specials,
                            std::string (*read_file)(const std::string& path)) {
    if (!read_file) read_file = read_include;
    std::string out;
    out.reserve(tpl.size() + 1024);
    for (size_t i = 0; i < tpl.size(); ++i) {
        if (tpl[i] != '&') { out += tpl[i]; continue; }
        size_t end = i + 1;
        while (end < tpl.size() && is_name_char(tpl[end])) ++end;
        std::string name = tpl.substr(i + 1, end - i - 1);
        if (name.empty()) { out += '&'; continue; }
        auto sp = specials.find(name);
        if (sp != specials.end()) {
            out += sp->second;
        } else if (end < tpl.size() && tpl[end] == ';') {
            out += '&' + name;  // an HTML entity such as &AElig;
        } else if (name == "XYMONBODYHEADER" || name == "XYMONBODYFOOTER") {
            auto it = env.find(name);
            std::string v = it == env.end() ? "" : it->second;
            if (v.compare(0, 5, "file:") == 0) out += expand_dollar_vars(read_file(v.substr(5)), env);
            else out += v;
        } else {
            auto it = env.find(name);
            if (it != env.end()) out += it->second;
            else out += '&' + name;
        }
        i = end - 1;
    }
    return out;
}

}  // namespace mr
