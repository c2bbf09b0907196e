// The one scratch directory of the unit tests: /tmp/mr-PREFIX-XXXXXX, removed with everything in
// it when the object goes, also when a REQUIRE fails (doctest throws, the destructor runs).
#pragma once
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace mr_test {

// The whole of a file a test wrote or reads back ("" when it cannot be opened).
inline std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct TempDir {
    std::string path;

    explicit TempDir(const std::string& prefix = "test") {
        std::string tmpl = "/tmp/mr-" + prefix + "-XXXXXX";
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;  // never throws from a destructor; a leftover is only a leftover
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // The full path of NAME inside the directory.
    std::string operator/(const std::string& name) const { return path + "/" + name; }

    // Writes NAME (relative; its parent directories are created) and returns its full path.
    std::string write(const std::string& name, const std::string& data) const {
        std::string p = *this / name;
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(p).parent_path(), ec);
        std::ofstream(p, std::ios::binary) << data;
        return p;
    }

    // Creates the subdirectory NAME (and its parents) and returns its full path.
    std::string mkdir(const std::string& name) const {
        std::string p = *this / name;
        std::filesystem::create_directories(p);
        return p;
    }

    // The names directly inside, dot-files included, sorted.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(path)) out.push_back(e.path().filename());
        std::sort(out.begin(), out.end());
        return out;
    }
};

}  // namespace mr_test
