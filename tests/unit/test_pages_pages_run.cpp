#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "pages/pages_run.h"
#include "util/file_io.h"
#include "expected_check.h"
#include "pages_fixture.h"
#include "temp_dir.h"

using namespace mr;
using mr_test::board_entry;
using mr_test::slurp;

namespace {
// One page run that must succeed; its counts.
PagesResult run_ok(const std::vector<BoardEntry>& board, const PagesConfig& cfg) {
    Expected<PagesResult> r = generate_pages(board, cfg);
    REQUIRE_MESSAGE(r, mr_test::error_of(r));
    return *r;
}
}  // namespace

TEST_CASE("pages_run: generate_pages writes every page and removes stale ones") {
    mr_test::TempDir tmp("pages-test");
    std::string dir = tmp.path;
    std::string tpl = dir + "/tpl", www = dir + "/www";
    mkdir(tpl.c_str(), 0755);
    mkdir(www.c_str(), 0755);
    REQUIRE(write_file_atomic(tpl + "/miningrisk_header", "<html><body class=\"&XYMWEBBACKGROUND\">"));
    REQUIRE(write_file_atomic(tpl + "/miningrisk_footer", "</body></html>"));
    REQUIRE(write_file_atomic(www + "/host-gone.html", "old"));
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.now = 1795733200;
    std::vector<BoardEntry> b = {board_entry("r1", "red", "xmrig", "x"), board_entry("g1", "green", "ok", ""),
                                 board_entry("../evil", "red", "x", "")};
    PagesResult res = run_ok(b, cfg);
    CHECK(res.hosts == 2);
    CHECK(res.hosts_skipped == 1);
    CHECK(res.stale_removed == 1);
    CHECK(access((www + "/host-gone.html").c_str(), F_OK) != 0);
    std::string index = slurp(www + "/index.html");
    CHECK(index.rfind("<html><body class=\"red\">", 0) == 0);
    bool red_first = index.find("r1") < index.find("g1");
    CHECK(red_first);
    CHECK(slurp(www + "/host-r1.html").find("xmrig") != std::string::npos);
    CHECK(slurp(www + "/wall.html").find("http-equiv=\"refresh\"") != std::string::npos);

    cfg.host_filter = "^g";
    res = run_ok(b, cfg);
    CHECK(slurp(www + "/index.html").find("All clear: 1 host watched") != std::string::npos);
    cfg.host_filter = "([";
    CHECK(mr_test::error_of(generate_pages(b, cfg)).find("bad host filter") != std::string::npos);
}

TEST_CASE("pages_run: generate_pages reads Xymon's history and stored statuses, and skips unchanged pages") {
    mr_test::TempDir tmp("pages-test");
    std::string dir = tmp.path, tpl = dir + "/tpl", www = dir + "/www", hist = dir + "/hist", logs = dir + "/histlogs";
    for (const auto& d : {tpl, www, hist, logs, logs + "/web_1", logs + "/web_1/miningrisk"}) mkdir(d.c_str(), 0755);
    REQUIRE(write_file_atomic(tpl + "/miningrisk_header", "<html><body class=\"&XYMWEBBACKGROUND\">"));
    REQUIRE(write_file_atomic(tpl + "/miningrisk_footer", "</body></html>"));
    const std::time_t now = 1795740000, red_at = now - 7200, green_at = now - 3600;
    // Xymon ends the current line with a NUL byte (xymond_history writes strlen+1).
    std::string h = "Thu Nov 26 20:00:00 2026 red " + std::to_string(red_at) + " 3600\n" +
                    "Thu Nov 26 21:00:00 2026 green " + std::to_string(green_at) + std::string(1, '\0');
    REQUIRE(write_file_atomic(hist + "/web.1.miningrisk", h));
    REQUIRE(write_file_atomic(logs + "/web_1/miningrisk/" + histlog_time(red_at),
                              "red minerd (pid 77) on 1 cores\n<table><tr><td>minerd</td></tr></table>"));
    auto e = board_entry("web.1", "green", "no miner found", "");
    e.lastchange = green_at;
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.history_dir = hist;
    cfg.histlog_dir = logs;
    cfg.clean_hours = 1;
    cfg.now = now;
    PagesResult res = run_ok({e}, cfg);
    std::string page = slurp(www + "/host-web.1.html");
    CHECK(page.find("Last evidence, red at " + format_time(red_at) + ": minerd (pid 77) on 1 cores") != std::string::npos);
    CHECK(page.find("<td>minerd</td>") != std::string::npos);
    CHECK(page.find("clean for long enough") != std::string::npos);
    CHECK(slurp(www + "/index.html").find("clean for long enough") != std::string::npos);

    // Same inputs next minute: not rendered again. New board data: rendered again.
    cfg.now += 60;
    res = run_ok({e}, cfg);
    CHECK(res.unchanged == 1);
    e.color = "red";
    e.line1 = "xmrig now";
    e.message = "red xmrig now";
    res = run_ok({e}, cfg);
    CHECK(res.unchanged == 0);
    CHECK(slurp(www + "/host-web.1.html").find("xmrig now") != std::string::npos);
    // A page deleted behind the generator's back comes back even though its inputs did not change.
    unlink((www + "/host-web.1.html").c_str());
    res = run_ok({e}, cfg);
    CHECK(access((www + "/host-web.1.html").c_str(), F_OK) == 0);
}
