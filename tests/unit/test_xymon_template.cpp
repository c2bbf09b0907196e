#include <doctest/doctest.h>

#include <string>

#include "util/file_io.h"
#include "xymon/xymon_template.h"

using namespace mr;

namespace {
std::string fake_file(const std::string& path) {
    return path == "/menu.cfg" ? "<a href=\"$XYMONSERVERWWWURL/xymon.html\">Main ${XYMONLOGO}</a>$NOPE" : "";
}
}  // namespace

TEST_CASE("xymon_template: environment names, specials and entities") {
    TemplateVars env{{"XYMONBODYCSS", "/xymon/gifs/static/xymonbody.css"}, {"XYMONDREL", "4.3.30"}};
    TemplateVars sp = page_specials("red", "Thu Nov 26 22:45:42 2026", 60, "web01", "miningrisk");
    std::string out = expand_template(
        "<BODY class=\"&XYMWEBBACKGROUND\"><link href=\"&XYMONBODYCSS\">&nbsp;&XYMWEBREFRESH;"
        "&UNKNOWNVAR x &AElig; Xymon &XYMONDREL & more &XYMWEBHOST",
        env, sp);
    CHECK(out == "<BODY class=\"red\"><link href=\"/xymon/gifs/static/xymonbody.css\">&nbsp;60;"
                 "&UNKNOWNVAR x &AElig; Xymon 4.3.30 & more web01");
}

TEST_CASE("xymon_template: BB aliases and escaped special values") {
    TemplateVars sp = page_specials("yellow", "now", 30, "h\"<x>", "");
    CHECK(expand_template("&BBBACKGROUND &BBREFRESH", {}, sp) == "yellow 30");
    CHECK(expand_template("&XYMWEBHOST", {}, sp) == "h&quot;&lt;x&gt;");
}

TEST_CASE("xymon_template: XYMONBODYHEADER=file: includes the menu with $vars expanded") {
    TemplateVars env{{"XYMONBODYHEADER", "file:/menu.cfg"}, {"XYMONSERVERWWWURL", "/xymon"},
                     {"XYMONLOGO", "Xymon"}, {"XYMONBODYFOOTER", "<i>foot</i>"}};
    std::string out = expand_template("[&XYMONBODYHEADER][&XYMONBODYFOOTER]", env, {}, fake_file);
    CHECK(out == "[<a href=\"/xymon/xymon.html\">Main Xymon</a>][<i>foot</i>]");
    CHECK(expand_template("[&XYMONBODYHEADER]", {{"XYMONBODYHEADER", "file:/missing"}}, {}, fake_file) == "[]");
}

TEST_CASE("xymon_template: the real stdnormal_header leaves no &NAME behind") {
    std::string tpl = read_file("/etc/xymon/web/stdnormal_header").value_or("");
    if (tpl.empty()) return;  // Xymon not installed here
    TemplateVars env{{"HTMLCONTENTTYPE", "text/html"}, {"XYMONBODYCSS", "a.css"}, {"XYMONBODYMENUCSS", "m.css"},
                     {"XYMONSKIN", "/skin"}, {"XYMONLOGO", "Xymon"}, {"XYMONBODYHEADER", ""}};
    std::string out = expand_template(tpl, env, page_specials("green", "d", 60));
    CHECK(out.find("<BODY class=\"green\">") != std::string::npos);
    CHECK(out.find("&XYM") == std::string::npos);
    CHECK(out.find("&nbsp;") != std::string::npos);
}

TEST_CASE("xymon_template: a prepared template expands like expand_template") {
    TemplateVars env{{"XYMONBODYHEADER", "file:/menu.cfg"}, {"XYMONSERVERWWWURL", "/xymon"},
                     {"XYMONLOGO", "Xymon"}, {"XYMONDREL", "4.3.30"}};
    std::string tpl = "<BODY class=\"&XYMWEBBACKGROUND\">&XYMONBODYHEADER &XYMWEBREFRESH; &AElig; &; & &"
                      "&UNKNOWN &XYMONDREL;&XYMONDREL &XYMWEBHOST&XYMWEBDATE end&";
    PreparedTemplate p(tpl, env, fake_file);
    for (const auto& sp : {page_specials("red", "Thu", 60, "web<1>", "miningrisk"), page_specials("green", "", 5),
                           TemplateVars{}}) {
        CHECK(p.expand(sp) == expand_template(tpl, env, sp, fake_file));
    }
    std::string real = read_file("/etc/xymon/web/stdnormal_header").value_or("");
    PreparedTemplate pr(real, env);
    TemplateVars sp = page_specials("yellow", "d", 60, "h", "miningrisk");
    CHECK(pr.expand(sp) == expand_template(real, env, sp));
    // What is not a slot is in the fingerprint: a changed menu changes every page.
    CHECK(p.fingerprint_text().find("Main Xymon") != std::string::npos);
}
