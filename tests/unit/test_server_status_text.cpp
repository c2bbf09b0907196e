#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "util/html_escape.h"
#include "server/status_text.h"

using namespace mr;

namespace {
Finding red_miner() {
    Finding f;
    f.pid = 4316;
    f.ppid = 1;
    f.uid = 33;
    f.user = "www-data";
    f.comm = "xmrig";
    f.exe = "/tmp/.x/xmrig";
    f.cores = 1.92;
    f.pool = "203.0.113.5:3333";
    f.color = Color::red;
    f.signals = {{"pool_connection", Strength::strong, "203.0.113.5:3333 ESTABLISHED"},
                 {"miner_name", Strength::strong, "comm xmrig"}};
    return f;
}

StatusInput base() {
    StatusInput in;
    in.host = "web01.example.com";
    in.interval_seconds = 300;
    in.procs_checked = 123;
    in.sockets_checked = 45;
    return in;
}

// Every line after the first, as Xymon would look at it for "&colour" icons.
bool any_line_starts_with_amp_color(const std::string& msg) {
    std::istringstream ss(msg);
    std::string line;
    std::getline(ss, line);
    while (std::getline(ss, line))
        for (const char* c : {"&red", "&yellow", "&green", "&clear", "&purple", "&blue"})
            if (line.rfind(c, 0) == 0) return true;
    return false;
}
}  // namespace

TEST_CASE("status text: escape_html covers text, attributes and line breaks") {
    CHECK(escape_html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
    CHECK(escape_html("a&b \"q\" 'x'") == "a&amp;b &quot;q&quot; &#39;x&#39;");
    CHECK(escape_html("line\n&red icon\r\x01") == "line?&amp;red icon??");
    CHECK(escape_html("tab\there") == "tab here");
    CHECK(url_encode("host-a.b_c~") == "host-a.b_c~");
    CHECK(url_encode("a b/<") == "a%20b%2F%3C");
    CHECK(truncate_text("abcdef", 3) == "abc...");
    CHECK(truncate_text("ab", 3) == "ab");
    CHECK(truncate_text("a\xc3\xa9z", 2) == "a...");  // never half a UTF-8 character
}

TEST_CASE("status text: lifetime is two cycles plus five minutes") {
    CHECK(status_lifetime_minutes(300) == 15);
    CHECK(status_lifetime_minutes(60) == 7);
    CHECK(status_lifetime_minutes(90) == 8);
    CHECK(status_lifetime_minutes(0) == 7);  // clamped to a one-minute cycle
}

TEST_CASE("status text: red headline names process, pid, user, cores and pool") {
    StatusInput in = base();
    in.verdict.color = Color::red;
    in.verdict.findings = {red_miner()};
    std::string msg = build_status_message(in);
    std::string first = msg.substr(0, msg.find('\n'));
    CHECK(first == "status+15 web01.example.com.miningrisk red xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333");
    CHECK(msg.find("suspectcores : 1.92\n") != std::string::npos);
    CHECK(msg.find("score : 6\n") != std::string::npos);
    CHECK(msg.find("findings : 1\n") != std::string::npos);
    CHECK(msg.find("poolconns : 1\n") != std::string::npos);
    CHECK(msg.find("href=\"/xymon/miningrisk/host-web01.example.com.html\"") != std::string::npos);
    CHECK(msg.find("(sets colour)") != std::string::npos);
    // The NCV values sit after the HTML, which is fenced off from the NCV parser.
    CHECK(msg.find("<!-- ncv_skipstart -->") < msg.find("<table"));
    CHECK(msg.find("<!-- ncv_skipend -->") < msg.find("suspectcores"));
    CHECK(msg.find("\n\n") == std::string::npos);  // a blank line would split a combo message
}

TEST_CASE("status text: green, yellow, limited visibility, clear and agentless headlines") {
    StatusInput in = base();
    CHECK(build_headline(in) == "no miner found (123 processes, 45 sockets checked)");
    Finding y;
    y.pid = 77;
    y.user = "bob";
    y.comm = "kworkerx";
    y.cores = 0.9;
    y.color = Color::yellow;
    y.signals = {{"fake_kthread", Strength::medium, "kernel-thread name on a user process"}};
    in.verdict.findings = {y};
    in.verdict.color = Color::yellow;
    CHECK(build_headline(in) == "kworkerx (pid 77, user bob) on 0.9 cores: fake_kthread");
    StatusInput lim = base();
    lim.visibility_full = false;
    lim.visibility_reasons = {"no CAP_SYS_PTRACE: 40 exe unreadable"};
    lim.verdict.color = Color::yellow;
    CHECK(build_headline(lim) == "limited visibility: no CAP_SYS_PTRACE: 40 exe unreadable");
    StatusInput clr = base();
    clr.agentless = true;
    clr.clear_reason = "no [ps] section";
    CHECK(status_color(clr) == Color::clear);
    std::string msg = build_status_message(clr);
    CHECK(msg.rfind("status+15 web01.example.com.miningrisk clear could not look: no [ps] section (agentless)\n", 0) == 0);
    CHECK(msg.find("limited evidence: stock client [ps]/[ports] only") != std::string::npos);
}

TEST_CASE("status text: allowlisted and expired entries are shown") {
    StatusInput in = base();
    Finding f = red_miner();
    f.signals.clear();
    f.color = Color::green;
    f.suppressed_by = {"miningrisk.cfg:5 EXE=/opt/bench/xmrig (reason: CPU benchmark; expires 2099-12-31)"};
    in.verdict.findings = {f};
    in.verdict.allow_matched = f.suppressed_by;
    in.verdict.allow_expired = {"miningrisk.cfg:9 EXE=/old (reason: gone; expires 2020-01-01)"};
    std::string msg = build_status_message(in);
    CHECK(msg.find(" green no miner found (123 processes, 45 sockets checked; 1 allowlisted)\n") != std::string::npos);
    CHECK(msg.find("Allowlisted (suppressed by policy)") != std::string::npos);
    CHECK(msg.find("CPU benchmark") != std::string::npos);
    CHECK(msg.find("EXPIRED miningrisk.cfg:9") != std::string::npos);
    CHECK(msg.find("findings : 0\n") != std::string::npos);
}

TEST_CASE("status text: hostile process names are escaped everywhere") {
    StatusInput in = base();
    Finding f = red_miner();
    f.comm = "&red <img src=x onerror=alert(1)>";
    f.user = "<b>";
    f.argv = {"x", "\n&red fake line", "</table><script>"};
    f.signals.push_back({"miner_name", Strength::strong, "\n&green all clear"});
    f.pool = "<a href=x>";
    in.verdict.findings = {f};
    in.verdict.color = Color::red;
    std::string msg = build_status_message(in);
    CHECK(msg.find("<img") == std::string::npos);
    CHECK(msg.find("<script") == std::string::npos);
    CHECK(msg.find("<a href=x>") == std::string::npos);
    CHECK(msg.find("&lt;b&gt; (uid 33)") != std::string::npos);
    CHECK(msg.find("&amp;red &lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK_FALSE(any_line_starts_with_amp_color(msg));
    std::string first = msg.substr(0, msg.find('\n'));
    CHECK(first.find("&amp;red &lt;img") != std::string::npos);
}

TEST_CASE("status text: many findings are bounded and counted") {
    StatusInput in = base();
    for (int i = 0; i < 100; ++i) {
        Finding f = red_miner();
        f.pid = 1000 + i;
        in.verdict.findings.push_back(f);
    }
    in.verdict.color = Color::red;
    std::string msg = build_status_message(in);
    CHECK(msg.find("(+99 more)") != std::string::npos);
    CHECK(msg.find("60 more findings not shown") != std::string::npos);
    CHECK(msg.find("findings : 100\n") != std::string::npos);
    CHECK(msg.size() < 200000);
    CHECK(msg.find("more findings than it reports") == std::string::npos);

    // The client sent only its worst findings: the headline, the text and the graph count the rest.
    in.findings_unreported = 9900;
    msg = build_status_message(in);
    CHECK(msg.find("(+9999 more)") != std::string::npos);
    CHECK(msg.find("The client found 9900 more findings than it reports") != std::string::npos);
    CHECK(msg.find("findings : 10000\n") != std::string::npos);
}
