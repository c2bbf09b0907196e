// Xymon's header/footer templates (xymonweb(5), lib/headfoot.c): every "&NAME" with NAME in
// [A-Z0-9_]+ is replaced. The page specials (XYMWEBBACKGROUND, XYMWEBDATE, XYMWEBREFRESH, ...)
// are replaced even when a ';' follows; other names are looked up in the environment map, and
// "&NAME;" (an HTML entity) or an unknown name is left as it is. XYMONBODYHEADER/FOOTER set to
// "file:PATH" include that file, with its "$NAME" references expanded from the environment.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace mr {

using TemplateVars = std::map<std::string, std::string>;

// The environment of this process (run under xymoncmd, it has xymonserver.cfg's variables).
TemplateVars environment_vars();

// Specials for one page; values are HTML-escaped here (a host name lands in attributes).
// Adds the BB* legacy aliases too.
TemplateVars page_specials(const std::string& background_color, const std::string& date,
                           int refresh_seconds, const std::string& host = "",
                           const std::string& service = "");

// Expands `tpl`. `read_file` loads "file:" includes (injectable for tests); a failed include
// expands to nothing.
std::string expand_template(const std::string& tpl, const TemplateVars& env,
                            const TemplateVars& specials,
                            std::string (*read_file)(const std::string& path) = nullptr);

// A template expanded once per run: the environment and "file:" includes are resolved here, and
// only the page specials (the names page_specials() sets) are left as slots, so each page is a
// join of strings. expand(s) == expand_template(tpl, env, s) for specials from page_specials().
class PreparedTemplate {
public:
    PreparedTemplate() = default;
    PreparedTemplate(const std::string& tpl, const TemplateVars& env,
                     std::string (*read_file)(const std::string& path) = nullptr);
    std::string expand(const TemplateVars& specials) const;
    // Everything but the slots' values: a change here changes every page.
    std::string fingerprint_text() const;

private:
    struct Slot {
        std::string name;
        std::string fallback;  // when `specials` lacks the name
    };
    std::vector<std::string> text_;  // text_[i] comes before slots_[i]; one more than slots_
    std::vector<Slot> slots_;
};

// "$NAME" and "${NAME}" from env; unknown names expand to "".
std::string expand_dollar_vars(const std::string& text, const TemplateVars& env);

}  // namespace mr
