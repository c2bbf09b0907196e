// What an evidence snapshot collects (issue 11), as data, and the small pure pieces it needs:
// the directory name, home directories from /etc/passwd, which lines of a file name the
// suspect's executable, the inode of a /proc/net table line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mr {

// Per process (suspect and each ancestor): copied as proc/PID/NAME.
extern const char* const kProcFiles[10];
// Per process: readlinks recorded in proc/PID/links.txt (fds go to fds.txt).
extern const char* const kProcLinks[11];
// The suspect's own network namespace, through /proc/PID/net.
extern const char* const kNetTables[5];
// Host facts under the proc root: {source relative to the proc root, name under host/}.
extern const std::pair<const char*, const char*> kHostProcFiles[8];
extern const char* const kCronFiles[2];
extern const char* const kCronDirs[7];
// Units changed in the last 30 days are copied from these.
extern const char* const kSystemdDirs[6];
// Under the process user's home and /root.
extern const char* const kKeyFiles[2];

// "HOST-20261203T061502Z-4316"; anything but [A-Za-z0-9._-] in the host becomes '_' (the name
// is a path component).
std::string snapshot_dir_name(const std::string& host, int64_t t, int pid);

// The home directory of `uid` in passwd text; "" when not found.
std::string home_from_passwd(std::string_view passwd, uint32_t uid);

// Lines of `text` that name `exe` (its full path, or its file name when that is 4+ characters
// and not a common word), clipped; at most 5.
std::vector<std::string> lines_naming(std::string_view text, const std::string& exe);

// The inode column of a /proc/net/{tcp,tcp6,udp,udp6} line (10th field) or unix line (7th);
// 0 for a header or garbage.
uint64_t socket_inode_of_net_line(std::string_view line);

}  // namespace mr
