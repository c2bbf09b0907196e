#include "util/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mr {

bool read_text_file(const std::string& path, std::string& out, std::string& error,
                    size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        error = path + ":0: cannot open: " + std::strerror(errno);
        return false;
    }
    out.clear();
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = path + ":0: read error: " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        if (out.size() + size_t(n) > max_bytes) {
            error = path + ":0: larger than " + std::to_string(max_bytes) + " bytes";
            ::close(fd);
            return false;
        }
        out.append(buf, size_t(n));
    }
    ::close(fd);
    return true;
}

}  // namespace mr
