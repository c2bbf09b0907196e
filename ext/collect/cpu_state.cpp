#include "collect/cpu_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/file_io.h"

namespace mr {

namespace {
constexpr std::string_view kMagic = "miningrisk-cpu-state 1";
constexpr size_t kMaxStateBytes = 64u << 20;

}  // namespace

void CpuState::add_proc(int pid, uint64_t start, uint64_t ticks) {
    CpuProcEntry e;
    e.pid = pid;
    e.start_ticks = start;
    e.cpu_ticks = ticks;
    e.first_thread = static_cast<uint32_t>(threads.size());
    procs.push_back(e);
}

void CpuState::add_thread(int tid, uint64_t start, uint64_t ticks) {
    if (procs.empty()) return;
    threads.push_back({tid, start, ticks});
    procs.back().thread_count++;
}

void CpuState::finish() {
    std::sort(procs.begin(), procs.end(), [](const CpuProcEntry& a, const CpuProcEntry& b) {
        return a.pid < b.pid || (a.pid == b.pid && a.start_ticks < b.start_ticks);
    });
}

const CpuProcEntry* CpuState::find(int pid, uint64_t start_ticks) const {
    auto it = std::lower_bound(procs.begin(), procs.end(), pid,
                               [](const CpuProcEntry& e, int p) { return e.pid < p; });
    for (; it != procs.end() && it->pid == pid; ++it)
        if (it->start_ticks == start_ticks) return &*it;
    return nullptr;
}

const CpuThreadEntry* CpuState::find_thread(const CpuProcEntry& p, int tid, uint64_t start) const {
    size_t end = static_cast<size_t>(p.first_thread) + p.thread_count;
    if (end > threads.size()) return nullptr;
    for (size_t i = p.first_thread; i < end; ++i)
        if (threads[i].tid == tid && threads[i].start_ticks == start) return &threads[i];
    return nullptr;
}

std::string serialize_cpu_state(const CpuState& st) {
    std::string out;
    out.reserve(64 + st.procs.size() * 28 + st.threads.size() * 28);
    out.append(kMagic);
    out += '\n';
    out += "boot ";
    out += st.boot_id.empty() ? "-" : st.boot_id;
    out += '\n';
    char buf[64];
    snprintf(buf, sizeof buf, "uptime %.3f\n", st.uptime);
    out += buf;
    out += "host";
    append_space_u64(out, st.host_total_ticks);
    append_space_u64(out, st.host_busy_ticks);
    out += '\n';
    for (const CpuProcEntry& p : st.procs) {
        out += 'p';
        append_space_u64(out, static_cast<uint64_t>(p.pid));
        append_space_u64(out, p.start_ticks);
        append_space_u64(out, p.cpu_ticks);
        out += '\n';
        size_t end = static_cast<size_t>(p.first_thread) + p.thread_count;
        for (size_t i = p.first_thread; i < end && i < st.threads.size(); ++i) {
            out += 't';
            append_space_u64(out, static_cast<uint64_t>(st.threads[i].tid));
            append_space_u64(out, st.threads[i].start_ticks);
            append_space_u64(out, st.threads[i].cpu_ticks);
            out += '\n';
        }
    }
    out += "end\n";
    return out;
}

bool parse_cpu_state(std::string_view text, CpuState& out) {
    out = CpuState{};
    if (take_line(text) != kMagic) return false;
    std::string_view boot = take_line(text);
    if (boot.compare(0, 5, "boot ") != 0) return false;
    out.boot_id.assign(boot.substr(5));
    if (out.boot_id == "-") out.boot_id.clear();
    std::string_view up = take_line(text);
    if (up.compare(0, 7, "uptime ") != 0 || !parse_uptime(up.substr(7), out.uptime)) return false;
    std::string_view host = take_line(text);
    if (host.compare(0, 4, "host") != 0) return false;
    host.remove_prefix(4);
    if (!take_space_u64(host, out.host_total_ticks) || !take_space_u64(host, out.host_busy_ticks) ||
        !host.empty())
        return false;
    bool ended = false;
    while (!text.empty()) {
        std::string_view line = take_line(text);
        if (line == "end") { ended = true; break; }
        if (line.size() < 2 || (line[0] != 'p' && line[0] != 't')) return false;
        char kind = line[0];
        line.remove_prefix(1);
        uint64_t id = 0, start = 0, ticks = 0;
        if (!take_space_u64(line, id) || !take_space_u64(line, start) ||
            !take_space_u64(line, ticks) || !line.empty() || id == 0 || id > 0x7fffffff)
            return false;
        if (kind == 'p') {
            out.add_proc(static_cast<int>(id), start, ticks);
        } else {
            if (out.procs.empty()) return false;
            out.add_thread(static_cast<int>(id), start, ticks);
        }
    }
    if (!ended || !text.empty()) return false;  // truncated, or trailing garbage
    out.finish();
    return true;
}

bool load_cpu_state(const std::string& path, CpuState& out) {
    if (path.empty()) return false;
    Expected<std::string> text = read_file(path, kMaxStateBytes);
    return text && parse_cpu_state(*text, out);
}

Status save_cpu_state(const std::string& path, const CpuState& st) {
    return write_file_atomic(path, serialize_cpu_state(st), 0600, false);
}

double cores_used(uint64_t delta_ticks, long hz, double seconds) {
    if (hz <= 0 || seconds <= 0) return 0;
    return static_cast<double>(delta_ticks) / (static_cast<double>(hz) * seconds);
}

double span_without_baseline(double interval, double now_uptime, double baseline_uptime,
                             uint64_t start_ticks, long hz) {
    if (hz <= 0) return -1;
    double started = static_cast<double>(start_ticks) / static_cast<double>(hz);
    // Tick granularity: treat a start within one tick of the baseline as after it.
    if (started + 1.0 / static_cast<double>(hz) < baseline_uptime) return -1;
    double age = now_uptime - started;
    if (age < 1.0) age = 1.0;
    return age < interval ? age : interval;
}

ProcessCpu process_cpu(const CpuBaseline& b, int pid, uint64_t start_ticks, uint64_t cpu_ticks) {
    ProcessCpu out;
    if (!b.base) return out;
    out.prev = b.base->find(pid, start_ticks);
    if (out.prev) {
        uint64_t delta = ticks_since(cpu_ticks, out.prev->cpu_ticks);
        out.cores = cores_used(delta, b.hz, b.interval);
        out.used_cpu = delta > 0;
        return out;
    }
    double span = span_without_baseline(b.interval, b.now_uptime, b.base->uptime, start_ticks, b.hz);
    if (span > 0) out.cores = cores_used(cpu_ticks, b.hz, span);
    out.used_cpu = cpu_ticks > 0;  // unknown share: look at its threads anyway
    return out;
}

ThreadCpu thread_cpu(const CpuBaseline& b, const CpuProcEntry* prev, int tid, uint64_t start_ticks,
                     uint64_t cpu_ticks) {
    ThreadCpu out;
    const CpuThreadEntry* pt = prev && b.base ? b.base->find_thread(*prev, tid, start_ticks) : nullptr;
    if (pt) {
        out.cores = cores_used(ticks_since(cpu_ticks, pt->cpu_ticks), b.hz, b.interval);
        return out;
    }
    double span = span_without_baseline(b.interval, b.now_uptime, b.base ? b.base->uptime : 0, start_ticks, b.hz);
    if (span > 0)
        out.cores = cores_used(cpu_ticks, b.hz, span);
    else
        out.needs_sample = true;
    return out;
}

}  // namespace mr
