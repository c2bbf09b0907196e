// Identity anomalies: what a process claims to be against what it is.
//   fake_kernel_thread  a kernel-thread-like name ("[kworker/0:1]", "kthreadd", kernel-threads.txt)
//                       in comm or argv[0] of a process that has an exe or a command line and
//                       whose parent is not kthreadd (pid 2); real kernel threads have neither
//   name_mismatch       comm and argv[0] both disagree with the exe's name
//   exe_deleted         the binary was deleted after start (idle system daemons after a
//                       package upgrade are left alone)
//   exe_memfd           running from an anonymous memfd (fileless)
//   exe_in_tempdir      the binary lives under /tmp, /var/tmp, /dev/shm or a hidden directory
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/findings.h"
#include "model/model.h"

namespace mr {

class RuleSet;

// True if `p` shows an executable or a command line, which kernel threads never have.
bool has_user_image(const ProcessInfo& p);

void check_identity(const ProcessInfo& p, const RuleSet& rules, std::vector<Signal>& out);

}  // namespace mr
