#include "collect/environ_reader.h"

#include <fcntl.h>

#include <string>

#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "util/path_util.h"

namespace mr {

namespace {

constexpr size_t kMaxEnvironBytes = 64 * 1024;
constexpr size_t kMaxEnvironEntries = 1024;

// A program run from a temp or hidden directory (readlink gives canonical paths).
bool under_suspicious_dir(const std::string& exe) { return path_place(exe) != PathPlace::normal; }

}  // namespace

void read_candidate_environments(Snapshot& snap, const std::string& proc_root,
                                 const std::function<bool(std::string_view)>& keep, double min_cores) {
    std::string buf;
    for (auto& p : snap.procs) {
        if (p.kernel_thread) continue;
        bool candidate = p.cores >= min_cores || p.exe_deleted || p.exe_memfd || under_suspicious_dir(p.exe);
        if (!candidate) continue;
        std::string path = proc_root + "/" + std::to_string(p.pid) + "/environ";
        if (!read_file_at(AT_FDCWD, path.c_str(), buf, kMaxEnvironBytes)) continue;  // gone or no permission
        p.env.clear();
        for (std::string_view entry : ArgList::from_cmdline(buf, kMaxEnvironEntries))
            if (keep(entry)) p.env.push_back(entry);
    }
}

}  // namespace mr
