// Gathers, as root and just before acting, what the containment rails and the identity check
// need about a process (respond/contain_rails.h): start time, kernel-thread flag, uid, comm, exe
// path, device+inode and sha256, and whether a Debian package owns the exe with its md5 intact.
#pragma once
#include <string>

#include "respond/contain_rails.h"

namespace mr {

struct TargetFacts {
    bool exists = false;
    ProcessIdentity identity;
    RailFacts rails;
};

// `dpkg_info`: /var/lib/dpkg/info (its *.md5sums files are searched for the exe path).
TargetFacts gather_target_facts(const std::string& proc_root, int pid, const std::string& dpkg_info = "/var/lib/dpkg/info");

}  // namespace mr
