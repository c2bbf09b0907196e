#include "pages/html_doc.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlIO.h>

#include <cstring>

namespace mr {

namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
    unsigned char c = s[i];
    size_t n;
    unsigned cp;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        unsigned char cc = s[i + k];
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

bool in_list(const xmlChar* name, const char* const* list) {
    for (; *list; ++list)
        if (!xmlStrcasecmp(name, X(*list))) return true;
    return false;
}

const char* const kKeepElements[] = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
                                     "b", "i", "em", "strong", "code", "pre", "br", "span",
                                     "small", "ul", "ol", "li", nullptr};
const char* const kDropWithContent[] = {"script", "style", "noscript", "template", "iframe",
                                        "object", "embed", "svg", "math", "title", "head",
                                        "textarea", "select", nullptr};
const char* const kKeepAttributes[] = {"class", "colspan", "rowspan", "title", nullptr};

bool safe_attribute_value(const xmlChar* name, const std::string& v) {
    if (!xmlStrcasecmp(name, X("colspan")) || !xmlStrcasecmp(name, X("rowspan"))) {
        if (v.empty() || v.size() > 3) return false;
        for (char c : v)
            if (c < '0' || c > '9') return false;
    }
    return true;
}

void copy_children(xmlNodePtr from, HtmlNode to) {
    for (xmlNodePtr c = from->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content) to.text(reinterpret_cast<const char*>(c->content));
        } else if (c->type == XML_ELEMENT_NODE) {
            if (in_list(c->name, kDropWithContent)) continue;
            if (!in_list(c->name, kKeepElements)) {
                copy_children(c, to);  // html, body, div, font, a, ...: keep their text only
                continue;
            }
            // The tag name comes from our whitelist, not from the parsed document.
            const char* tag = nullptr;
            for (const char* const* k = kKeepElements; *k; ++k)
                if (!xmlStrcasecmp(c->name, X(*k))) tag = *k;
            HtmlNode child = to.add(tag);
            for (xmlAttrPtr a = c->properties; a; a = a->next) {
                const char* attr = nullptr;
                for (const char* const* k = kKeepAttributes; *k; ++k)
                    if (!xmlStrcasecmp(a->name, X(*k))) attr = *k;
                if (!attr) continue;
                xmlChar* v = xmlNodeListGetString(c->doc, a->children, 1);
                std::string value = v ? reinterpret_cast<const char*>(v) : "";
                xmlFree(v);
                if (safe_attribute_value(a->name, value)) child.attr(attr, value);
            }
            copy_children(c, child);
        }
        // comments, processing instructions, entity refs: dropped
    }
}

}  // namespace

std::string to_valid_utf8(std::string_view raw) {
    // Fast path: plain printable ASCII (almost every value on a page) is already valid.
    size_t plain = 0;
    while (plain < raw.size()) {
        unsigned char c = raw[plain];
        if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7F) break;
        ++plain;
    }
    if (plain == raw.size()) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size();) {
        unsigned char c = raw[i];
        if (c < 0x20 && c != '\n' && c != '\t') { out += '?'; ++i; continue; }
        if (c == 0x7F) { out += '?'; ++i; continue; }
        size_t n = utf8_sequence(raw, i);
        if (n == 0) {  // ISO-8859-1 byte -> UTF-8; C1 controls -> '?'
            if (c < 0xA0) out += '?';
            else { out += static_cast<char>(0xC0 | (c >> 6)); out += static_cast<char>(0x80 | (c & 0x3F)); }
            ++i;
            continue;
        }
        out.append(raw.substr(i, n));
        i += n;
    }
    return out;
}

HtmlNode HtmlNode::add(const char* tag) {
    return HtmlNode(xmlNewChild(node_, nullptr, X(tag), nullptr));
}

HtmlNode HtmlNode::add(const char* tag, std::string_view text) {
    HtmlNode child = add(tag);
    child.text(text);
    return child;
}

HtmlNode& HtmlNode::text(std::string_view text) {
    if (text.empty()) return *this;
    std::string clean = to_valid_utf8(text);
    // xmlNewTextLen stores the bytes as character data; the serializer escapes them.
    xmlAddChild(node_, xmlNewTextLen(X(clean.c_str()), static_cast<int>(clean.size())));
    return *this;
}

HtmlNode& HtmlNode::attr(const char* name, std::string_view value) {
    std::string clean = to_valid_utf8(value);
    xmlSetProp(node_, X(name), X(clean.c_str()));
    return *this;
}

HtmlDoc::HtmlDoc(const char* root_tag) {
    doc_ = htmlNewDocNoDtD(nullptr, nullptr);
    root_ = xmlNewDocNode(doc_, nullptr, X(root_tag), nullptr);
    xmlDocSetRootElement(doc_, root_);
}

HtmlDoc::~HtmlDoc() { xmlFreeDoc(doc_); }

std::string HtmlDoc::serialize() const {
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(nullptr);
    htmlNodeDumpFormatOutput(buf, doc_, root_, "UTF-8", 0);
    xmlOutputBufferFlush(buf);
    std::string utf8(reinterpret_cast<const char*>(xmlOutputBufferGetContent(buf)),
                     xmlOutputBufferGetSize(buf));
    xmlOutputBufferClose(buf);
    // Non-ASCII as &#N; so the page reads right whatever charset the web server announces.
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) {
        size_t run = i;
        while (run < utf8.size() && static_cast<unsigned char>(utf8[run]) < 0x80) ++run;
        if (run > i) {  // runs of ASCII in one append
            out.append(utf8, i, run - i);
            i = run;
            continue;
        }
        unsigned char c = utf8[i];
        size_t n = c < 0x80 ? 1 : utf8_sequence(utf8, i);
        if (n <= 1) { out += c < 0x80 ? static_cast<char>(c) : '?'; ++i; continue; }
        unsigned cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        out += "&#" + std::to_string(cp) + ";";
        i += n;
    }
    return out;
}

void append_sanitized_html(HtmlNode parent, std::string_view html) {
    std::string clean = to_valid_utf8(html);
    if (clean.empty()) return;
    int opts = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED;
    htmlDocPtr doc = htmlReadMemory(clean.data(), static_cast<int>(clean.size()), nullptr, "UTF-8", opts);
    if (!doc) {
        parent.text(clean);
        return;
    }
    // With NOIMPLIED the fragment's nodes are the document's top-level children.
    copy_children(reinterpret_cast<xmlNodePtr>(doc), parent);
    xmlFreeDoc(doc);
}

}  // namespace mr
