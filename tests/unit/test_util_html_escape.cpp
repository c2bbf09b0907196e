#include <doctest/doctest.h>

#include "util/html_escape.h"

using mr::escape_html;
using mr::escape_html_text;

TEST_CASE("html_escape: element text keeps quotes, breaks lines into spaces, never opens a tag or icon") {
    // A curl error as the feed column shows it: the quoted host name reads as it was.
    CHECK(escape_html_text("no alternative certificate subject name matches target host name '127.0.0.1'") ==
          "no alternative certificate subject name matches target host name '127.0.0.1'");
    CHECK(escape_html_text("say \"hi\"") == "say \"hi\"");
    CHECK(escape_html_text("<script>&red</script>") == "&lt;script&gt;&amp;red&lt;/script&gt;");
    // One line: a server's text cannot start a status line (or a "&red" icon) of its own.
    CHECK(escape_html_text("first\n&red second\r\nthird") == "first &amp;red second  third");
    CHECK(escape_html_text("bell\x07 del\x7f tab\t") == "bell? del? tab ");
    // Attributes still get every quote escaped.
    CHECK(escape_html("'127.0.0.1'") == "&#39;127.0.0.1&#39;");
}

TEST_CASE("escape_json_end_tags: host text cannot close the element around embedded JSON") {
    CHECK(mr::escape_json_end_tags(R"({"comm":"</script><b>"})") == R"({"comm":"<\/script><b>"})");
    CHECK(mr::escape_json_end_tags("a < b / c") == "a < b / c");   // only the pair "</"
    CHECK(mr::escape_json_end_tags("<") == "<");                    // a lone '<' at the end
    CHECK(mr::escape_json_end_tags("</</") == "<\\/<\\/");
}

TEST_CASE("escape_html_capped: host text is cut before it is escaped, never mid-entity") {
    std::string name(1000, '<');
    std::string out = mr::escape_html_capped(name, 10);
    std::string ten_escaped;
    for (int i = 0; i < 10; ++i) ten_escaped += "&lt;";
    CHECK(out == ten_escaped + "...");  // 10 bytes of input, each escaped whole, then "..."
    CHECK(mr::escape_html_capped("a&b", 100) == "a&amp;b");  // short text passes whole, escaped
}
