// Paths as text: the last component, and where a path lives (a world-writable temp directory,
// a hidden directory). Pure string work, no file system: the paths come from a scanned host.
#pragma once
#include <string>
#include <string_view>

namespace mr {

// The last component of a path ("/usr/bin/xmrig/" -> "xmrig"; no slash: the path itself).
std::string_view base_name(std::string_view path);

enum class PathPlace { normal, temp, hidden };
// Where a path lives: under a world-writable temp dir (/tmp, /var/tmp, /dev/shm, /run/shm),
// under a hidden directory (a component starting with '.', such as "/root/.x/" or
// "/usr/lib/.../"), or neither. `where` receives the directory that made the decision.
PathPlace path_place(std::string_view path, std::string* where = nullptr);

}  // namespace mr
