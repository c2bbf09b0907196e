#include "xymon/client_sections.h"

namespace mr {

namespace {
constexpr size_t kMaxSectionName = 200;

// The name inside "[name]", or an empty view when `line` is not a section header.
std::string_view section_name(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 3 || line.size() > kMaxSectionName || line.front() != '[' || line.back() != ']')
        return {};
    std::string_view name = line.substr(1, line.size() - 2);
    for (char c : name)
        if (c == ' ' || c == '\t' || c == '[' || c == ']') return {};
    return name;
}

std::string_view next_line(std::string_view text, size_t pos, size_t& next) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
        next = text.size();
        return text.substr(pos);
    }
    next = nl + 1;
    return text.substr(pos, nl - pos);
}
}  // namespace

Expected<ClientFirstLine> parse_client_first_line(std::string_view line) {
    ClientFirstLine r;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t sp = line.find(' ');
    std::string_view verb = line.substr(0, sp);
    if (verb.substr(0, 6) != "client" || (verb.size() > 6 && verb[6] != '/'))
        return fail("not a client message");
    if (verb.size() > 6) r.collector_id = std::string(verb.substr(7));
    if (sp == std::string_view::npos) return fail("no HOST.OSTYPE after 'client'");
    std::string_view rest = line.substr(sp + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    size_t sp2 = rest.find(' ');
    std::string_view hostos = rest.substr(0, sp2);
    if (sp2 != std::string_view::npos) {
        std::string_view cls = rest.substr(sp2 + 1);
        while (!cls.empty() && cls.front() == ' ') cls.remove_prefix(1);
        r.config_class = std::string(cls.substr(0, cls.find(' ')));
    }
    size_t dot = hostos.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return fail("no HOST.OSTYPE after 'client'");
    r.host = std::string(hostos.substr(0, dot));
    for (char& c : r.host)
        if (c == ',') c = '.';
    r.ostype = std::string(hostos.substr(dot + 1));
    return r;
}

const ClientSection* ClientMessageView::find(std::string_view name) const {
    for (const auto& s : sections)
        if (s.name == name) return &s;
    return nullptr;
}

ClientMessageView split_client_sections(std::string_view text, size_t max_sections) {
    ClientMessageView v;
    size_t pos = 0, next = 0;
    bool first = true;
    size_t content_start = 0;
    while (pos < text.size()) {
        std::string_view line = next_line(text, pos, next);
        std::string_view name = section_name(line);
        if (!name.empty() && v.sections.size() < max_sections) {
            if (!v.sections.empty())
                v.sections.back().content = text.substr(content_start, pos - content_start);
            v.sections.push_back({name, {}});
            content_start = next;
        } else if (first && v.sections.empty()) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            v.first_line = line;
        }
        first = false;
        pos = next;
    }
    if (!v.sections.empty()) v.sections.back().content = text.substr(content_start);
    return v;
}

std::vector<CollectorPart> split_collectors(std::string_view text) {
    std::vector<CollectorPart> parts;
    size_t pos = 0, next = 0;
    bool have = false;
    size_t start = 0;
    std::string_view id;
    while (pos < text.size()) {
        std::string_view line = next_line(text, pos, next);
        std::string_view name = section_name(line);
        if (name.substr(0, 10) == "collector:") {
            if (have) parts.push_back({id, text.substr(start, pos - start)});
            id = name.substr(10);
            start = next;
            have = true;
        }
        pos = next;
    }
    if (have) parts.push_back({id, text.substr(start)});
    else parts.push_back({"", text});
    return parts;
}

std::vector<std::string_view> split_lines(std::string_view content) {
    std::vector<std::string_view> out;
    size_t pos = 0, next = 0;
    while (pos < content.size()) {
        std::string_view line = next_line(content, pos, next);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        pos = next;
    }
    return out;
}

}  // namespace mr
