#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "feed/feed_state.h"
#include "temp_dir.h"
#include "util/file_io.h"

using namespace mr;

TEST_CASE("feed: state round-trips and remote header values stay on one line") {
    mr_test::TempDir dir("feed-state");
    FeedState st;
    st.url = "http://127.0.0.1:1/x";
    st.etag = "\"abc\"\nlast_good=1";  // a hostile ETag cannot forge other keys
    st.last_modified = "Thu, 26 Nov 2026 22:00:00 GMT";
    st.last_good = 1795730000;
    st.last_error = "download failed: HTTP 500";
    st.entries = 42;
    std::string path = feed_state_path(dir.path, "coin");
    REQUIRE(save_feed_state(path, st));
    Expected<FeedState> loaded = load_feed_state(path);
    REQUIRE(loaded);
    const FeedState& back = *loaded;
    CHECK(back.etag == "\"abc\"last_good=1");
    CHECK(back.last_good == 1795730000);
    CHECK(back.last_modified == st.last_modified);
    CHECK(back.last_error == st.last_error);
    CHECK(back.entries == 42);
    Expected<FeedState> none = load_feed_state(dir / "missing.state");
    REQUIRE(none);
    CHECK(none->last_good == 0);
    // A damaged file names its line.
    Expected<FeedState> bad = load_feed_state(dir.write("bad.state", "url=x\nno equals sign\n"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == dir / "bad.state" + ":2: expected key=value");
}

TEST_CASE("feed: lists are written atomically and read back") {
    mr_test::TempDir dir("feed-state");
    std::vector<FeedEntry> e = parse_feed("a.example\n203.0.113.5:3333\n", FeedFormat::Ioc).entries;
    std::string path = feed_list_path(dir.path, "coin");
    REQUIRE(save_entry_list(path, e));
    Expected<std::vector<FeedEntry>> back = load_entry_list(path);
    REQUIRE(back);
    CHECK(back->size() == 2);
    CHECK((*back)[1].text == "203.0.113.5:3333");
    CHECK(dir.names() == std::vector<std::string>{"coin.list"});  // no temp left
    Status failed = write_file_atomic(dir / "no/such/dir/file", "x");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("cannot write") != std::string::npos);
}
