// HTML escaping for text that a monitored host supplied (process names, argv, paths).
// One function serves element text and quoted attribute values alike.
#pragma once
#include <string>
#include <string_view>

namespace mr {

// Escapes & < > " ' and replaces control characters (newline included) with '?', so the result
// is one line that can neither open a tag nor start a Xymon "&red" icon: '&' always becomes
// "&amp;". Invalid UTF-8 passes through unchanged (browsers show a replacement character).
std::string escape_html(std::string_view raw);

// The same for element text only (a line of a Xymon status): quotes stay as they are, so a
// quoted name in a message reads the same in the raw status, and a line break becomes a space.
std::string escape_html_text(std::string_view raw);

// JSON text made safe to embed in an HTML <script> or page: every "</" becomes "<\/" (the same
// string to a JSON parser), so host text can never close the element around it.
std::string escape_json_end_tags(std::string_view json);

// Percent-encodes everything but unreserved URL characters (RFC 3986), for query/path parts.
std::string url_encode(std::string_view raw);

// Cuts `s` to at most `max_bytes`, appending "..." when cut, without splitting a UTF-8 sequence.
std::string truncate_text(std::string_view s, size_t max_bytes);

// escape_html of host text cut to `max_bytes` first, so one field cannot fill a status.
std::string escape_html_capped(std::string_view raw, size_t max_bytes);

}  // namespace mr
