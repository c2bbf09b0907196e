#include "util/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace mr {

namespace {

// Closes an fd on every way out.
struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

Expected<std::string> read_path(const std::string& path, size_t max, bool refuse_longer) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return fail_at(path, 0, std::string("cannot open: ") + std::strerror(errno));
    FdCloser closer{fd};
    std::string out;
    // One byte past the ceiling tells a file of exactly `max` bytes from a longer one.
    const size_t want = refuse_longer && max < SIZE_MAX ? max + 1 : max;
    if (!read_fd_prefix(fd, out, want)) return fail_at(path, 0, std::string("read error: ") + std::strerror(errno));
    if (refuse_longer && out.size() > max)
        return fail_at(path, 0, "larger than " + std::to_string(max) + " bytes");
    return out;
}

tl::unexpected<Error> fail_errno(const std::string& what, const std::string& path) {
    return fail(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

bool read_fd_prefix(int fd, std::string& out, size_t max) {
    out.clear();
    size_t have = 0;
    size_t step = max < 4096 ? max : 4096;
    for (;;) {
        if (have == max) break;
        size_t want = step;
        if (want > max - have) want = max - have;
        if (out.size() < have + want) out.resize(have + want);
        ssize_t n = ::read(fd, &out[have], want);
        if (n < 0) {
            if (errno == EINTR) continue;
            out.resize(have);
            return false;
        }
        if (n == 0) break;
        have += static_cast<size_t>(n);
        if (step < 65536) step *= 2;
    }
    out.resize(have);
    return true;
}

Expected<std::string> read_file(const std::string& path, size_t max_bytes) {
    return read_path(path, max_bytes, true);
}

Expected<std::string> read_file_prefix(const std::string& path, size_t max_bytes) {
    return read_path(path, max_bytes, false);
}

Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode, bool durable) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    // A dot-name that no page link and no list glob matches, unique per call.
    std::string tmpl = dir + "/." + base + ".tmpXXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) return fail_errno("cannot write", path);
    std::string tmp = name.data();
    auto give_up = [&](const std::string& what, const std::string& which) {
        auto e = fail_errno(what, which);
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        return e;
    };
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return give_up("cannot write", tmp);
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fchmod(fd, mode) != 0 || (durable && ::fsync(fd) != 0)) return give_up("cannot sync", tmp);
    int closing = fd;
    fd = -1;
    if (::close(closing) != 0) return give_up("cannot write", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return give_up("cannot rename onto", path);
    // Make the rename itself durable.
    if (!durable) return {};
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

Status make_dirs(const std::string& dir) {
    std::string cur;
    size_t i = 0;
    while (i <= dir.size()) {
        size_t slash = dir.find('/', i);
        if (slash == std::string::npos) slash = dir.size();
        cur = dir.substr(0, slash);
        if (!cur.empty() && ::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
            return fail(cur + ": cannot create directory: " + std::strerror(errno));
        i = slash + 1;
    }
    return {};
}

std::vector<std::string> list_dir_names(const std::string& dir, size_t max) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        if (names.size() >= max) break;
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace mr
