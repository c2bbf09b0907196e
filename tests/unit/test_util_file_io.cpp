#include <doctest/doctest.h>

#include <sys/stat.h>

#include <string>
#include <vector>

#include "temp_dir.h"
#include "util/file_io.h"

using namespace mr;

TEST_CASE("file_io: atomic write replaces content and leaves no temp file") {
    mr_test::TempDir dir("file-io");
    std::string f = dir / "page.html";
    REQUIRE(write_file_atomic(f, "one"));
    REQUIRE(write_file_atomic(f, "two", 0644, false));
    CHECK(read_file(f).value_or("") == "two");
    struct stat st {};
    REQUIRE(stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    CHECK(dir.names() == std::vector<std::string>{"page.html"});
    Status failed = write_file_atomic(dir / "missing/x.html", "x");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("missing") != std::string::npos);
    CHECK(failed.error().message.find("cannot write") != std::string::npos);
}

TEST_CASE("file_io: the mode is the one asked for whatever the umask") {
    mr_test::TempDir dir("file-io");
    std::string f = dir / "state";
    mode_t old = umask(077);
    Status a = write_file_atomic(f, "x", 0644);
    umask(old);
    REQUIRE(a);
    struct stat st {};
    REQUIRE(stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    REQUIRE(write_file_atomic(f, "y", 0600, false));
    REQUIRE(stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("file_io: read_file refuses a file over the ceiling and names it with :0:") {
    mr_test::TempDir dir("file-io");
    std::string f = dir.write("ten", "0123456789");
    CHECK(read_file(f, 10).value_or("?") == "0123456789");  // exactly the ceiling: read whole
    Expected<std::string> big = read_file(f, 9);
    REQUIRE_FALSE(big);
    CHECK(big.error().message == f + ":0: larger than 9 bytes");
    Expected<std::string> none = read_file(dir / "absent");
    REQUIRE_FALSE(none);
    CHECK(none.error().message.rfind(dir / "absent" + ":0: cannot open: ", 0) == 0);
    std::string empty = dir.write("empty", "");
    REQUIRE(read_file(empty));
    CHECK(read_file(empty)->empty());
}

TEST_CASE("file_io: read_file_prefix cuts instead of refusing") {
    mr_test::TempDir dir("file-io");
    std::string f = dir.write("stat", std::string(100000, 'x') + "tail");
    Expected<std::string> head = read_file_prefix(f, 70000);
    REQUIRE(head);
    CHECK(head->size() == 70000);
    CHECK(read_file_prefix(f, 1u << 20)->size() == 100004);
    CHECK_FALSE(read_file_prefix(dir / "absent", 10));
    // /proc files report size 0 and are read to their end all the same.
    Expected<std::string> self = read_file_prefix("/proc/self/status", 1u << 16);
    REQUIRE(self);
    CHECK(self->find("Pid:") != std::string::npos);
}

TEST_CASE("file_io: make_dirs creates every level and accepts what exists") {
    mr_test::TempDir dir("file-io");
    REQUIRE(make_dirs(dir / "a/b/c"));
    REQUIRE(make_dirs(dir / "a/b/c"));
    REQUIRE(write_file_atomic(dir / "a/b/c/f", "x"));
    std::string file = dir.write("plain", "x");
    Status under_file = make_dirs(file + "/sub");
    REQUIRE_FALSE(under_file);
    CHECK(under_file.error().message.find("cannot create directory") != std::string::npos);
}

TEST_CASE("file_io: list_dir_names gives the names sorted, without . and .., bounded") {
    mr_test::TempDir dir("file-io");
    for (const char* n : {"b", "a", ".hidden", "c"}) dir.write(n, "x");
    CHECK(list_dir_names(dir.path) == std::vector<std::string>{".hidden", "a", "b", "c"});
    CHECK(list_dir_names(dir.path, 2).size() == 2);
    CHECK(list_dir_names(dir / "missing").empty());
}
