// Xymon's header/footer templates (xymonweb(5), lib/headfoot.c): every "&NAME" with NAME in
// [A-Z0-9_]+ is replaced. The page specials (XYMWEBBACKGROUND, XYMWEBDATE, XYMWEBREFRESH, ...)
// are replaced even when a ';' follows; other names are looked up in the environment map, and
// "&NAME;" (an HTML entity) or an unknown name is left as it is. XYMONBODYHEADER/FOOTER set to
// "file:PATH" include that file, with its "$NAME" references expanded from the environment.
#pragma once
#include <map>
#include <string>

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

// "$NAME" and "${NAME}" from env; unknown names expand to "".
std::string expand_dollar_vars(const std::string& text, const TemplateVars& env);

// Reads a whole file; "" on error.
std::string read_text_file(const std::string& path);

}  // namespace mr
