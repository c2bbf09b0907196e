// What the page and enadis channels say about a host's miningrisk column, as timeline events:
//   @@page  (color red)       -> paged: xymond handed the red status to xymond_alert
//   @@ack                     -> acknowledged, with the text and until when
//   @@enadis (expire 0 / > 0) -> enabled / disabled until ..., with the reason
// Pure: one channel message in, at most one event out (source "xymond").
#pragma once
#include <optional>
#include <string>

#include "incident/incident_store.h"
#include "xymon/channel_reader.h"

namespace mr {

std::optional<HostEvent> side_event(const ChannelMessage& m, const std::string& test = "miningrisk");

}  // namespace mr
