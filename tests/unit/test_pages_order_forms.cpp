// The order buttons of the host page: only for processes the status marks, kill only after
// snapshot and freeze, forms that post to the order CGI under xymon-seccgi.
#include <doctest/doctest.h>

#include "pages/pages_model.h"
#include "pages/pages_render.h"
#include "server/order_marks.h"
#include "xymon/process_marker.h"

using namespace mr;

namespace {
BoardEntry red_entry(const std::string& marks) {
    BoardEntry e;
    e.host = "web01";
    e.test = "miningrisk";
    e.color = "red";
    e.lastchange = e.logtime = 1795733142;
    e.line1 = "red xmrig";
    e.message = "red xmrig (pid 4316)\n<p>evidence</p>\n" + marks;
    return e;
}
size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("process marker: round trip; only digits, hex and flags; malformed skipped") {
    ProcessMarker m;
    m.pid = 4316;
    m.start_ticks = 99;
    m.sha256 = std::string(64, 'e');
    m.snapshot = true;
    std::string text = "x " + format_process_marker(m) + "\n<!-- miningrisk-proc pid=abc start=1 -->\n" +
                       format_process_marker(ProcessMarker{77, 5, "<script>", false, true});
    std::vector<ProcessMarker> back = parse_process_markers(text);
    REQUIRE(back.size() == 2);
    CHECK(back[0].pid == 4316);
    CHECK(back[0].sha256 == m.sha256);
    CHECK(back[0].snapshot);
    CHECK_FALSE(back[0].frozen);
    CHECK(back[1].sha256.empty());  // not hex: not carried
    CHECK(back[1].frozen);
    CHECK(format_process_marker(ProcessMarker{77, 5, "<script>", false, true}).find("<script>") == std::string::npos);
}

TEST_CASE("status marks: red processes with snapshot and frozen from the client's records") {
    StatusInput in;
    in.host = "web01";
    Finding f;
    f.pid = 4316;
    f.start_ticks = 99;
    f.color = Color::red;
    Finding y = f;
    y.pid = 500;
    y.color = Color::yellow;
    in.verdict.findings = {f, y};
    CHECK(parse_process_markers(process_marks(in)).size() == 1);  // the yellow one gets no buttons
    SnapshotRecord s;
    s.pid = 4316;
    s.start_ticks = 99;
    in.snapshots = {s};
    ContainmentRecord thaw, freeze;
    thaw.pid = freeze.pid = 4316;
    thaw.start_ticks = freeze.start_ticks = 99;
    thaw.action = "thaw";
    freeze.action = "freeze";
    thaw.result = freeze.result = "done";
    in.containment = {freeze, thaw};  // newest first: frozen again
    std::vector<ProcessMarker> m = parse_process_markers(process_marks(in));
    REQUIRE(m.size() == 1);
    CHECK(m[0].snapshot);
    CHECK(m[0].frozen);
    in.containment = {thaw, freeze};
    CHECK_FALSE(parse_process_markers(process_marks(in))[0].frozen);
}

TEST_CASE("host page: order forms for a red process, kill only after snapshot and freeze") {
    PageUrls urls;
    ProcessMarker m{4316, 99, std::string(64, 'a'), false, false};
    BoardEntry e = red_entry(format_process_marker(m));
    std::string html = render_host_body(make_row(e, 1795733200), e, {}, 1795733200, urls);
    CHECK(count(html, "<form method=\"post\" action=\"/xymon-seccgi/miningrisk-order\"") == 1);
    CHECK(html.find("name=\"start\" value=\"99\"") != std::string::npos);
    CHECK(html.find("value=\"snapshot\"") != std::string::npos);
    CHECK(html.find("value=\"freeze\"") != std::string::npos);
    CHECK(html.find("value=\"kill\"") == std::string::npos);
    m.snapshot = m.frozen = true;
    e = red_entry(format_process_marker(m));
    html = render_host_body(make_row(e, 1795733200), e, {}, 1795733200, urls);
    CHECK(html.find("value=\"kill\"") != std::string::npos);
    CHECK(html.find("value=\"thaw\"") != std::string::npos);
    CHECK(html.find("value=\"freeze\"") == std::string::npos);
    // green now: no buttons, even with a stale mark in the text
    e.color = "green";
    CHECK(render_host_body(make_row(e, 1795733200), e, {}, 1795733200, urls).find("<form") == std::string::npos);
}
