// Caps shared by the rules (what a finding may hold) and the message (what one report carries).
// They keep one client message far below xymond's 512 KB client channel buffer.
#pragma once
#include <cstddef>

namespace mr {

constexpr std::size_t kMaxFindings = 200;   // findings one message carries, the worst first
constexpr std::size_t kMaxTop = 10;         // [top] processes one message carries
constexpr std::size_t kMaxArgvBytes = 1024; // command-line bytes kept per finding
constexpr std::size_t kMaxParentChain = 6;  // ancestors' comms kept per finding (entry hints)

}  // namespace mr
