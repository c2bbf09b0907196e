// What containment still owes a process: frozen? isolated? a freeze undone behind its back (pure).
#include <doctest/doctest.h>

#include "respond/contain_followup.h"

using namespace mr;

namespace {
ContainmentRecord rec(int64_t t, int pid, const char* action, const char* result, uint64_t cpu = 0) {
    ContainmentRecord r;
    r.time = t, r.pid = pid, r.start_ticks = 77, r.action = action, r.result = result, r.cpu_ticks = cpu;
    r.comm = "netlogd", r.pids = std::to_string(pid);
    return r;
}
}  // namespace

TEST_CASE("respond contain followup: frozen and isolated from the newest record of their kind") {
    std::vector<ContainmentRecord> r = {rec(100, 10, "freeze", "done", 500), rec(100, 10, "isolate", "done"),
                                        rec(100, 11, "freeze", "failed"), rec(100, 12, "isolate", "refused")};
    CHECK(is_frozen(r, 10, 77));
    CHECK(is_isolated(r, 10, 77));
    CHECK_FALSE(is_frozen(r, 10, 78));   // another process with the same pid
    CHECK_FALSE(is_frozen(r, 11, 77));
    CHECK_FALSE(is_isolated(r, 12, 77));
    r.push_back(rec(200, 10, "renew", "done"));   // a renewal changes nothing
    CHECK(is_isolated(r, 10, 77));
    CHECK(isolated_processes(r) == std::vector<std::pair<int, uint64_t>>{{10, 77}});
    r.push_back(rec(300, 10, "thaw", "done"));
    r.push_back(rec(300, 10, "unisolate", "done"));
    CHECK_FALSE(is_frozen(r, 10, 77));
    CHECK_FALSE(is_isolated(r, 10, 77));
    CHECK(isolated_processes(r).empty());
    CHECK(frozen_processes(r).empty());
}

TEST_CASE("respond contain followup: a tree a person thawed is not frozen again by itself, until frozen by order") {
    std::vector<ContainmentRecord> r = {rec(100, 10, "freeze", "done", 500)};
    CHECK_FALSE(thawed_by_hand(r, 10, 77));
    r.push_back(rec(200, 10, "thaw", "failed"));
    CHECK_FALSE(thawed_by_hand(r, 10, 77));        // a thaw that failed decided nothing
    r.push_back(rec(300, 10, "thaw", "done"));
    CHECK(thawed_by_hand(r, 10, 77));
    CHECK_FALSE(thawed_by_hand(r, 10, 78));        // the pid reused by another process
    r.push_back(rec(400, 10, "verify", "failed"));  // a verify record does not undo the person's thaw
    CHECK(thawed_by_hand(r, 10, 77));
    r.push_back(rec(500, 10, "freeze", "done"));    // an operator's freeze order
    CHECK_FALSE(thawed_by_hand(r, 10, 77));
}

TEST_CASE("respond contain followup: a frozen tree that gained CPU time was thawed by someone") {
    ContainmentRecord f = rec(100, 10, "freeze", "done", 500);
    CHECK(verify_frozen(f, 500, 400).result.empty());
    CHECK(verify_frozen(f, 499, 400).result.empty());
    ContainmentRecord v = verify_frozen(f, 530, 400);
    CHECK(v.action == "verify");
    CHECK(v.result == "failed");
    CHECK(v.time == 400);
    CHECK(v.reason.rfind("thawed by someone: the frozen tree gained 30 CPU ticks", 0) == 0);
    std::vector<ContainmentRecord> r = {f, v};
    CHECK_FALSE(is_frozen(r, 10, 77));   // so the next decision may freeze it again
}

TEST_CASE("respond contain followup: one renewal record a process, the newest") {
    std::vector<ContainmentRecord> r = {rec(100, 10, "isolate", "done"), rec(400, 10, "renew", "done"),
                                        rec(400, 11, "renew", "done")};
    record_renewal(r, rec(700, 10, "renew", "done"));
    REQUIRE(r.size() == 3);
    CHECK(r[2].time == 700);
    CHECK(r[1].pid == 11);
}
