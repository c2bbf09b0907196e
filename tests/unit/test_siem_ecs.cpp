#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "siem/ecs_event.h"
#include "siem/ecs_line.h"
#include "siem/siem_config.h"
#include "siem/syslog_format.h"

using namespace mr;
using nlohmann::json;

namespace {

EcsContext ctx() {
    EcsContext c;
    c.host = "web01";
    c.report_time = 1796277600;
    c.ioc_version = "2026.12.1";
    c.incident_id = "web01-20261203T060000Z";
    return c;
}

Finding hostile() {
    Finding f;
    f.pid = 4316;
    f.ppid = 812;
    f.parent_comm = "apache2";
    f.user = "www-data";
    f.uid = 33;
    f.comm = std::string("xm\"r\nig</script>\xff", 17);
    f.exe = "/tmp/.x/xmrig";
    f.argv = {"./xmrig", "-o", "203.0.113.5:3333", "line\nbreak"};
    f.pool = "203.0.113.5:3333";
    f.color = Color::red;
    f.start_ticks = 5;
    f.start_time = 1796270000;
    f.signals = {{"pool_connection", Strength::strong, "203.0.113.5:3333 ESTABLISHED"}};
    return f;
}

}  // namespace

TEST_CASE("ECS finding: one valid JSON line, ECS fields, host text as data") {
    std::string line = ecs_line(ecs_finding(ctx(), hostile()));
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find("</script>") == std::string::npos);
    json j = json::parse(line);  // throws on invalid JSON
    CHECK(j["ecs"]["version"] == kEcsVersion);
    CHECK(j["@timestamp"] == "2026-12-03T06:00:00.000Z");
    CHECK(j["event"]["kind"] == "alert");
    CHECK(j["event"]["category"] == json::array({"malware", "process", "network"}));
    CHECK(j["event"]["type"] == json::array({"info", "connection"}));
    CHECK(j["host"].is_object());
    CHECK(j["host"]["name"] == "web01");
    CHECK(j["process"]["name"] == "xm\"r\nig</script>\xef\xbf\xbd");
    CHECK(j["process"]["args"].is_array());
    CHECK(j["process"]["parent"]["name"] == "apache2");
    CHECK(j["process"]["start"] == "2026-12-03T03:53:20.000Z");
    CHECK(j["destination"]["ip"] == "203.0.113.5");
    CHECK(j["destination"]["port"] == 3333);
    CHECK(j["threat"]["framework"] == "MITRE ATT&CK");
    CHECK(j["threat"]["technique"]["id"] == json::array({"T1496"}));
    CHECK(j["threat"]["indicator"]["ip"] == "203.0.113.5");
    CHECK(j["threat"]["indicator"]["provider"] == "miningrisk pool list 2026.12.1");
    CHECK(j["rule"]["id"] == "pool_connection");
    CHECK(j["miningrisk"]["incident"]["id"] == "web01-20261203T060000Z");
}

TEST_CASE("ECS event.id is deterministic: the same report gives the same id, another report another") {
    std::string a = json::parse(ecs_line(ecs_finding(ctx(), hostile())))["event"]["id"];
    std::string b = json::parse(ecs_line(ecs_finding(ctx(), hostile())))["event"]["id"];
    EcsContext later = ctx();
    later.report_time += 300;
    std::string c = json::parse(ecs_line(ecs_finding(later, hostile())))["event"]["id"];
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a.size() == 32);
}

TEST_CASE("ECS line cap: a huge command line is shortened with a marker, never dropped") {
    Finding f = hostile();
    f.argv.push_back(std::string(100000, 'A'));
    std::string line = ecs_line(ecs_finding(ctx(), f), 4096);
    CHECK(line.size() <= 4096);
    json j = json::parse(line);
    CHECK(j["miningrisk"]["truncated"] == true);
    CHECK(j["miningrisk"]["original_bytes"].get<size_t>() > 100000);
    CHECK(j["event"]["id"].is_string());
    CHECK(j["process"]["pid"] == 4316);
    // Below the cap nothing changes and there is no marker.
    CHECK_FALSE(json::parse(ecs_line(ecs_finding(ctx(), hostile())))["miningrisk"].contains("truncated"));
}

TEST_CASE("ECS status change and incident events: kind/category/type combinations") {
    json red = json::parse(ecs_line(ecs_status_change(ctx(), Color::green, Color::red, "xmrig (pid 4316)")));
    CHECK(red["event"]["kind"] == "alert");
    CHECK(red["event"]["category"] == json::array({"malware", "process"}));
    CHECK(red["event"]["type"] == json::array({"info"}));
    json green = json::parse(ecs_line(ecs_status_change(ctx(), Color::red, Color::green, "no miner found")));
    CHECK(green["event"]["kind"] == "event");
    CHECK(green["event"]["category"] == json::array({"host"}));
    CHECK(green["event"]["type"] == json::array({"change"}));
    json opened = json::parse(ecs_line(ecs_incident_event(ctx(), {1796277600, "worker", "first_red", "opened"}, "open")));
    CHECK(opened["event"]["type"] == json::array({"start"}));
    CHECK(opened["event"]["action"] == "incident-first_red");
    json closed = json::parse(ecs_line(ecs_incident_event(ctx(), {1796277900, "worker", "recovered", "done"}, "recovered")));
    CHECK(closed["event"]["type"] == json::array({"end"}));
    // The same words twice in one second (clean cycle 1 of 3, a reset, clean cycle 1 of 3): two ids.
    TimelineEvent clean{1796277900, "worker", "clean_cycle", "clean cycle 1 of 3"};
    json first = json::parse(ecs_line(ecs_incident_event(ctx(), clean, "recovering")));
    json again = json::parse(ecs_line(ecs_incident_event(ctx(), clean, "recovering", 1)));
    CHECK(first["event"]["id"] != again["event"]["id"]);
    CHECK(first["event"]["id"] == json::parse(ecs_line(ecs_incident_event(ctx(), clean, "recovering")))["event"]["id"]);
}

TEST_CASE("RFC 5424: header fields printable ASCII, TCP octet counting") {
    std::string r = syslog_5424(1796277600, "web 01\n", "finding", SyslogSeverity::crit, "{\"a\":1}");
    CHECK(r == "<130>1 2026-12-03T06:00:00.000Z web_01_ miningrisk - finding - {\"a\":1}");
    CHECK(syslog_octet_frame("abc") == "3 abc");
    CHECK(syslog_5424(1, "", "", SyslogSeverity::info, "m").find(" - miningrisk - - - m") != std::string::npos);
}

TEST_CASE("SIEM config: defaults, syslog targets, errors with FILE:LINE") {
    auto c = parse_siem_config("", "s.cfg");
    REQUIRE(c);
    CHECK(c->events_path == "/var/log/xymon/miningrisk/events.ndjson");
    CHECK(c->syslog_proto.empty());
    c = parse_siem_config("syslog = tcp://127.0.0.1:5514\nmax_line = 4096 # small\n", "s.cfg");
    REQUIRE(c);
    CHECK(c->syslog_proto == "tcp");
    CHECK(c->syslog_port == 5514);
    CHECK(c->max_line == 4096);
    c = parse_siem_config("events = /tmp/x\nsyslog = udp://loghost:514\n", "s.cfg");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.rfind("s.cfg:2: syslog address must be an IP address", 0) == 0);
    CHECK_FALSE(parse_siem_config("bogus = 1\n", "s.cfg"));
}
