// HTML built as a libxml2 tree and written by libxml2's HTML serializer: text and attribute
// values go in as data and come out escaped, so host-supplied text can never become markup.
// Tag and attribute names are string literals from our own code, never from the board.
#pragma once
#include <libxml/tree.h>

#include <string>
#include <string_view>

namespace mr {

// Valid UTF-8 for libxml2: a byte that does not start a valid sequence is taken as ISO-8859-1;
// control characters other than \n and \t become '?'.
std::string to_valid_utf8(std::string_view raw);

class HtmlNode {
public:
    explicit HtmlNode(xmlNodePtr n) : node_(n) {}
    HtmlNode add(const char* tag);                                // child element
    HtmlNode add(const char* tag, std::string_view text);         // child element with text
    HtmlNode& text(std::string_view text);                        // appended text
    HtmlNode& attr(const char* name, std::string_view value);
    HtmlNode& cls(std::string_view value) { return attr("class", value); }
    xmlNodePtr raw() const { return node_; }

private:
    xmlNodePtr node_;
};

class HtmlDoc {
public:
    explicit HtmlDoc(const char* root_tag = "div");
    ~HtmlDoc();
    HtmlDoc(const HtmlDoc&) = delete;
    HtmlDoc& operator=(const HtmlDoc&) = delete;

    HtmlNode root() { return HtmlNode(root_); }
    // The root element as HTML, pure ASCII (other characters as character references).
    std::string serialize() const;

private:
    xmlDocPtr doc_;
    xmlNodePtr root_;
};

// Parses `html` (a worker's evidence body) and appends to `parent` only a whitelist: table
// elements, b/i/code/pre/br/span/lists, with class/colspan/rowspan/title attributes whose values
// are re-set as data. Everything else is dropped; the text of unknown elements is kept as text,
// except script/style/etc. whose content goes entirely.
void append_sanitized_html(HtmlNode parent, std::string_view html);

}  // namespace mr
