#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pages_model.h"

using namespace mr;

namespace {
BoardEntry entry(const std::string& host, const std::string& color, std::time_t since,
                 const std::string& line1, const std::string& body = "") {
    BoardEntry e;
    e.host = host;
    e.test = "miningrisk";
    e.color = color;
    e.lastchange = since;
    e.line1 = line1;
    e.message = color + " " + line1 + (body.empty() ? "" : "\n" + body);
    return e;
}
const std::time_t kNow = 1795740000;
}  // namespace

TEST_CASE("pages_model: worst first, longest in trouble first, then most cores") {
    std::vector<BoardEntry> b = {
        entry("g1", "green", kNow - 9000, "no miner found"),
        entry("y1", "yellow", kNow - 100, "kworkerds on 0.8 cores"),
        entry("r-new", "red", kNow - 60, "xmrig on 3.0 cores"),
        entry("r-old", "red", kNow - 7200, "xmrig on 1.0 cores"),
        entry("c1", "clear", kNow - 50, "could not look"),
        entry("p1", "purple", kNow - 50, "no report"),
        entry("other", "red", kNow, "other test"),
    };
    b.back().test = "cpu";
    auto rows = fleet_rows(b, "miningrisk", kNow);
    std::vector<std::string> order;
    for (auto& r : rows) order.push_back(r.host);
    CHECK(order == std::vector<std::string>{"r-old", "r-new", "y1", "p1", "c1", "g1"});

    // Same colour and age: more cores first.
    std::vector<BoardEntry> same = {entry("a", "red", kNow - 60, "x on 1.0 cores"),
                                    entry("b", "red", kNow - 60, "x on 2.5 cores")};
    auto rows2 = fleet_rows(same, "miningrisk", kNow);
    CHECK(rows2[0].host == "b");
}

TEST_CASE("pages_model: headline fields and NCV values") {
    auto r = make_row(entry("h", "red", kNow - 60, "xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333",
                            "<table></table>\nsuspectcores : 2.25\nscore : 3\nfindings : 1"),
                      kNow);
    CHECK(r.process == "xmrig (pid 4316, user www-data)");
    CHECK(r.pool == "203.0.113.5:3333");
    CHECK(r.cores == doctest::Approx(2.25));  // the NCV value wins over the headline
    CHECK(r.score == 3);
    CHECK(r.findings == 1);
    auto g = make_row(entry("g", "green", kNow, "no miner found (123 processes, 45 sockets checked)"), kNow);
    CHECK(g.process.empty());
    CHECK(g.cores == -1);
    CHECK(g.score == -1);
    auto y = make_row(entry("y", "yellow", kNow, "kworkerds on 0.8 cores"), kNow);
    CHECK(y.cores == doctest::Approx(0.8));
    double v = 0;
    CHECK_FALSE(ncv_value("suspectcorestotal : 5", "suspectcores", v));
    CHECK_FALSE(ncv_value("score : nan", "score", v));
}

TEST_CASE("pages_model: acknowledged only while the ack lasts") {
    auto e = entry("h", "red", kNow - 60, "xmrig");
    e.acktime = kNow + 600;
    e.ackmsg = "on it";
    CHECK(make_row(e, kNow).acked);
    e.acktime = kNow - 1;
    CHECK_FALSE(make_row(e, kNow).acked);
}

TEST_CASE("pages_model: all clear only when nothing is red, yellow or purple") {
    std::vector<BoardEntry> b = {entry("g1", "green", kNow, "ok"), entry("g2", "green", kNow, "ok"),
                                 entry("c1", "clear", kNow, "could not look")};
    auto s = summarize(fleet_rows(b, "miningrisk", kNow));
    CHECK(s.all_clear());
    CHECK(s.watched == 3);
    CHECK(s.green == 2);
    CHECK(s.clear == 1);
    b.push_back(entry("p", "purple", kNow, "stale"));
    CHECK_FALSE(summarize(fleet_rows(b, "miningrisk", kNow)).all_clear());
    CHECK(summarize({}).all_clear());
}

TEST_CASE("pages_model: durations, times and host file names") {
    CHECK(format_duration(45) == "45s");
    CHECK(format_duration(12 * 60 + 5) == "12m");
    CHECK(format_duration(3 * 3600 + 5 * 60) == "3h 05m");
    CHECK(format_duration(2 * 86400 + 4 * 3600 + 59) == "2d 4h");
    CHECK(format_duration(-5) == "0s");
    CHECK(format_time(0) == "-");
    CHECK(since_text(kNow - 3660, kNow).rfind("1h 01m (since ", 0) == 0);
    CHECK(format_cores(1.94) == "1.9");
    CHECK(format_cores(-1).empty());
    CHECK(host_file_name_ok("web01.example.com"));
    CHECK(host_file_name_ok("pg-red_1"));
    for (const char* bad : {"", "../etc", ".hidden", "a/b", "a b", "<x>", "h\xc3\xa9"})
        CHECK_MESSAGE(!host_file_name_ok(bad), bad);
}
