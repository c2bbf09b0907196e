#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "pages/pages_model.h"

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

namespace {
HistoryEvent ev(std::time_t start, const std::string& color, long duration) {
    HistoryEvent e;
    e.start = start;
    e.color = color;
    e.duration = duration;
    return e;
}
}  // namespace

TEST_CASE("pages_model: clean for long enough, or still under watch") {
    const std::time_t red_at = kNow - 4 * 3600, green_at = kNow - (3 * 3600 + 12 * 60);
    // Newest first, as parse_history gives them.
    std::vector<HistoryEvent> h = {ev(green_at, "green", -1), ev(red_at, "red", green_at - red_at),
                                   ev(kNow - 86400 * 9, "green", kNow - 86400 * 9 - red_at)};
    CleanStatus w = clean_status("green", green_at, h, true, kNow, 24);
    CHECK(w.kind == CleanStatus::Kind::Watch);
    CHECK(w.since == green_at);
    CHECK(w.summary() == "watch: clean for only 3 h 12 min of 24 h");
    CHECK(w.detail().find("(3 h 12 min); 24 h clean is the usual bar before returning the host to production") !=
          std::string::npos);
    CHECK(std::string(w.css()) == "watch");

    CleanStatus ok = clean_status("green", green_at, h, true, kNow, 3);
    CHECK(ok.kind == CleanStatus::Kind::CleanEnough);
    CHECK(ok.summary() == "clean for long enough");
    CHECK(std::string(ok.css()) == "ok");

    CHECK(clean_status("red", red_at, h, true, kNow, 24).summary() == "not clean: red now");
    CHECK(clean_status("yellow", red_at, h, true, kNow, 24).kind == CleanStatus::Kind::Alarm);
    CHECK(clean_status("clear", red_at, h, true, kNow, 24).summary() == "cannot tell: column is clear");
    CHECK(clean_status("green", red_at, {ev(kNow - 999, "green", -1)}, true, kNow, 24).kind ==
          CleanStatus::Kind::NoAlarmOnRecord);
    CHECK(clean_status("green", red_at, {}, false, kNow, 24).kind == CleanStatus::Kind::Unknown);
}

TEST_CASE("pages_model: the history file lagging the board still ends the alarm at the board's change") {
    // The board is green since 10 min; the history worker has not written the change yet.
    std::vector<HistoryEvent> h = {ev(kNow - 3600, "yellow", -1)};
    CleanStatus c = clean_status("green", kNow - 600, h, true, kNow, 24);
    CHECK(c.kind == CleanStatus::Kind::Watch);
    CHECK(c.clean_seconds == 600);
    const HistoryEvent* last = last_ended_alarm(h, "green");
    REQUIRE(last);
    CHECK(last->color == "yellow");
    CHECK(last_ended_alarm(h, "yellow") == nullptr);  // still the current episode
    CHECK(last_ended_alarm({ev(kNow, "green", -1), ev(kNow - 60, "clear", 60)}, "green") == nullptr);
}

TEST_CASE("pages_model: human durations") {
    CHECK(human_duration(45) == "45 s");
    CHECK(human_duration(12 * 60 + 5) == "12 min");
    CHECK(human_duration(3 * 3600) == "3 h");
    CHECK(human_duration(3 * 3600 + 12 * 60) == "3 h 12 min");
    CHECK(human_duration(2 * 86400 + 4 * 3600 + 59) == "2 d 4 h");
    CHECK(human_duration(-5) == "0 s");
}

TEST_CASE("pages_model: histlog names as xymond_history writes them") {
    setenv("TZ", "UTC", 1);
    tzset();
    CHECK(histlog_time(1795734006) == "Thu_Nov_26_23:00:06_2026");  // a real file name on this server
    CHECK(histlog_time(1794009600) == "Sat_Nov_7_00:00:00_2026");   // no leading zero on the day
    unsetenv("TZ");
    tzset();
    CHECK(histlog_host_dir("web01.example.com") == "web01_example_com");
}

TEST_CASE("pages_model: a stored status without xymond's tail") {
    StoredStatus s;
    REQUIRE(parse_histlog("red minerd (pid 77) on 0.9 cores\n<table><tr><td>77</td></tr></table>\n"
                          "suspectcores : 0.9Status unchanged in 0.00 minutes\nMessage received from 127.0.0.1\n"
                          "Client data ID 1795732128\n",
                          s));
    CHECK(s.color == "red");
    CHECK(s.line1 == "minerd (pid 77) on 0.9 cores");
    CHECK(s.body == "<table><tr><td>77</td></tr></table>\nsuspectcores : 0.9");
    // Host text saying "Status unchanged in" early in the body does not cut the evidence short.
    REQUIRE(parse_histlog("yellow x\nStatus unchanged in 1 line\na\nb\nc\nd\ne\nf\nStatus unchanged in 0.00 minutes\n"
                          "Message received from 1.2.3.4\n", s));
    CHECK(s.body.find("f") != std::string::npos);
    CHECK_FALSE(parse_histlog("garbage", s));
    CHECK_FALSE(parse_histlog("", s));
}
