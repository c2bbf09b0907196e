#include "incident/incident_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "incident/incident_report.h"
#include "incident/incident_state.h"
#include "util/file_io.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"

namespace mr {

namespace {
constexpr size_t kMaxStateBytes = 8u << 20;
constexpr size_t kMaxLessonsBytes = 256u << 10;
constexpr size_t kMaxEventBatch = 4u << 20;
const char* kMemoFile = "hosts.state";
const char* kEventsFile = "xymond-events.log";

int64_t num(const KvRecord& r, const char* k) {
    unsigned long long v = 0;
    return parse_decimal(kv_get(r, k), 19, v) ? static_cast<int64_t>(v) : 0;
}
}  // namespace

bool safe_id(const std::string& id) {
    if (id.empty() || id[0] == '.' || id.size() > 200) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
    return true;
}

Status IncidentStore::prepare() const {
    if (mkdir(dir_.c_str(), 0775) != 0 && errno != EEXIST) return fail("cannot create " + dir_ + ": " + std::strerror(errno));
    if (access(dir_.c_str(), W_OK) != 0) return fail(dir_ + " is not writable: " + std::strerror(errno));
    return {};
}

Expected<Incident> IncidentStore::load(const std::string& id) const {
    if (!safe_id(id)) return fail("bad incident id");
    Expected<std::string> text = read_file(state_path(id), kMaxStateBytes);
    if (!text) return fail(text.error());
    Expected<Incident> parsed = parse_incident(*text);
    if (!parsed) return fail(state_path(id) + ": " + parsed.error().message);
    if (Expected<std::string> lessons = read_file(lessons_path(id), kMaxLessonsBytes)) parsed->lessons = std::move(*lessons);
    return parsed;
}

std::vector<Incident> IncidentStore::load_all(std::vector<std::string>* warnings) const {
    std::vector<Incident> out;
    for (const std::string& n : list_dir_names(dir_)) {
        if (n.size() <= 6 || n.compare(n.size() - 6, 6, ".state") != 0 || n == kMemoFile) continue;
        Expected<Incident> inc = load(n.substr(0, n.size() - 6));
        if (inc) out.push_back(std::move(*inc));
        else if (warnings) warnings->push_back(inc.error().message);
    }
    return out;
}

Status IncidentStore::save(const Incident& inc, bool durable) const {
    if (!safe_id(inc.id)) return fail("incident id unfit for a file name");
    if (Status w = write_file_atomic(state_path(inc.id), serialize_incident(inc), 0644, durable); !w) return w;
    std::string lp = lessons_path(inc.id);
    if (access(lp.c_str(), F_OK) != 0) {
        // Group-writable: engineers in group xymon fill it in; the worker never overwrites it.
        int fd = ::open(lp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0664);
        if (fd >= 0) {
            std::string t = lessons_template(inc);
            ssize_t w = ::write(fd, t.data(), t.size());
            (void)w;
            ::fchmod(fd, 0664);
            ::close(fd);
        }
    }
    return {};
}

std::map<std::string, HostMemo> IncidentStore::load_memos() const {
    std::map<std::string, HostMemo> out;
    Expected<std::string> text = read_file(dir_ + "/" + kMemoFile, kMaxStateBytes);
    if (!text) return out;
    LineReader lines(*text);
    for (std::string_view l; lines.next(l);) {
        if (l.compare(0, 5, "host ") != 0) continue;
        KvRecord r = parse_kv_line(l.substr(5));
        HostMemo m;
        std::string name = kv_get(r, "name");
        if (name.empty() || !parse_color(kv_get(r, "color"), m.last_color)) continue;
        m.known = true;
        m.first_yellow = num(r, "first_yellow");
        m.last_change = num(r, "changed");
        out[name] = m;
    }
    return out;
}

uint64_t IncidentStore::saved_events_offset() const {
    Expected<std::string> text = read_file(dir_ + "/" + kMemoFile, kMaxStateBytes);
    if (!text) return 0;
    LineReader lines(*text);
    for (std::string_view l; lines.next(l);)
        if (l.compare(0, 7, "events ") == 0) return static_cast<uint64_t>(num(parse_kv_line(l.substr(7)), "offset"));
    return 0;
}

Status IncidentStore::save_memos(const std::map<std::string, HostMemo>& memos, uint64_t events_offset) const {
    std::string out = "# miningrisk incident worker: last colour per host\n";
    out += "events " + encode_kv_line({{"offset", std::to_string(events_offset)}}) + "\n";
    for (const auto& [host, m] : memos) {
        if (!m.known) continue;
        out += "host " + encode_kv_line({{"name", host}, {"color", to_string(m.last_color)},
                                         {"first_yellow", std::to_string(m.first_yellow)},
                                         {"changed", std::to_string(m.last_change)}}) + "\n";
    }
    return write_file_atomic(dir_ + "/" + kMemoFile, out, 0644, false);
}

Status IncidentStore::append_event(const HostEvent& e) const {
    std::string line = encode_kv_line({{"host", e.host}, {"time", std::to_string(e.event.time)},
                                       {"source", e.event.source}, {"kind", e.event.kind},
                                       {"text", e.event.text.substr(0, 2000)}}) + "\n";
    int fd = ::open((dir_ + "/" + kEventsFile).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail(std::string("cannot open the events file: ") + std::strerror(errno));
    ssize_t w = ::write(fd, line.data(), line.size());
    int saved = errno;
    ::close(fd);
    if (w != static_cast<ssize_t>(line.size())) return fail(std::string("cannot append to the events file: ") + std::strerror(saved));
    return {};
}

std::vector<HostEvent> IncidentStore::read_events(uint64_t& offset) const {
    std::vector<HostEvent> out;
    int fd = ::open((dir_ + "/" + kEventsFile).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    struct stat st {};
    if (fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) < offset) offset = 0;  // rotated
    std::string buf(kMaxEventBatch, '\0');
    ssize_t n = pread(fd, &buf[0], buf.size(), static_cast<off_t>(offset));
    ::close(fd);
    if (n <= 0) return out;
    buf.resize(static_cast<size_t>(n));
    size_t end = buf.rfind('\n');
    if (end == std::string::npos) return out;
    LineReader lines(std::string_view(buf).substr(0, end + 1));
    for (std::string_view l; lines.next(l);) {
        KvRecord r = parse_kv_line(l);
        HostEvent e;
        e.host = kv_get(r, "host");
        e.event = {num(r, "time"), kv_get(r, "source"), kv_get(r, "kind"), kv_get(r, "text")};
        if (!e.host.empty() && !e.event.kind.empty()) out.push_back(std::move(e));
    }
    offset += end + 1;
    return out;
}

}  // namespace mr
