#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "xymon/board.h"

using namespace mr;

namespace {

// A parser's result as the assertions read it: the entries in `out` (none after an error), the
// message in `err`.
bool into(Expected<std::vector<BoardEntry>> r, std::vector<BoardEntry>& out, std::string* err) {
    out = r ? std::move(*r) : std::vector<BoardEntry>{};
    if (!r && err) *err = r.error().message;
    return bool(r);
}

// A real xymondxboard answer (captured on this machine), trimmed to two statuses.
const char* kXmlBoard = R"(<?xml version='1.0' encoding='ISO-8859-1'?>
<StatusBoard>
  <ServerStatus>
    <ServerName>pg-probe</ServerName>
    <Type>miningrisk</Type>
    <Status>red</Status>
    <TestFlags></TestFlags>
    <LastChange>Thu Nov 26 22:45:42 2026</LastChange>
    <LogTime>Thu Nov 26 22:45:42 2026</LogTime>
    <ValidTime>Thu Nov 26 23:15:42 2026</ValidTime>
    <AckTime>N/A</AckTime>
    <DisableTime>N/A</DisableTime>
    <Sender>127.0.0.1</Sender>
    <Cookie>42417</Cookie>
    <MessageSummary><![CDATA[status+30 pg-probe.miningrisk red xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333]]></MessageSummary>
  </ServerStatus>
  <ServerStatus>
    <ServerName>web2</ServerName>
    <Type>miningrisk</Type>
    <Status>green</Status>
    <LastChange>Thu Nov 26 20:00:00 2026</LastChange>
    <AckTime>N/A</AckTime>
    <MessageSummary><![CDATA[status web2.miningrisk green no miner found (123 processes, 45 sockets checked)]]></MessageSummary>
  </ServerStatus>
</StatusBoard>
)";
}  // namespace

TEST_CASE("board: xymondxboard XML gives host, colour, headline and times") {
    std::vector<BoardEntry> b;
    std::string err;
    REQUIRE(into(parse_xml_board(kXmlBoard), b, &err));
    REQUIRE(b.size() == 2);
    CHECK(b[0].host == "pg-probe");
    CHECK(b[0].test == "miningrisk");
    CHECK(b[0].color == "red");
    CHECK(b[0].line1 == "xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333");
    CHECK(b[0].acktime == 0);
    CHECK(b[0].validtime - b[0].lastchange == 1800);
    CHECK(b[1].line1 == "no miner found (123 processes, 45 sockets checked)");
    CHECK(b[0].lastchange - b[1].lastchange == 2 * 3600 + 45 * 60 + 42);
}

TEST_CASE("board: xymondxlog XML carries the full message and the ack") {
    const char* xml = R"(<?xml version='1.0' encoding='ISO-8859-1'?>
<ServerStatus><ServerName>h1</ServerName><Type>miningrisk</Type><Status>red</Status>
<LastChange>Thu Nov 26 22:45:42 2026</LastChange><AckTime>Thu Nov 26 23:45:42 2026</AckTime>
<AckMsg>Investigating miner</AckMsg><DisMsg>N/A</DisMsg>
<Message><![CDATA[red xmrig on 1.9 cores
<table><tr><td>x</td></tr></table>
suspectcores : 1.9]]></Message></ServerStatus>)";
    std::vector<BoardEntry> b;
    REQUIRE(into(parse_xml_board(xml), b, nullptr));
    REQUIRE(b.size() == 1);
    CHECK(b[0].line1 == "xmrig on 1.9 cores");
    CHECK(b[0].message.find("suspectcores : 1.9") != std::string::npos);
    CHECK(b[0].message.rfind("red xmrig", 0) == 0);
    CHECK(b[0].ackmsg == "Investigating miner");
    CHECK(b[0].acktime > b[0].lastchange);
}

TEST_CASE("board: ISO-8859-1 text arrives as UTF-8") {
    std::string xml = "<?xml version='1.0' encoding='ISO-8859-1'?><StatusBoard><ServerStatus>"
                      "<ServerName>h</ServerName><Type>miningrisk</Type><Status>red</Status>"
                      "<MessageSummary><![CDATA[red caf\xe9 miner]]></MessageSummary></ServerStatus></StatusBoard>";
    std::vector<BoardEntry> b;
    REQUIRE(into(parse_xml_board(xml), b, nullptr));
    CHECK(b[0].line1 == "caf\xc3\xa9 miner");
}

TEST_CASE("board: a first line breaking out of its CDATA cannot hide a red host") {
    // What xymond really sends for line 1 "]]></MessageSummary></ServerStatus><ServerStatus>...":
    // the forged record says victim is green; the real victim record is red.
    std::string forged =
        "<?xml version='1.0' encoding='ISO-8859-1'?><StatusBoard>"
        "<ServerStatus><ServerName>victim</ServerName><Type>miningrisk</Type><Status>red</Status>"
        "<MessageSummary><![CDATA[status victim.miningrisk red xmrig]]></MessageSummary></ServerStatus>"
        "<ServerStatus><ServerName>evil</ServerName><Type>miningrisk</Type><Status>green</Status>"
        "<MessageSummary><![CDATA[status evil.miningrisk green ]]></MessageSummary></ServerStatus>"
        "<ServerStatus><ServerName>victim</ServerName><Type>miningrisk</Type><Status>green</Status>"
        "<MessageSummary><![CDATA[x]]></MessageSummary></ServerStatus></StatusBoard>";
    std::vector<BoardEntry> b;
    REQUIRE(into(parse_xml_board(forged), b, nullptr));
    REQUIRE(b.size() == 2);
    CHECK(b[0].host == "victim");
    CHECK(b[0].color == "red");

    // The clumsy version is not well-formed: refused with a reason, nothing half-parsed.
    std::string broken = "<?xml version='1.0'?><StatusBoard><ServerStatus><ServerName>a</ServerName>"
                         "<MessageSummary><![CDATA[x ]]></MessageSummary></ServerStatus> a|b]]></MessageSummary>"
                         "</ServerStatus></StatusBoard>";
    std::string err;
    CHECK_FALSE(into(parse_xml_board(broken), b, &err));
    CHECK(err.find("not well-formed") != std::string::npos);
    CHECK(b.empty());
}

TEST_CASE("board: XML with entities or a DTD expands nothing") {
    std::string xml = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                      "<StatusBoard><ServerStatus><ServerName>h</ServerName><Type>miningrisk</Type>"
                      "<Status>red</Status><MessageSummary>red &e;</MessageSummary></ServerStatus></StatusBoard>";
    std::vector<BoardEntry> b;
    if (into(parse_xml_board(xml), b, nullptr)) {
        REQUIRE(b.size() == 1);
        CHECK(b[0].line1.find("root:") == std::string::npos);
    }
}

TEST_CASE("board: pipe format with xymond's escaping, raw pipes in the ack message") {
    std::string text =
        "h1|miningrisk|red|1795733142|1795733150|1795734950|1795736000|"
        "status+30 h1.miningrisk red xmrig a\\pb on 1.9 cores\\n<table></table>\\nsuspectcores : 1.9|"
        "looking | at it\n"
        "h2|miningrisk|green|1795733000|1795733000|1795734800|0|status h2.miningrisk green ok|\n";
    std::vector<BoardEntry> b;
    std::string err;
    REQUIRE(into(parse_pipe_board(text), b, &err));
    REQUIRE(b.size() == 2);
    CHECK(b[0].line1 == "xmrig a|b on 1.9 cores");
    CHECK(b[0].message == "red xmrig a|b on 1.9 cores\n<table></table>\nsuspectcores : 1.9");
    CHECK(b[0].ackmsg == "looking | at it");
    CHECK(b[0].acktime == 1795736000);
    CHECK(b[0].lastchange == 1795733142);
    CHECK(b[1].acktime == 0);
    CHECK(b[1].line1 == "ok");
}

TEST_CASE("board: bad pipe lines are refused with the line number") {
    std::vector<BoardEntry> b;
    std::string err;
    CHECK_FALSE(into(parse_pipe_board("h|miningrisk|red\n"), b, &err));
    CHECK(err.find("line 1") != std::string::npos);
    CHECK_FALSE(into(parse_pipe_board("h|t|red|x|1|1|0|status h.t red a|\n"), b, &err));
    CHECK(err.find("bad time") != std::string::npos);
}

TEST_CASE("board: parse_board picks the format") {
    std::vector<BoardEntry> b;
    REQUIRE(into(parse_board(std::string("\n  ") + kXmlBoard), b, nullptr));
    CHECK(b.size() == 2);
    REQUIRE(into(parse_board("h|miningrisk|red|1|1|1|0|status h.miningrisk red x|\n"), b, nullptr));
    CHECK(b.size() == 1);
}

TEST_CASE("board: first line split") {
    std::string c, r;
    split_first_line("status+30/group:x h.miningrisk red xmrig on 2 cores", c, r);
    CHECK(c == "red");
    CHECK(r == "xmrig on 2 cores");
    split_first_line("yellow   kworkerds", c, r);
    CHECK(c == "yellow");
    CHECK(r == "kworkerds");
    split_first_line("not a colour", c, r);
    CHECK(c.empty());
    CHECK(r == "not a colour");
}

TEST_CASE("board: history file, newest first, bad lines skipped") {
    std::string text = "Thu Nov 26 22:45:42 2026 red 1795733142 15\n"
                       "garbage line\n"
                       "Thu Nov 26 22:45:57 2026 green 1795733157 100\n"
                       "Thu Nov 26 22:47:37 2026 yellow 1795733257\n";
    auto h = parse_history(text, 10);
    REQUIRE(h.size() == 3);
    CHECK(h[0].color == "yellow");
    CHECK(h[0].duration == -1);
    CHECK(h[2].color == "red");
    CHECK(h[2].duration == 15);
    CHECK(h[2].start == 1795733142);
    CHECK(parse_history(text, 2).size() == 2);
    CHECK(parse_history("", 5).empty());
}

TEST_CASE("board: Xymon time text") {
    CHECK(parse_xymon_time("N/A") == 0);
    CHECK(parse_xymon_time("") == 0);
    CHECK(parse_xymon_time("Thu Nov 26 22:45:57 2026") - parse_xymon_time("Thu Nov 26 22:45:42 2026") == 15);
}
