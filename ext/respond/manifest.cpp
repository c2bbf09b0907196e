#include "respond/manifest.h"

#include <fmt/core.h>

#include <algorithm>
#include <ctime>

namespace mr {

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (unsigned char c : s) {
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c < 0x20 || c >= 0x7f) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
    return out;
}

namespace {
std::string q(std::string_view s) { return "\"" + json_escape(s) + "\""; }
}  // namespace

std::string utc_stamp(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

std::string build_manifest_json(const ManifestInfo& in, const std::vector<Artefact>& files,
                                const std::vector<Skipped>& skipped) {
    std::string o = "{\n";
    o += "  \"tool\": " + q(in.tool) + ",\n";
    o += "  \"host\": " + q(in.host) + ",\n";
    o += "  \"boot_id\": " + q(in.boot_id) + ",\n";
    o += fmt::format("  \"pid\": {},\n  \"start_ticks\": {},\n  \"created\": {},\n", in.pid, in.start_ticks, in.created);
    o += "  \"created_utc\": " + q(utc_stamp(in.created)) + ",\n";
    o += "  \"trigger\": " + q(in.trigger) + ",\n";
    o += "  \"previous_manifest_sha256\": " + q(in.prev_manifest) + ",\n";
    o += "  \"exe\": {\"sha256\": " + q(in.exe_sha256) + fmt::format(", \"size\": {}, \"stored\": ", in.exe_size) +
         q(in.exe_sha256.empty() ? "" : "exe/exe.swab") + ", \"encoding\": \"byte pairs swapped (dd conv=swab)\"},\n";
    o += fmt::format("  \"memory\": {{\"regions_read\": {}, \"bytes_read\": {}, \"ioc_hits\": {}}},\n", in.memory_regions,
                     in.memory_bytes_read, in.ioc_hits);
    o += fmt::format("  \"seconds\": {:.3f},\n", in.seconds);
    o += "  \"files\": [\n";
    for (size_t i = 0; i < files.size(); ++i) {
        const Artefact& a = files[i];
        o += fmt::format("    {{\"path\": {}, \"size\": {}, \"sha256\": {}, \"source\": {}, \"truncated\": {}, \"time\": {}}}{}\n",
                         q(a.path), a.size, q(a.sha256), q(a.source), a.truncated ? "true" : "false", a.time,
                         i + 1 < files.size() ? "," : "");
    }
    o += "  ],\n  \"skipped\": [\n";
    for (size_t i = 0; i < skipped.size(); ++i)
        o += "    {\"what\": " + q(skipped[i].what) + ", \"reason\": " + q(skipped[i].reason) + "}" +
             (i + 1 < skipped.size() ? "," : "") + "\n";
    o += "  ]\n}\n";
    return o;
}

std::string build_sha256sums(std::vector<Artefact> files) {
    std::sort(files.begin(), files.end(), [](const Artefact& a, const Artefact& b) { return a.path < b.path; });
    std::string o;
    for (const Artefact& a : files) {
        // GNU sha256sum: a name with '\\' or '\n' is written escaped, the line starting with '\\'.
        if (a.path.find_first_of("\\\n") != std::string::npos) {
            std::string p;
            for (char c : a.path) p += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
            o += "\\" + a.sha256 + "  " + p + "\n";
        } else {
            o += a.sha256 + "  " + a.path + "\n";
        }
    }
    return o;
}

}  // namespace mr
