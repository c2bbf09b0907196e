// One SnapshotRecord as one kv_codec line: the [snapshots] section of the client message, the
// helper's answer to the client, and the client's state file all use this one form.
#pragma once
#include <string>
#include <string_view>

#include "model/evidence.h"
#include "xymon/kv_codec.h"

namespace mr {

KvRecord snapshot_to_kv(const SnapshotRecord& r);
// Never fails: missing or malformed fields keep their defaults (numbers clamped at 0).
SnapshotRecord snapshot_from_kv(const KvRecord& rec);

// The [containment] section and the containment helper's answer alike.
KvRecord containment_to_kv(const ContainmentRecord& r);
ContainmentRecord containment_from_kv(const KvRecord& rec);

}  // namespace mr
