// The wall tile's headline: whole parts dropped, process, cores and pool kept.
#include <doctest/doctest.h>

#include <string>

#include "pages/tile_headline.h"

using mr::tile_headline;

namespace {
std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}
}  // namespace

TEST_CASE("tile headline: a short line 1 is shown as it is") {
    std::string h = "xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333";
    CHECK(tile_headline(h, 80) == h);
}

TEST_CASE("tile headline: a red line never ends mid-phrase; process, cores and pool stay") {
    std::string h = "xmrig (pid 4316, user www-data) on 1.9 cores, pool pool.supportxmr.example:443 (+3 more); "
                    "limited visibility: no CAP_SYS_PTRACE";
    std::string t = tile_headline(h, 72);
    CHECK(chars(t) <= 72);
    CHECK(t.find("xmrig") == 0);
    CHECK(t.find("on 1.9 cores") != std::string::npos);
    CHECK(t.find("pool pool.supportxmr.example:443") != std::string::npos);
    CHECK(t.find("limited") == std::string::npos);
    CHECK(t.back() != ',');
    // The parts go in order: the visibility note, then the user, then the pid.
    CHECK(tile_headline(h, 90) == "xmrig (pid 4316, user www-data) on 1.9 cores, pool pool.supportxmr.example:443 (+3 more)");
    CHECK(tile_headline(h, 75) == "xmrig (pid 4316) on 1.9 cores, pool pool.supportxmr.example:443 (+3 more)");
    CHECK(tile_headline(h, 64) == "xmrig on 1.9 cores, pool pool.supportxmr.example:443 (+3 more)");
    CHECK(tile_headline(h, 52) == "xmrig on 1.9 cores, pool pool.supportxmr.example:443");
}

TEST_CASE("tile headline: a yellow line drops its signal list before anything else") {
    std::string h = "python3 (pid 88, user build) on 0.95 cores: miner_port, exe_in_tempdir, thread_pegged (+1 more)";
    CHECK(tile_headline(h, 60) == "python3 (pid 88, user build) on 0.95 cores (+1 more)");
}

TEST_CASE("tile headline: agentless hosts keep the marker while it fits") {
    std::string h = "xmrig (pid 12, user nobody) on 2.0 cores, pool 198.51.100.7:3333: miner_name (agentless)";
    CHECK(tile_headline(h, 80) == "xmrig (pid 12, user nobody) on 2.0 cores, pool 198.51.100.7:3333 (agentless)");
}

TEST_CASE("tile headline: a huge pool or name is shortened visibly, cores always kept") {
    std::string pool(200, 'p');
    std::string h = "xmrig (pid 1, user a) on 1.0 cores, pool " + pool + ".example:3333";
    std::string t = tile_headline(h, 72);
    CHECK(chars(t) <= 72);
    CHECK(t.find("xmrig on 1.0 cores, pool ppp") == 0);
    CHECK(t.find("\xe2\x80\xa6") != std::string::npos);
}

TEST_CASE("tile headline: other line 1s lose whole clauses, then words, with an ellipsis") {
    std::string h = "limited visibility: cannot read /proc/1/fd (EACCES); no CAP_SYS_PTRACE; hidepid=2 on /proc";
    CHECK(tile_headline(h, 60) == "limited visibility: cannot read /proc/1/fd (EACCES)");
    std::string t = tile_headline(h, 50);
    CHECK(chars(t) <= 50);
    CHECK(t == "limited visibility: cannot read /proc/1/fd \xe2\x80\xa6");
    // Multibyte names are never cut inside a character.
    std::string u = "could not look: " + std::string(40, 'x') + " \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    std::string v = tile_headline(u, 20);
    CHECK(chars(v) <= 20);
    CHECK(v == "could not look \xe2\x80\xa6");
}
