#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "feed/feed_state.h"

using namespace mr;

namespace {
std::string temp_dir() {
    char tmpl[] = "/tmp/mr-feed-state-XXXXXX";
    return mkdtemp(tmpl);
}
}  // namespace

TEST_CASE("feed: state round-trips and remote header values stay on one line") {
    std::string dir = temp_dir(), err;
    FeedState st;
    st.url = "http://127.0.0.1:1/x";
    st.etag = "\"abc\"\nlast_good=1";  // a hostile ETag cannot forge other keys
    st.last_modified = "Thu, 26 Nov 2026 22:00:00 GMT";
    st.last_good = 1795730000;
    st.last_error = "download failed: HTTP 500";
    st.entries = 42;
    std::string path = feed_state_path(dir, "coin");
    REQUIRE(save_feed_state(path, st, err));
    FeedState back;
    REQUIRE(load_feed_state(path, back, err));
    CHECK(back.etag == "\"abc\"last_good=1");
    CHECK(back.last_good == 1795730000);
    CHECK(back.last_modified == st.last_modified);
    CHECK(back.last_error == st.last_error);
    CHECK(back.entries == 42);
    FeedState none;
    CHECK(load_feed_state(dir + "/missing.state", none, err));
    CHECK(none.last_good == 0);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("feed: lists are written atomically and read back") {
    std::string dir = temp_dir(), err;
    std::vector<FeedEntry> e = parse_feed("a.example\n203.0.113.5:3333\n", FeedFormat::Ioc).entries;
    std::string path = feed_list_path(dir, "coin");
    REQUIRE(save_entry_list(path, e, err));
    std::vector<FeedEntry> back;
    REQUIRE(load_entry_list(path, back, err));
    CHECK(back.size() == 2);
    CHECK(back[1].text == "203.0.113.5:3333");
    CHECK(access((path + ".tmp." + std::to_string(getpid())).c_str(), F_OK) != 0);  // no temp left
    CHECK_FALSE(write_file_atomic(dir + "/no/such/dir/file", "x", err));
    CHECK(err.find("cannot write") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}
