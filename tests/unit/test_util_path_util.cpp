#include <doctest/doctest.h>

#include <string>

#include "util/path_util.h"

using mr::PathPlace;

TEST_CASE("path_util: base_name is the last component") {
    CHECK(mr::base_name("/usr/bin/xmrig") == "xmrig");
    CHECK(mr::base_name("/usr/bin/xmrig/") == "xmrig");
    CHECK(mr::base_name("xmrig") == "xmrig");
    CHECK(mr::base_name("/").empty());
}

TEST_CASE("path_util: temp and hidden directories, and the directory that decided") {
    std::string where;
    CHECK(mr::path_place("/tmp/x/kworkerds", &where) == PathPlace::temp);
    CHECK(where == "/tmp");
    CHECK(mr::path_place("/run/shm/m") == PathPlace::temp);
    CHECK(mr::path_place("/dev/shm/m") == PathPlace::temp);
    CHECK(mr::path_place("/root/.x/xmrig", &where) == PathPlace::hidden);
    CHECK(where == "/root/.x");
    CHECK(mr::path_place("/usr/lib/.../m") == PathPlace::hidden);
    CHECK(mr::path_place("/usr/bin/../bin/ls") == PathPlace::normal);  // ".." is no hiding place
    CHECK(mr::path_place("/usr/bin/tmp/x") == PathPlace::normal);
    CHECK(mr::path_place("/tmpfoo/x") == PathPlace::normal);
}
