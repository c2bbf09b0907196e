#include "pages/pages_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mr {

int color_severity(const std::string& c) {
    if (c == "red") return 5;
    if (c == "yellow") return 4;
    if (c == "purple") return 3;
    if (c == "blue") return 2;
    if (c == "clear") return 1;
    if (c == "green") return 0;
    return -1;
}

bool ncv_value(const std::string& message, const std::string& name, double& value) {
    size_t pos = 0;
    while (pos < message.size()) {
        size_t eol = message.find('\n', pos);
        if (eol == std::string::npos) eol = message.size();
        size_t p = pos;
        while (p < eol && (message[p] == ' ' || message[p] == '\t')) ++p;
        if (message.compare(p, name.size(), name) == 0) {
            size_t q = p + name.size();
            while (q < eol && (message[q] == ' ' || message[q] == '\t')) ++q;
            if (q < eol && (message[q] == ':' || message[q] == '=')) {
                std::string num = message.substr(q + 1, eol - q - 1);
                char* end = nullptr;
                double v = std::strtod(num.c_str(), &end);
                if (end != num.c_str() && std::isfinite(v)) { value = v; return true; }
            }
        }
        pos = eol + 1;
    }
    return false;
}

namespace {

// "on 1.9 cores" in a headline.
double cores_from_headline(const std::string& h) {
    size_t p = h.find(" cores");
    if (p == std::string::npos) return -1;
    size_t start = h.rfind(" on ", p);
    if (start == std::string::npos) return -1;
    std::string num = h.substr(start + 4, p - start - 4);
    char* end = nullptr;
    double v = std::strtod(num.c_str(), &end);
    return (end && *end == '\0' && !num.empty() && std::isfinite(v)) ? v : -1;
}

}  // namespace

HostRow make_row(const BoardEntry& e, std::time_t now) {
    HostRow r;
    r.host = e.host;
    r.color = e.color;
    r.headline = e.line1;
    r.since = e.lastchange;
    r.acked = e.acktime > now;
    r.ackmsg = e.ackmsg;
    double v;
    if (ncv_value(e.message, "suspectcores", v)) r.cores = v;
    else r.cores = cores_from_headline(e.line1);
    if (ncv_value(e.message, "score", v)) r.score = static_cast<int>(v);
    if (ncv_value(e.message, "findings", v)) r.findings = static_cast<int>(v);
    if (color_severity(e.color) >= 4) {
        // "xmrig (pid 4316, user www-data) on 1.9 cores, pool ..." -> the part before " on ".
        r.process = e.line1.substr(0, e.line1.find(" on "));
    }
    size_t pool = e.line1.find("pool ");
    if (pool != std::string::npos) {
        size_t end = e.line1.find_first_of(", ", pool + 5);
        r.pool = e.line1.substr(pool + 5, end == std::string::npos ? std::string::npos : end - pool - 5);
    }
    return r;
}

bool worse_than(const HostRow& a, const HostRow& b) {
    int sa = color_severity(a.color), sb = color_severity(b.color);
    if (sa != sb) return sa > sb;
    if (sa > 0 && a.since != b.since) return a.since < b.since;  // longest in trouble first
    if (a.cores != b.cores) return a.cores > b.cores;
    return a.host < b.host;
}

void sort_worst_first(std::vector<HostRow>& rows) { std::sort(rows.begin(), rows.end(), worse_than); }

std::vector<HostRow> fleet_rows(const std::vector<BoardEntry>& board, const std::string& test,
                                std::time_t now) {
    std::vector<HostRow> rows;
    rows.reserve(board.size());
    for (const auto& e : board)
        if (e.test == test) rows.push_back(make_row(e, now));
    sort_worst_first(rows);
    return rows;
}

FleetSummary summarize(const std::vector<HostRow>& rows) {
    FleetSummary s;
    s.watched = rows.size();
    for (const auto& r : rows) {
        if (r.color == "red") ++s.red;
        else if (r.color == "yellow") ++s.yellow;
        else if (r.color == "purple") ++s.purple;
        else if (r.color == "blue") ++s.blue;
        else if (r.color == "green") ++s.green;
        else ++s.clear;
    }
    return s;
}

std::string format_duration(long seconds) {
    if (seconds < 0) seconds = 0;
    char buf[64];
    if (seconds < 60) std::snprintf(buf, sizeof buf, "%lds", seconds);
    else if (seconds < 3600) std::snprintf(buf, sizeof buf, "%ldm", seconds / 60);
    else if (seconds < 86400) std::snprintf(buf, sizeof buf, "%ldh %02ldm", seconds / 3600, seconds % 3600 / 60);
    else std::snprintf(buf, sizeof buf, "%ldd %ldh", seconds / 86400, seconds % 86400 / 3600);
    return buf;
}

std::string format_time(std::time_t t) {
    if (t <= 0) return "-";
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string since_text(std::time_t since, std::time_t now) {
    if (since <= 0) return "-";
    return format_duration(static_cast<long>(now - since)) + " (since " + format_time(since) + ")";
}

std::string format_cores(double cores) {
    if (cores < 0) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", cores);
    return buf;
}

bool host_file_name_ok(const std::string& host) {
    if (host.empty() || host.size() > 200 || host[0] == '.') return false;
    for (char c : host) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace mr

namespace mr {

bool is_alarm_color(const std::string& c) { return c == "red" || c == "yellow"; }

std::string human_duration(long s) {
    if (s < 0) s = 0;
    char buf[64];
    if (s < 60) std::snprintf(buf, sizeof buf, "%ld s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%ld min", s / 60);
    else if (s < 86400) {
        long m = s % 3600 / 60;
        if (m) std::snprintf(buf, sizeof buf, "%ld h %ld min", s / 3600, m);
        else std::snprintf(buf, sizeof buf, "%ld h", s / 3600);
    } else {
        long h = s % 86400 / 3600;
        if (h) std::snprintf(buf, sizeof buf, "%ld d %ld h", s / 86400, h);
        else std::snprintf(buf, sizeof buf, "%ld d", s / 86400);
    }
    return buf;
}

std::string CleanStatus::summary() const {
    switch (kind) {
        case Kind::Alarm: return "not clean: " + color + " now";
        case Kind::Watch:
            return "watch: clean for only " + human_duration(clean_seconds) + " of " +
                   std::to_string(bar_hours) + " h";
        case Kind::CleanEnough: return "clean for long enough";
        case Kind::NoAlarmOnRecord: return "no red or yellow on record";
        case Kind::Unknown: break;
    }
    if (color == "green") return "no history yet";
    return "cannot tell: column is " + (color.empty() ? std::string("unknown") : color);
}

std::string CleanStatus::detail() const {
    if (kind != Kind::Watch && kind != Kind::CleanEnough) return "";
    // Past the bar the exact age no longer matters, and a text that does not tick every minute
    // keeps the page unchanged (not rewritten) run after run.
    std::string age = kind == Kind::Watch ? human_duration(clean_seconds) : "over " + std::to_string(bar_hours) + " h";
    return "clean since " + format_time(since) + " (" + age + "); " +
           std::to_string(bar_hours) + " h clean is the usual bar before returning the host to production";
}

const char* CleanStatus::css() const {
    switch (kind) {
        case Kind::Alarm: return "alarm";
        case Kind::Watch: return "watch";
        case Kind::CleanEnough: return "ok";
        case Kind::NoAlarmOnRecord: return "none";
        case Kind::Unknown: break;
    }
    return "unknown";
}

CleanStatus clean_status(const std::string& color, std::time_t color_since,
                         const std::vector<HistoryEvent>& history, bool have_history,
                         std::time_t now, int bar_hours) {
    CleanStatus c;
    c.color = color;
    c.bar_hours = bar_hours;
    if (is_alarm_color(color)) {
        c.kind = CleanStatus::Kind::Alarm;
        return c;
    }
    if (color != "green" || !have_history) return c;  // Unknown
    // Newest first: an alarm ends where the next (newer) event starts. The history worker may lag
    // the board, so an alarm still "current" in the file ended when the board turned green.
    std::time_t newer_start = 0;
    for (const auto& ev : history) {
        if (is_alarm_color(ev.color)) {
            std::time_t end = newer_start ? newer_start
                              : ev.duration >= 0 ? ev.start + ev.duration
                                                 : color_since;
            if (end <= 0 || end > now) end = now;
            c.since = end;
            c.clean_seconds = static_cast<long>(now - end);
            c.kind = c.clean_seconds >= static_cast<long>(bar_hours) * 3600 ? CleanStatus::Kind::CleanEnough
                                                                           : CleanStatus::Kind::Watch;
            return c;
        }
        newer_start = ev.start;
    }
    c.kind = CleanStatus::Kind::NoAlarmOnRecord;
    return c;
}

const HistoryEvent* last_ended_alarm(const std::vector<HistoryEvent>& history,
                                     const std::string& current_color) {
    for (size_t i = 0; i < history.size(); ++i) {
        bool current = i == 0 && history[i].duration < 0 && history[i].color == current_color;
        if (!current && is_alarm_color(history[i].color)) return &history[i];
    }
    return nullptr;
}

std::string histlog_time(std::time_t t) {
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a_%b_", &tm);
    std::string s = buf;
    s += std::to_string(tm.tm_mday);
    std::strftime(buf, sizeof buf, "_%H:%M:%S_%Y", &tm);
    return s + buf;
}

std::string histlog_host_dir(const std::string& host) {
    std::string d = host;
    std::replace(d.begin(), d.end(), '.', '_');
    return d;
}

bool parse_histlog(const std::string& text, StoredStatus& out) {
    out = StoredStatus{};
    size_t nl = text.find('\n');
    std::string first = text.substr(0, nl);
    size_t sp = first.find(' ');
    out.color = first.substr(0, sp);
    if (color_severity(out.color) < 0) return false;
    out.line1 = sp == std::string::npos ? "" : first.substr(sp + 1);
    if (nl == std::string::npos) return true;
    std::string body = text.substr(nl + 1);
    // xymond appends its tail right after the message (often with no newline before it). The
    // last occurrence is xymond's: host text earlier in the body cannot cut the evidence short.
    size_t tail = body.rfind("Status unchanged in ");
    if (tail != std::string::npos && std::count(body.begin() + tail, body.end(), '\n') <= 4) body.erase(tail);
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
    out.body = body;
    return true;
}

}  // namespace mr
