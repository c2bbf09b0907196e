#include "feed/feed_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/core.h>

#include "util/expected.h"
#include "util/file_io.h"
#include "util/text_util.h"

namespace mr {

namespace {

// Header values come from a remote server: keep them on one line.
std::string one_line(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '\n' && c != '\r' && c != '\0') out += c;
    return out.substr(0, 1024);
}

bool to_ll(std::string_view s, long long& v) {
    unsigned long long u;
    if (!parse_decimal(s, 19, u)) return false;
    v = static_cast<long long>(u);
    return true;
}

}  // namespace

std::string feed_state_path(const std::string& dir, const std::string& name) {
    return dir + "/" + name + ".state";
}
std::string feed_list_path(const std::string& dir, const std::string& name) {
    return dir + "/" + name + ".list";
}

Expected<FeedState> load_feed_state(const std::string& path) {
    FeedState out;
    Expected<std::string> text = read_file(path, 1 << 20);
    if (!text) {
        if (access(path.c_str(), F_OK) != 0) return out;  // first run
        return fail(fmt::format("{}: cannot read", path));
    }
    LineReader lines(*text);
    for (std::string_view line; lines.next(line);) {
        if (line.empty() || line[0] == '#') continue;
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) return fail_at(path, long(lines.number()), "expected key=value");
        std::string k(line.substr(0, eq)), v(line.substr(eq + 1));
        long long n = 0;
        bool num_ok = to_ll(v, n) || v.empty();
        if (k == "etag") out.etag = v;
        else if (k == "last_modified") out.last_modified = v;
        else if (k == "last_error") out.last_error = v;
        else if (k == "url") out.url = v;
        else if (k == "last_good" && num_ok) out.last_good = n;
        else if (k == "last_attempt" && num_ok) out.last_attempt = n;
        else if (k == "last_error_time" && num_ok) out.last_error_time = n;
        else if (k == "entries" && num_ok) out.entries = static_cast<std::size_t>(n);
        // unknown keys: written by a newer version, ignored
    }
    return out;
}

Status save_feed_state(const std::string& path, const FeedState& st) {
    std::string text = fmt::format(
        "# miningrisk-feed state\nurl={}\netag={}\nlast_modified={}\nlast_good={}\n"
        "last_attempt={}\nlast_error_time={}\nlast_error={}\nentries={}\n",
        one_line(st.url), one_line(st.etag), one_line(st.last_modified), st.last_good,
        st.last_attempt, st.last_error_time, one_line(st.last_error), st.entries);
    return write_file_atomic(path, text);
}

Status save_entry_list(const std::string& path, const std::vector<FeedEntry>& entries) {
    std::string text;
    for (const auto& e : entries) {
        text += e.text;
        text += '\n';
    }
    return write_file_atomic(path, text);
}

Expected<std::vector<FeedEntry>> load_entry_list(const std::string& path) {
    Expected<std::string> text = read_file(path, kMaxFeedFile);
    if (!text) return fail(fmt::format("{}: cannot read", path));
    ParsedFeed p = parse_feed(*text, FeedFormat::Ioc);
    if (p.bad_count > 0) return fail_at(path, long(p.bad[0].line), p.bad[0].reason);
    return std::move(p.entries);
}

}  // namespace mr
