#include "respond/contain_followup.h"

#include <fmt/core.h>

#include <algorithm>
#include <initializer_list>

namespace mr {

namespace {

const ContainmentRecord* newest_of(const std::vector<ContainmentRecord>& records, int pid, uint64_t start,
                                   std::initializer_list<const char*> actions) {
    const ContainmentRecord* best = nullptr;
    for (const auto& r : records)
        if (r.pid == pid && r.start_ticks == start &&
            std::any_of(actions.begin(), actions.end(), [&](const char* a) { return r.action == a; }) &&
            (!best || r.time >= best->time))
            best = &r;
    return best;
}

std::vector<std::pair<int, uint64_t>> processes(const std::vector<ContainmentRecord>& records,
                                                bool (*test)(const std::vector<ContainmentRecord>&, int, uint64_t)) {
    std::vector<std::pair<int, uint64_t>> out;
    for (const auto& r : records) {
        auto key = std::make_pair(r.pid, r.start_ticks);
        if (std::find(out.begin(), out.end(), key) == out.end() && test(records, r.pid, r.start_ticks)) out.push_back(key);
    }
    return out;
}

}  // namespace

bool is_frozen(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks) {
    const ContainmentRecord* r = newest_of(records, pid, start_ticks, {"freeze", "thaw", "verify"});
    return r && r->action == "freeze" && r->result == "done";
}

bool thawed_by_hand(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks) {
    const ContainmentRecord* r = newest_of(records, pid, start_ticks, {"freeze", "thaw"});
    return r && r->action == "thaw" && r->result == "done";
}

bool is_isolated(const std::vector<ContainmentRecord>& records, int pid, uint64_t start_ticks) {
    const ContainmentRecord* r = newest_of(records, pid, start_ticks, {"isolate", "unisolate"});
    return r && r->action == "isolate" && r->result == "done";
}

std::vector<std::pair<int, uint64_t>> isolated_processes(const std::vector<ContainmentRecord>& records) {
    return processes(records, is_isolated);
}

std::vector<std::pair<int, uint64_t>> frozen_processes(const std::vector<ContainmentRecord>& records) {
    return processes(records, is_frozen);
}

ContainmentRecord verify_frozen(const ContainmentRecord& freeze, uint64_t cpu_ticks_now, int64_t now) {
    ContainmentRecord r;
    if (cpu_ticks_now <= freeze.cpu_ticks) return r;
    r.time = now;
    r.pid = freeze.pid;
    r.start_ticks = freeze.start_ticks;
    r.comm = freeze.comm;
    r.action = "verify";
    r.result = "failed";
    r.method = freeze.method;
    r.pids = freeze.pids;
    r.cpu_ticks = cpu_ticks_now;
    r.reason = fmt::format("thawed by someone: the frozen tree gained {} CPU ticks since it was frozen "
                           "(not by miningrisk-client --thaw); still a miner, still red",
                           cpu_ticks_now - freeze.cpu_ticks);
    return r;
}

void record_renewal(std::vector<ContainmentRecord>& records, const ContainmentRecord& renew) {
    records.erase(std::remove_if(records.begin(), records.end(), [&](const ContainmentRecord& r) {
                      return r.action == "renew" && r.pid == renew.pid && r.start_ticks == renew.start_ticks;
                  }), records.end());
    records.push_back(renew);
}

}  // namespace mr
