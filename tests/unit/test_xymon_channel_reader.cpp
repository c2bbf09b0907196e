#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xymon/channel_reader.h"

using namespace mr;

namespace {
// Real captures from xymond 4.3.30 (copied from shared/reference), found from this file's path.
std::string read_capture(const std::string& name) {
    std::string here = __FILE__;
    std::string dir = here.substr(0, here.rfind("tests/unit/")) + "tests/fixtures/captures/";
    std::ifstream f(dir + name);
    REQUIRE_MESSAGE(f.good(), "missing capture " << dir + name);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<ChannelMessage> all(ChannelReader& r) {
    std::vector<ChannelMessage> out;
    ChannelMessage m;
    while (r.next(m)) out.push_back(m);
    return out;
}

const char* kTwo =
    "@@client#4/testhost|1795730365.682396|127.0.0.1|testhost|linux|linux|minerisk\n"
    "client/minerisk testhost.linux linux\n"
    "[minerisk]\n"
    "xmrig 1234 97.0\n"
    "@@\n"
    "@@shutdown#5/*|1795730387.780713|xymond|\n"
    "@@\n";
}  // namespace

TEST_CASE("channel: the real client capture gives one client message and a shutdown") {
    std::string text = read_capture("client.dump");
    REQUIRE(!text.empty());
    ChannelReader r;
    r.feed(text);
    auto msgs = all(r);
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[0].channel == "client");
    CHECK(msgs[0].seq == 4);
    CHECK(msgs[0].host == "testhost");
    ClientHeader h = client_header(msgs[0]);
    CHECK(h.hostname == "testhost");
    CHECK(h.ostype == "linux");
    CHECK(h.config_class == "linux");
    CHECK(h.collector_id == "minerisk");
    CHECK(h.timestamp == doctest::Approx(1795730365.682396));
    CHECK(msgs[0].body ==
          "client/minerisk testhost.linux linux\n[minerisk]\nxmrig 1234 97.0\n[minerpools]\npool.example:3333\n");
    CHECK_FALSE(msgs[0].is_control());
    CHECK(msgs[1].channel == "shutdown");
    CHECK(msgs[1].host == "*");
    CHECK(msgs[1].is_control());
}

TEST_CASE("channel: every capture splits into messages, whatever the chunk size") {
    for (const char* name : {"status.dump", "page.dump", "stachg.dump", "clichg.dump", "enadis.dump", "data.dump"}) {
        std::string text = read_capture(name);
        ChannelReader whole;
        whole.feed(text);
        auto expect = all(whole);
        REQUIRE(expect.size() >= 2);
        for (size_t chunk : {1, 2, 3, 7, 64}) {
            ChannelReader r;
            for (size_t i = 0; i < text.size(); i += chunk) r.feed(std::string_view(text).substr(i, chunk));
            auto got = all(r);
            REQUIRE(got.size() == expect.size());
            for (size_t i = 0; i < got.size(); ++i) {
                CHECK(got[i].channel == expect[i].channel);
                CHECK(got[i].body == expect[i].body);
                CHECK(got[i].fields == expect[i].fields);
            }
        }
    }
}

TEST_CASE("channel: status capture keeps the raw status text and header fields") {
    ChannelReader r;
    r.feed(read_capture("status.dump"));
    auto msgs = all(r);
    REQUIRE(msgs.size() == 5);
    CHECK(msgs[1].field(4) == "minerisk");
    CHECK(msgs[1].field(6) == "red");
    CHECK(msgs[1].body == "status testhost.minerisk red xmrig found\n&red xmrig pid 1234 cpu 97%\n");
    CHECK(msgs[1].field(99).empty());
}

TEST_CASE("channel: an oversized message is dropped and the next one still arrives") {
    ChannelReader r(1000);
    std::string big = "@@client#1/big|1|127.0.0.1|big|linux|linux|\nclient big.linux linux\n";
    for (int i = 0; i < 200; ++i) big += "[ps] filler line that goes on and on\n";
    big += "@@\n";
    // One enormous line without any newline for a while, too.
    std::string huge_line = "@@client#2/big2|1|127.0.0.1|big2|linux|linux|\n" + std::string(5000, 'x') + "\n@@\n";
    r.feed(big);
    r.feed(huge_line);
    r.feed(kTwo);
    auto msgs = all(r);
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[0].host == "testhost");
    CHECK(r.stats().oversized == 2);
    auto log = r.take_log();
    REQUIRE(log.size() >= 2);
    CHECK(log[0].find("oversized") != std::string::npos);
    CHECK(log[0].find("big") != std::string::npos);
}

TEST_CASE("channel: garbage before and between messages is skipped and logged") {
    ChannelReader r;
    r.feed("random junk\n\x01\x02\xff garbage\n@@\n");
    r.feed(kTwo);
    r.feed("more junk without newline");
    auto msgs = all(r);
    REQUIRE(msgs.size() == 2);
    CHECK(r.stats().garbage_lines == 2);
    auto log = r.take_log();
    REQUIRE(!log.empty());
    CHECK(log[0].find("skipped 2 line") != std::string::npos);
}

TEST_CASE("channel: a garbage line longer than any header is bounded") {
    ChannelReader r(4096);
    std::string junk(1 << 20, 'z');  // 1 MiB without a newline
    r.feed(junk);
    r.feed(junk);
    r.feed("\n");
    r.feed(kTwo);
    CHECK(all(r).size() == 2);
}

TEST_CASE("channel: input ending inside a message drops it as truncated") {
    ChannelReader r;
    r.feed("@@client#9/cut|1|127.0.0.1|cut|linux|linux|\nclient cut.linux linux\n[ps]\n");
    r.finish();
    CHECK(all(r).empty());
    CHECK(r.stats().truncated == 1);
    // The reader is usable again afterwards.
    r.feed(kTwo);
    CHECK(all(r).size() == 2);
}

TEST_CASE("channel: a header without fields or sequence does not crash") {
    ChannelReader r;
    r.feed("@@reload\n@@\n@@x#notanumber\nbody\n@@\n@@#/|||\n@@\n");
    auto msgs = all(r);
    REQUIRE(msgs.size() == 3);
    CHECK(msgs[0].channel == "reload");
    CHECK(msgs[0].is_control());
    CHECK(msgs[1].seq == 0);
    CHECK(msgs[1].body == "body\n");
    CHECK(msgs[2].channel.empty());
    ClientHeader h = client_header(msgs[2]);
    CHECK(h.collector_id.empty());
}
