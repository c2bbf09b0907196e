// A Xymon client message split into its [section]s. The first line names the sender:
// "client[/COLLECTORID] HOST.OSTYPE [CLASS]". Output of `clientlog HOST` and the clichg channel
// hold several collectors' messages, each after a "[collector:ID]" marker: split_collectors
// separates them first. Views point into the caller's text, which must outlive them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace mr {

struct ClientSection {
    std::string_view name;     // between the brackets, e.g. "ps", "local:foo"
    std::string_view content;  // the lines after the header, up to the next section
};

struct ClientFirstLine {
    std::string collector_id;  // "" for the standard client
    std::string host;          // HOST with commas turned back into dots
    std::string ostype;
    std::string config_class;
};

// Parses "client[/ID] HOST.OSTYPE [CLASS]" (the last dot separates the OS type); an Error says
// which part is missing.
Expected<ClientFirstLine> parse_client_first_line(std::string_view line);

struct ClientMessageView {
    std::string_view first_line;          // "" when the text starts with a section
    std::vector<ClientSection> sections;  // in order; a repeated name keeps both
    // The first section named `name`, or nullptr.
    const ClientSection* find(std::string_view name) const;
};

// Splits at lines of the form "[name]" (no spaces inside, at most 200 bytes). At most
// `max_sections` are kept; the rest of the text stays in the last one.
ClientMessageView split_client_sections(std::string_view text, size_t max_sections = 1000);

struct CollectorPart {
    std::string_view collector_id;
    std::string_view text;  // starting with that collector's "client..." line
};
// Splits clientlog/clichg text on "[collector:ID]" lines. Text without markers is one part "".
std::vector<CollectorPart> split_collectors(std::string_view text);

// The lines of a section's content, without the newline (and without a trailing '\r').
std::vector<std::string_view> split_lines(std::string_view content);

}  // namespace mr
