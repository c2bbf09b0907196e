#include <doctest/doctest.h>

#include <string>

#include "xymon/message.h"

using namespace mr;

namespace {
ClientReport sample_report() {
    ClientReport r;
    r.agent = "miningrisk-client/0.1.0";
    r.host = "web01.example.com";
    r.time = 1795730365;
    r.interval = 300;
    r.ioc_version = "20261126T2300Z-abcd";
    r.color = Color::red;
    r.cores = 2;
    r.busy_cores = 1.95;
    r.procs = 123;
    r.sockets = 45;
    Finding f;
    f.pid = 4316;
    f.user = "www-data";
    f.comm = "&red <b>x</b>";
    f.exe = "/tmp/.x/xmrig";
    f.argv = {"./xmrig", "-o", "stratum+tcp://203.0.113.5:3333", "arg with\nnewline"};
    f.cores = 1.92;
    f.pool = "203.0.113.5:3333";
    f.color = Color::red;
    f.signals = {{"pool_connection", Strength::strong, "203.0.113.5:3333 ESTABLISHED"},
                 {"miner_name", Strength::strong, "comm xmrig"}};
    r.findings.push_back(f);
    r.top.push_back({4316, "www-data", "xmrig", "/tmp/.x/xmrig", 1.92, 0.98, 2});
    return r;
}
}  // namespace

TEST_CASE("message: build then parse keeps every field") {
    ClientReport in = sample_report();
    std::string text = build_client_message(in);
    CHECK(text.rfind("client/miningrisk web01.example.com.linux linux\n", 0) == 0);
    ClientReport out;
    REQUIRE(parse_client_message(text, out).has_value());
    CHECK(out.version == kMessageVersion);
    CHECK(out.host == "web01.example.com");
    CHECK(out.color == Color::red);
    CHECK(out.ioc_version == in.ioc_version);
    CHECK(out.procs == 123);
    REQUIRE(out.findings.size() == 1);
    const Finding& f = out.findings[0];
    CHECK(f.pid == 4316);
    CHECK(f.comm == "&red <b>x</b>");
    CHECK(f.argv == in.findings[0].argv);
    CHECK(f.cores == doctest::Approx(1.92));
    REQUIRE(f.signals.size() == 2);
    CHECK(f.signals[0].id == "pool_connection");
    CHECK(f.signals[0].strength == Strength::strong);
    REQUIRE(out.top.size() == 1);
    CHECK(out.top[0].max_thread_cores == doctest::Approx(0.98));
}

TEST_CASE("message: host text cannot forge lines, sections or colour icons") {
    ClientReport in = sample_report();
    in.findings[0].comm = "x\n[findings]\npid=1 color=red\n&red fake";
    std::string text = build_client_message(in);
    // Every line after the first is a section header or a record; none starts with '&'.
    size_t pos = text.find('\n') + 1;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl - pos);
        CHECK(line.rfind("&", 0) != 0);
        pos = nl + 1;
    }
    ClientReport out;
    REQUIRE(parse_client_message(text, out).has_value());
    CHECK(out.findings.size() == 1);
    CHECK(out.findings[0].comm == in.findings[0].comm);
}

TEST_CASE("message: garbage and truncation never crash and say why") {
    ClientReport out;
    CHECK_FALSE(parse_client_message("", out).has_value());
    CHECK_FALSE(parse_client_message("\xff\xfe garbage [[[ ]]] ===", out).has_value());
    std::string text = build_client_message(sample_report());
    for (size_t cut = 0; cut < text.size(); cut += 7) {
        ClientReport partial;
        parse_client_message(text.substr(0, cut), partial);  // must not throw or crash
    }
    ClientReport bad;
    Status r = parse_client_message("[miningrisk]\nversion=zero\n", bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("version") != std::string::npos);
}

TEST_CASE("message: bounded even when a host reports thousands of findings") {
    ClientReport in = sample_report();
    in.findings.resize(5000, in.findings[0]);
    for (size_t i = 0; i < in.findings.size(); ++i) in.findings[i].pid = static_cast<int>(i + 1);
    in.findings[0].argv.assign(1, std::string(100000, 'A'));
    std::string text = build_client_message(in);
    CHECK(text.size() < 400 * 1024);  // xymond's client channel buffer is 512 KB
    ClientReport out;
    REQUIRE(parse_client_message(text, out).has_value());
    CHECK(out.findings.size() == kMaxFindings);
    CHECK(out.findings_found == 5000);   // the server can still say how many were left out
}

TEST_CASE("message: the findings count of an older client is what it sent") {
    ClientReport in = sample_report();
    std::string text = build_client_message(in);
    size_t at = text.find(" found=");
    REQUIRE(at != std::string::npos);
    text.erase(at, text.find('\n', at) - at);   // a version 1 sender from before the key
    ClientReport out;
    REQUIRE(parse_client_message(text, out).has_value());
    CHECK(out.findings_found == static_cast<int>(in.findings.size()));
    // A count below what was sent is not believed.
    in.findings_found = 0;
    ClientReport again;
    REQUIRE(parse_client_message(build_client_message(in), again).has_value());
    CHECK(again.findings_found == static_cast<int>(in.findings.size()));
}

TEST_CASE("message: the incident keys (cpu, start, exe times, parent chain) round-trip; old messages lack them") {
    ClientReport r;
    r.host = "web01";
    r.time = 1796277600;
    Finding f;
    f.pid = 4316;
    f.comm = "xmrig";
    f.cpu_seconds = 14400.25;
    f.start_ticks = 987654321;
    f.start_time = 1796270000;
    f.exe_mtime = 1796260000;
    f.exe_ctime = 1796260001;
    f.parent_chain = {"php-fpm8.2", "sys\ntemd"};
    f.color = Color::red;
    r.findings.push_back(f);
    ClientReport back;
    REQUIRE(parse_client_message(build_client_message(r), back).has_value());
    REQUIRE(back.findings.size() == 1);
    const Finding& b = back.findings[0];
    CHECK(b.cpu_seconds == doctest::Approx(14400.25));
    CHECK(b.start_ticks == 987654321u);
    CHECK(b.start_time == 1796270000);
    CHECK(b.exe_mtime == 1796260000);
    CHECK(b.exe_ctime == 1796260001);
    CHECK(b.parent_chain == std::vector<std::string>{"php-fpm8.2", "sys\ntemd"});
    ClientReport old;
    REQUIRE(parse_client_message("[miningrisk]\nversion=1 time=5\n[findings]\npid=7 comm=x color=red\n", old).has_value());
    CHECK(old.findings[0].cpu_seconds < 0);
    CHECK(old.findings[0].start_time == 0);
    CHECK(old.findings[0].parent_chain.empty());
}
