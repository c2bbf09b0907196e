#include <doctest/doctest.h>

#include "xymon/kv_codec.h"

using namespace mr;

TEST_CASE("kv_codec: hostile text round-trips and cannot break the line") {
    std::string hostile = std::string("a b=c%d\n[top]\r&red <img src=x onerror=alert(1)>|\xff\x01", 41);
    hostile += '\0';
    hostile += "tail";
    std::string line = encode_kv_line({{"comm", hostile}, {"pid", "42"}});
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('<') == std::string::npos);
    CHECK(line.find('&') == std::string::npos);
    CHECK(line.find('[') == std::string::npos);
    KvRecord back = parse_kv_line(line);
    REQUIRE(back.size() == 2);
    CHECK(back[0].second == hostile);
    CHECK(kv_get(back, "pid") == "42");
    CHECK(kv_get(back, "missing", "dflt") == "dflt");
}

TEST_CASE("kv_codec: malformed escapes are kept, never fail") {
    CHECK(percent_decode("100%") == "100%");
    CHECK(percent_decode("%zz%4") == "%zz%4");
    CHECK(percent_decode("%41%42") == "AB");
    KvRecord r = parse_kv_line("  novalue  k=v  =x ");
    REQUIRE(r.size() == 3);
    CHECK(r[0].first == "novalue");
    CHECK(r[1].second == "v");
    CHECK(r[2].first.empty());
}
