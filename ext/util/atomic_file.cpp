#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mr {

namespace {

bool fail(std::string* error, const std::string& what, const std::string& path) {
    if (error) *error = what + " " + path + ": " + std::strerror(errno);
    return false;
}

}  // namespace

bool write_file_atomic(const std::string& path, const std::string& content, std::string* error,
                       unsigned mode, bool durable) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    // A dot-name that no page link matches, unique per call.
    std::string tmpl = dir + "/." + base + ".tmpXXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) return fail(error, "cannot create temp file for", path);
    std::string tmp = name.data();
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fail(error, "cannot write", tmp);
            close(fd);
            unlink(tmp.c_str());
            return false;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (fchmod(fd, mode) != 0 || (durable && fsync(fd) != 0)) {
        fail(error, "cannot sync", tmp);
        close(fd);
        unlink(tmp.c_str());
        return false;
    }
    close(fd);
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        fail(error, "cannot rename onto", path);
        unlink(tmp.c_str());
        return false;
    }
    // Make the rename itself durable.
    if (!durable) return true;
    int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return true;
}

}  // namespace mr
