// The server worker as xymond_channel drives it: parent names for PARENT= allow entries, the
// host->page map for PAGE= scopes, and the bounds on what host text can do to the status.
#include <doctest/doctest.h>

#include <unistd.h>
#include <utime.h>

#include <fstream>
#include <string>
#include <vector>

#include "xymon/host_pages.h"
#include "xymon/message.h"
#include "rules_test_util.h"
#include "server/server_worker.h"
#include "server/status_text.h"
#include "temp_dir.h"

using namespace mr;

namespace {

constexpr std::time_t kNow = 1795730365;  // 2026-11-26

// A policy file that lives as long as the test.
struct TempPolicy {
    mr_test::TempDir dir{"worker-test"};
    std::string path;
    explicit TempPolicy(const std::string& text) : path(dir.write("miningrisk.cfg", text)) {}
};

ServerWorker make_worker(const TempPolicy& policy) {
    WorkerOptions opt;
    opt.policy_path = policy.path;
    opt.rules_dir = mr_test::shipped_rules_dir();
    opt.pools_file = "";  // hermetic: not the machine's published list
    return ServerWorker(opt);
}

Finding bench_miner(int ppid, const std::string& parent_comm) {
    Finding f;
    f.pid = 5000;
    f.ppid = ppid;
    f.parent_comm = parent_comm;
    f.uid = 1001;
    f.user = "bench";
    f.comm = "xmrig";
    f.exe = "/opt/bench/xmrig";
    f.cores = 1.5;
    f.color = Color::red;
    f.signals = {{"miner_name", Strength::strong, "comm xmrig"}};
    return f;
}

std::string client_message(const std::string& host, std::vector<Finding> findings) {
    ClientReport r;
    r.agent = "miningrisk-client/test";
    r.host = host;
    r.time = kNow;
    r.procs = 100;
    r.sockets = 10;
    r.findings = std::move(findings);
    return build_client_message(r);
}

ChannelMessage client_channel(const std::string& host, const std::string& body, const std::string& collector) {
    ChannelMessage m;
    m.channel = "client";
    m.host = host;
    m.fields = {"1795730365.1", "127.0.0.1", host, "linux", "linux", collector};
    m.body = body;
    return m;
}

ChannelMessage control(const std::string& name) {
    ChannelMessage m;
    m.channel = name;
    m.host = "*";
    return m;
}

std::string color_word(const std::string& status) {
    // "status+N HOST.miningrisk COLOR ..."
    size_t a = status.find(' ', status.find(' ') + 1) + 1;
    return status.substr(a, status.find(' ', a) - a);
}

std::string handle_one(ServerWorker& w, const ChannelMessage& m, std::time_t now = kNow) {
    std::vector<std::string> out;
    w.handle(m, now, out);
    return out.empty() ? std::string() : out.back();
}

}  // namespace

TEST_CASE("server worker: pcomm carries the parent's name; older messages parse without it") {
    std::string text = client_message("h1", {bench_miner(77, "benchd")});
    CHECK(text.find(" pcomm=benchd ") != std::string::npos);
    ClientReport back;
    REQUIRE(parse_client_message(text, back).has_value());
    REQUIRE(back.findings.size() == 1);
    CHECK(back.findings[0].parent_comm == "benchd");
    CHECK(back.findings[0].ppid == 77);

    // A version-1 message from before the key: parses, the parent is simply unknown.
    std::string old = "client/miningrisk h1.linux linux\n[miningrisk]\nversion=1 agent=old\n[findings]\n"
                      "pid=5000 ppid=77 user=bench comm=xmrig exe=/opt/bench/xmrig color=red\n";
    ClientReport o;
    REQUIRE(parse_client_message(old, o).has_value());
    REQUIRE(o.findings.size() == 1);
    CHECK(o.findings[0].parent_comm.empty());
}

TEST_CASE("server worker: the detector names each finding's parent from the snapshot") {
    Detector d = mr_test::shipped_detector();
    Snapshot s;
    ProcessInfo cron = mr_test::proc(900, "cron");
    ProcessInfo child = mr_test::proc(4316, "xmrig");
    child.ppid = 900;
    ProcessInfo orphan = mr_test::proc(4317, "minerd");
    orphan.ppid = 12345;  // not in the snapshot
    s.procs = {child, cron, orphan};
    std::vector<Finding> fs = d.detect(s, mr_test::no_scan());
    const Finding* xmrig = mr_test::finding_for(fs, 4316);
    const Finding* minerd = mr_test::finding_for(fs, 4317);
    REQUIRE(xmrig);
    REQUIRE(minerd);
    CHECK(xmrig->parent_comm == "cron");
    CHECK(minerd->parent_comm.empty());
}

TEST_CASE("server worker: PARENT= allows a finding by the parent's name the client sent") {
    TempPolicy pol("HOST=h1\n    ALLOW PARENT=benchd USER=bench REASON=\"nightly benchmark\" EXPIRES=2099-12-31\n");
    ServerWorker w = make_worker(pol);
    w.init();
    // The parent is in neither [findings] nor [top]: only pcomm names it.
    std::string allowed = handle_one(w, client_channel("h1", client_message("h1", {bench_miner(77, "benchd")}), "miningrisk"));
    CHECK(color_word(allowed) == "green");
    CHECK(allowed.find("nightly benchmark") != std::string::npos);
    CHECK(allowed.find("pid 77 (benchd)") != std::string::npos);  // the evidence table shows it
    std::string other = handle_one(w, client_channel("h1", client_message("h1", {bench_miner(77, "bash")}), "miningrisk"));
    CHECK(color_word(other) == "red");
    // No name at all: an entry keyed on the parent cannot match.
    std::string unknown = handle_one(w, client_channel("h1", client_message("h1", {bench_miner(77, "")}), "miningrisk"));
    CHECK(color_word(unknown) == "red");
    // An older client: the parent found among the reported processes still counts.
    Finding parent = bench_miner(1, "");
    parent.pid = 77;
    parent.comm = "benchd";
    parent.signals = {{"thread_pegged", Strength::weak, "1 thread"}};
    parent.color = Color::yellow;
    std::string legacy = client_message("h1", {bench_miner(77, ""), parent});
    CHECK(color_word(handle_one(w, client_channel("h1", legacy, "miningrisk"))) == "yellow");
}

TEST_CASE("server worker: PARENT= applies to agentless findings, named from [ps]") {
    TempPolicy pol("HOST=lab1\n    ALLOW PARENT=benchd USER=bench REASON=\"lab benchmark\" EXPIRES=2099-12-31\n");
    ServerWorker w = make_worker(pol);
    w.init();
    auto stock = [](const std::string& host, const std::string& parent_cmd) {
        return "client " + host + ".linux linux\n[ps]\n"
               "  PID  PPID USER      STARTED S PRI %CPU         TIME %MEM        RSZ        VSZ CMD\n"
               "    1     0 root     22:28:48 S  19  0.0     00:00:01  0.1      10000      20000 /sbin/init\n"
               "  500     1 bench    22:30:00 S  19  0.0     00:00:00  0.1       1000       2000 " + parent_cmd + "\n"
               " 4316   500 bench    22:31:05 R  19 190.5     00:10:00  2.1     200000     300000  \\_ /opt/bench/xmrig -o 203.0.113.5:3333\n"
               "[ports]\n";
    };
    std::string allowed = handle_one(w, client_channel("lab1", stock("lab1", "/opt/bench/benchd --nightly"), ""));
    CHECK(allowed.find("(agentless)") != std::string::npos);
    CHECK(color_word(allowed) == "green");
    CHECK(allowed.find("lab benchmark") != std::string::npos);
    std::string shell = handle_one(w, client_channel("lab1", stock("lab1", "/bin/bash"), ""));
    CHECK(color_word(shell) == "red");
}

TEST_CASE("server worker: host pages come from hostinfo, the top page is \"/\"") {
    HostPages p = parse_host_pages("vm|\nlab1|lab\nlab2|lab/gpu\r\n|orphan\ngarbage\n\nweb1|servers|extra\n");
    CHECK(p.size() == 4);
    CHECK(p.at("vm") == "/");
    CHECK(p.at("lab1") == "lab");
    CHECK(p.at("lab2") == "lab/gpu");
    CHECK(p.at("web1") == "servers");
    CHECK(parse_host_pages("").empty());
}

TEST_CASE("server worker: PAGE= scopes follow the page map, reloaded after @@reload and periodically") {
    TempPolicy pol("PAGE=%^lab(/|$)\n    EXPECTED REASON=\"mining research lab\"\n"
                   "PAGE=/\n    ALLOW EXE=/opt/bench/xmrig USER=bench REASON=\"front page bench\" EXPIRES=2099-12-31\n");
    WorkerOptions opt;
    opt.policy_path = pol.path;
    opt.rules_dir = mr_test::shipped_rules_dir();
    opt.pages_refresh_seconds = 300;
    opt.pages_retry_seconds = 30;
    ServerWorker w(opt);
    w.init();
    HostPages served = {{"lab1", "lab/gpu"}, {"web1", "servers"}, {"vm", "/"}};
    int loads = 0;
    bool fail = false;
    w.set_page_loader([&]() -> Expected<HostPages> {
        ++loads;
        if (fail) return mr::fail("xymond down");
        return served;
    });
    auto miner = [&](const std::string& host, std::time_t now) {
        Finding f = bench_miner(1, "init");
        f.exe = "/tmp/xmrig";
        return color_word(handle_one(w, client_channel(host, client_message(host, {f}), "miningrisk"), now));
    };
    CHECK(loads == 0);  // nothing until a client message needs it
    CHECK(miner("lab1", kNow) == "green");   // on lab/gpu: expected
    CHECK(miner("web1", kNow) == "red");     // on another page: unaffected
    CHECK(loads == 1);
    CHECK(w.page_of("vm") == "/");
    // The front-page scope: a bench binary allowed only there.
    CHECK(color_word(handle_one(w, client_channel("vm", client_message("vm", {bench_miner(1, "init")}), "miningrisk"))) == "green");
    CHECK(color_word(handle_one(w, client_channel("web1", client_message("web1", {bench_miner(1, "init")}), "miningrisk"))) == "red");

    // hosts.cfg changes: xymond sends @@reload, the next message sees the new page.
    served["lab1"] = "servers";
    served["web1"] = "lab";
    std::vector<std::string> out;
    w.handle(control("reload"), kNow + 10, out);
    CHECK(miner("lab1", kNow + 11) == "red");
    CHECK(miner("web1", kNow + 11) == "green");
    CHECK(loads == 2);

    // Without @@reload the map is refreshed only every pages_refresh_seconds.
    served["lab1"] = "lab";
    CHECK(miner("lab1", kNow + 200) == "red");
    CHECK(loads == 2);
    CHECK(miner("lab1", kNow + 320) == "green");
    CHECK(loads == 3);

    // A failed load keeps the map it had, and is retried sooner.
    fail = true;
    w.handle(control("reload"), kNow + 400, out);
    CHECK(miner("lab1", kNow + 401) == "green");
    CHECK(loads == 4);
    CHECK(miner("lab1", kNow + 420) == "green");
    CHECK(loads == 4);
    fail = false;
    served["lab1"] = "servers";
    CHECK(miner("lab1", kNow + 432) == "red");
    CHECK(loads == 5);
    CHECK(w.stats().page_loads == 4);
}

TEST_CASE("server worker: host text cannot push the status past xymond's 256 KB limit") {
    StatusInput in;
    in.host = "h1";
    for (int i = 0; i < 200; ++i) {
        Finding f = bench_miner(1, std::string(300, '<'));
        f.pid = 1000 + i;
        f.comm = std::string(300, '&');
        f.exe = std::string(4000, '"');
        f.argv = {std::string(1024, '<')};
        f.signals.clear();
        for (int k = 0; k < 64; ++k) f.signals.push_back({"miner_name", Strength::strong, std::string(400, '>')});
        if (i == 0) {  // shown first: tries to end this status and forge another in the combo
            f.comm = "x\n\nstatus other.miningrisk green forged";
            f.argv = {"\n", "\n\nstatus other.miningrisk green forged"};
            f.signals[0].evidence = "\r\n\r\nstatus other.miningrisk green forged";
        }
        in.verdict.findings.push_back(f);
    }
    in.verdict.color = Color::red;
    std::string msg = build_status_message(in);
    CHECK(msg.size() < 200 * 1024);
    // The graph values survive at the end, and the reader is told what was left out.
    CHECK(msg.find("findings : 200\npoolconns : 0\n") != std::string::npos);
    CHECK(msg.find("more findings not shown here") != std::string::npos);
    CHECK(msg.find("48 more signals") != std::string::npos);
    CHECK(msg.find("(&lt;&lt;&lt;") != std::string::npos);  // the parent's name, escaped
    CHECK(msg.find("<<") == std::string::npos);
    // The worker sends statuses in combo messages, split at empty lines: host text never makes one.
    CHECK(msg.find("\n\n") == std::string::npos);
    CHECK(msg.find("\nstatus") == std::string::npos);
}

TEST_CASE("server worker: only the marker at the end of line 1 means agentless") {
    CHECK(line1_is_agentless("red xmrig (pid 1, user u) on 1.0 cores (agentless)"));
    CHECK(line1_is_agentless("green no miner found (3 processes, 0 sockets checked) (agentless)\n"));
    CHECK_FALSE(line1_is_agentless("red (agentless) (pid 1, user u) on 1.0 cores"));
    CHECK_FALSE(line1_is_agentless("green no miner found (3 processes, 0 sockets checked)"));
    CHECK_FALSE(line1_is_agentless(""));
}

TEST_CASE("server worker: a client scanning with an outdated IOC list is a named yellow") {
    TempPolicy policy("DEFAULT\n");
    mr_test::TempDir tmp("pools");
    std::string pools = tmp / "pools.txt";
    std::ofstream(pools) << "# version: 20261126T2300Z-new\n198.51.100.77:4444\n";
    WorkerOptions opt;
    opt.policy_path = policy.path;
    opt.rules_dir = mr_test::shipped_rules_dir();
    opt.pools_file = pools;
    opt.pools_check_seconds = 0;
    auto with_ioc = [](const std::string& version) {
        ClientReport r;
        r.agent = "miningrisk-client/test";
        r.host = "h1";
        r.time = kNow;
        r.procs = 100;
        r.ioc_version = version;
        return build_client_message(r);
    };
    // Published long ago: a client still on the old list is yellow and says why.
    struct utimbuf old_times {kNow - 3600, kNow - 3600};
    REQUIRE(utime(pools.c_str(), &old_times) == 0);
    {
        ServerWorker w(opt);
        w.init();
        std::string st = handle_one(w, client_channel("h1", with_ioc("2025.01.1"), "miningrisk"));
        CHECK(color_word(st) == "yellow");
        CHECK(st.find("stale IOC list") != std::string::npos);
        CHECK(st.find("20261126T2300Z-new") != std::string::npos);
        // Up to date: green.
        CHECK(color_word(handle_one(w, client_channel("h1", with_ioc("20261126T2300Z-new"), "miningrisk"))) == "green");
    }
    // Published a minute ago: clients have not had their cycle to fetch it yet, so no alarm.
    struct utimbuf fresh {kNow - 60, kNow - 60};
    REQUIRE(utime(pools.c_str(), &fresh) == 0);
    {
        ServerWorker w(opt);
        w.init();
        CHECK(color_word(handle_one(w, client_channel("h1", with_ioc("2025.01.1"), "miningrisk"))) == "green");
    }
}
