#include <doctest/doctest.h>

#include <string>

#include "pages/html_doc.h"

using namespace mr;

TEST_CASE("html_doc: host text stays text, in elements and attributes") {
    HtmlDoc doc("div");
    HtmlNode p = doc.root().add("p", "<img src=x onerror=alert(1)> &red");
    p.attr("title", "\"><script>alert(1)</script>");
    std::string html = doc.serialize();
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt; &amp;red") != std::string::npos);
}

TEST_CASE("html_doc: non-ASCII and invalid bytes come out as character references") {
    HtmlDoc doc("span");
    doc.root().text("caf\xc3\xa9 \xff\x01z");
    std::string html = doc.serialize();
    CHECK(html == "<span>caf&#233; &#255;?z</span>");
    for (unsigned char c : html) CHECK(c < 0x80);
}

TEST_CASE("html_doc: to_valid_utf8") {
    CHECK(to_valid_utf8("ok\n\tline") == "ok\n\tline");
    CHECK(to_valid_utf8("a\x1b[31m") == "a?[31m");
    CHECK(to_valid_utf8("\xc3\xa9") == "\xc3\xa9");
    CHECK(to_valid_utf8("\xc0\xaf") == "\xc3\x80\xc2\xaf");  // overlong "/" is not UTF-8: read as Latin-1
    CHECK(to_valid_utf8("\xed\xa0\x80").find('\xed') == std::string::npos);  // surrogate
}

TEST_CASE("html_doc: the evidence sanitizer keeps tables and drops everything active") {
    HtmlDoc doc("div");
    append_sanitized_html(doc.root(),
                          "&red xmrig\n<table border=1 onclick=x><tr><th>pid</th><td colspan=2 style=x "
                          "class=hot>a &amp; b<img src=x onerror=alert(1)></td></tr></table>"
                          "<script>alert(1)</script><style>*{}</style><!-- ncv_skipstart -->"
                          "<a href=javascript:alert(1)>link text</a><iframe src=//x></iframe>"
                          "<svg onload=alert(1)><text>t</text></svg>\nscore : 3\n&lt;img src=x&gt;");
    std::string html = doc.serialize();
    CHECK(html.find("<table><tr><th>pid</th><td colspan=\"2\" class=\"hot\">a &amp; b</td></tr></table>") !=
          std::string::npos);
    for (const char* bad : {"<img", "<script", "<style", "<a", "<iframe", "<svg", "onclick", "onerror",
                            "style=", "border", "alert", "<!--", "javascript"})
        CHECK_MESSAGE(html.find(bad) == std::string::npos, bad);
    CHECK(html.find("link text") != std::string::npos);   // text of a dropped element stays
    CHECK(html.find("&amp;red xmrig") != std::string::npos);
    CHECK(html.find("score : 3") != std::string::npos);
    CHECK(html.find("&lt;img src=x&gt;") != std::string::npos);  // escaped text stays escaped
}

TEST_CASE("html_doc: the sanitizer rejects odd colspan values and survives garbage") {
    HtmlDoc doc("div");
    append_sanitized_html(doc.root(), "<td colspan=\"2 onmouseover=x\">a</td><td rowspan=99999>b</td>");
    std::string html = doc.serialize();
    CHECK(html.find("colspan") == std::string::npos);
    CHECK(html.find("rowspan") == std::string::npos);
    HtmlDoc doc2("div");
    std::string junk;
    for (int i = 0; i < 3000; ++i) junk += static_cast<char>((i * 37) % 256);
    junk += "<<<<table><tr><td></table></div></div><</";
    append_sanitized_html(doc2.root(), junk);
    std::string out = doc2.serialize();
    CHECK(out.rfind("<div>", 0) == 0);
    CHECK(out.find("<div>", 1) == std::string::npos);  // no element smuggled out of the body
}
