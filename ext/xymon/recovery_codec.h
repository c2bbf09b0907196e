// The [recovery] section of the client message (added within version 1: older servers ignore
// it; a message without it means the client did not verify, see incident/clean_cycle.h). One
// kv_codec line per trace of the incident the client checked, and one for the host's tuning:
//
//   [recovery]
//   kind=host hugepages=0 msr=0 hugepages_before=0 msr_before=0
//   kind=running what=<sha256> present=1 detail=pid%204316
//   kind=file what=/tmp/.x/xmrig present=0
//   kind=persistence what=/etc/cron.d/x:%20*%20*%20*%20*%20*%20/tmp/x present=?
//
// present: 1 still there, 0 gone, ? could not be checked (detail says why); of: the exe sha256
// of the snapshot that recorded the trace (the server keeps only its incident's). Numbers: -1 or
// empty = unknown. The parser never fails: bad lines are skipped, strings clipped, counts capped.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/recovery.h"
#include "xymon/kv_codec.h"

namespace mr {

constexpr size_t kMaxRecoveryItems = 40;

// The section's lines (without the "[recovery]" header), at most kMaxRecoveryItems items.
std::vector<KvRecord> recovery_to_kv(const RecoveryFacts& r);
// Adds one line's content to `r` (a host line sets the tuning; an item line adds an item while
// fewer than kMaxRecoveryItems). Lines of unknown kinds without a `what` are ignored.
void recovery_add_kv(const KvRecord& rec, RecoveryFacts& r);

}  // namespace mr
