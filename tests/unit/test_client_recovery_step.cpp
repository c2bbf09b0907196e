// The client's verified-recovery step: the tuning baseline ("before the incident") and the
// [recovery] facts from the helper's answer, or "cannot verify" when the helper fails.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "client/recovery_step.h"
#include "temp_dir.h"

using namespace mr;

namespace {
HostFacts tuned(long huge, bool msr, bool writes) {
    HostFacts h;
    h.hugepages_total = huge;
    h.msr_loaded = msr;
    h.msr_allow_writes = writes;
    return h;
}
std::vector<SnapshotRecord> one_snapshot() {
    SnapshotRecord s;
    s.time = 1796278213;
    return {s};
}
}  // namespace

TEST_CASE("client recovery: the baseline follows quiet cycles and stays put during an incident") {
    HostTuning saved{0, 0}, now{1280, 2};
    CHECK(next_baseline(saved, now, false, false).hugepages == 1280);
    CHECK(next_baseline(saved, now, true, false).hugepages == 0);   // snapshots kept: the incident's time
    CHECK(next_baseline(saved, now, false, true).msr == 0);         // a red cycle is no baseline
    CHECK(tuning_of(tuned(-3, true, true)).hugepages == 0);
    CHECK(tuning_of(tuned(0, true, true)).msr == 2);
    CHECK(tuning_of(tuned(0, true, false)).msr == 1);
    CHECK(tuning_of(tuned(0, false, true)).msr == 0);
}

TEST_CASE("client recovery: no snapshot kept, no section; the helper's answer becomes the facts with the baseline") {
    mr_test::TempDir d("recovery-step");
    RecoveryOptions opt;
    opt.use_sudo = false;
    opt.host = "web01";
    opt.tuning_file = d / "tuning.state";
    opt.helper = d.write("helper.sh",
                         "#!/bin/sh\n[ \"$1 $2 $3 $4 $5\" = '--recovery-check --host web01 --since 1796278213' ] || exit 9\n"
                         "echo 'kind=host hugepages=-1 msr=-1 hugepages_before=-1 msr_before=-1'\n"
                         "echo 'kind=file what=/tmp/x present=1 detail='\n");
    ::chmod(opt.helper.c_str(), 0755);
    // a quiet cycle: the baseline is written, nothing to verify
    CHECK_FALSE(recovery_step(opt, {}, tuned(0, false, false), false));
    // the incident: the miner raised huge pages and loaded msr with writes
    std::optional<RecoveryFacts> f = recovery_step(opt, one_snapshot(), tuned(1280, true, true), false);
    REQUIRE(f);
    REQUIRE(f->items.size() == 1);
    CHECK(f->items[0].kind == "file");
    CHECK(f->items[0].presence == TracePresence::present);
    CHECK(f->now.hugepages == 1280);
    CHECK(f->now.msr == 2);
    CHECK(f->before.hugepages == 0);  // from the quiet cycle, not the incident's
    CHECK(f->before.msr == 0);
}

TEST_CASE("client recovery: a helper that fails is one 'cannot verify' trace") {
    mr_test::TempDir d("recovery-step");
    RecoveryOptions opt;
    opt.use_sudo = false;
    opt.host = "web01";
    opt.helper = d / "missing-helper";
    std::optional<RecoveryFacts> f = recovery_step(opt, one_snapshot(), tuned(0, false, false), false);
    REQUIRE(f);
    REQUIRE(f->items.size() == 1);
    CHECK(f->items[0].presence == TracePresence::unknown);
    CHECK(f->items[0].detail.find("recovery check helper failed") == 0);
    CHECK(f->before.hugepages == -1);  // no baseline file: unknown, not judged
}
