// Throughput and memory of the server worker: N synthetic client-channel messages (9 in 10 from
// miningrisk-client with 0-3 findings, 1 in 10 a stock client message for agentless scoring)
// through the channel reader, message parser, central policy and status builder, in-process and
// without sending. Target: >= 5000 messages/s on one core, flat memory.
//   bench_worker [N=100000] [RULES_DIR=client-tests/share/rules]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "xymon/channel_reader.h"
#include "xymon/message.h"
#include "server/server_worker.h"

using namespace mr;

namespace {

long rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

std::string miningrisk_body(std::mt19937& rng, int i) {
    ClientReport r;
    r.agent = "miningrisk-client/0.1.0";
    r.host = "placeholder";
    r.time = 1795730365 + i;
    r.procs = 100 + static_cast<int>(rng() % 400);
    r.sockets = 20 + static_cast<int>(rng() % 200);
    r.cores = 4;
    r.visibility_full = rng() % 20 != 0;
    if (!r.visibility_full) r.visibility_reasons = {"no CAP_SYS_PTRACE"};
    int nf = static_cast<int>(rng() % 4);
    for (int k = 0; k < nf; ++k) {
        Finding f;
        f.pid = 1000 + static_cast<int>(rng() % 30000);
        f.ppid = 1;
        f.user = k % 2 ? "www-data" : "bench";
        f.comm = k % 2 ? "xmrig" : "kworkerx";
        f.exe = k % 2 ? "/tmp/.x/xmrig" : "/opt/bench/xmrig";
        f.argv = {f.exe, "-o", "203.0.113.5:3333", "--donate-level", "1"};
        f.cores = (rng() % 200) / 100.0;
        f.pool = k % 2 ? "203.0.113.5:3333" : "";
        f.signals = {{"miner_name", Strength::strong, "comm " + f.comm}, {"thread_pegged", Strength::weak, "1 thread"}};
        if (!f.pool.empty()) f.signals.push_back({"pool_connection", Strength::strong, f.pool + " ESTABLISHED"});
        r.findings.push_back(std::move(f));
    }
    for (int k = 0; k < 5; ++k) r.top.push_back({800 + k, "mysql", "mysqld", "/usr/sbin/mysqld", 0.5, 0.2, 30});
    std::string text = build_client_message(r);
    return text;
}

std::string stock_body(std::mt19937& rng) {
    std::string s = "client placeholder.linux linux\n[ps]\n"
                    "  PID  PPID USER      STARTED S PRI %CPU         TIME %MEM        RSZ        VSZ CMD\n";
    for (int p = 1; p < 120; ++p)
        s += "  " + std::to_string(p) + "     1 root     22:28:48 S  19  0." + std::to_string(rng() % 10) +
             "     00:00:00  0.0       1000       2000  \\_ /usr/sbin/daemon" + std::to_string(p) + " --flag\n";
    s += "[ports]\n";
    for (int p = 0; p < 30; ++p) s += "tcp        0      0 10.0.0.5:" + std::to_string(40000 + p) + "          10.0.0.9:443        ESTABLISHED\n";
    s += "[nproc]\n4\n";
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    long n = argc > 1 ? std::atol(argv[1]) : 100000;
    std::string rules = argc > 2 ? argv[2] : "client-tests/share/rules";
    char policy_path[] = "/tmp/bench-worker-policy-XXXXXX";
    int fd = mkstemp(policy_path);
    if (fd < 0) return 2;
    close(fd);
    std::ofstream(policy_path) << "DEFAULT\n WEIGHT thread_pegged=weak\n"
                                  "HOST=%^host-1[0-9]$\n ALLOW EXE=/opt/bench/xmrig USER=bench REASON=bench EXPIRES=2099-01-01\n"
                                  "HOST=%^host-9\n EXPECTED REASON=lab\n";
    WorkerOptions opt;
    opt.policy_path = policy_path;
    opt.rules_dir = rules;
    // "incidents": the live worker's incident state and ECS events too, in a scratch directory.
    bool incidents = argc > 3 && std::string(argv[3]) == "incidents";
    char inc_dir[] = "/tmp/bench-worker-incidents-XXXXXX";
    if (incidents) {
        if (!mkdtemp(inc_dir)) return 2;
        opt.incidents_dir = inc_dir;
        opt.siem_config = std::string(inc_dir) + "/siem.cfg";
        std::ofstream(opt.siem_config) << "events = " << inc_dir << "/events.ndjson\n";
    }
    ServerWorker worker(opt);
    worker.init();

    std::mt19937 rng(42);
    std::vector<std::string> mr_bodies, stock_bodies;
    for (int i = 0; i < 500; ++i) mr_bodies.push_back(miningrisk_body(rng, i));
    for (int i = 0; i < 20; ++i) stock_bodies.push_back(stock_body(rng));

    ChannelReader reader;
    std::vector<std::string> out;
    std::string chunk;
    ChannelMessage msg;
    size_t statuses = 0, status_bytes = 0;
    long rss_start = 0;
    auto t0 = std::chrono::steady_clock::now();
    auto run = [&](long from, long to) {
        for (long i = from; i < to; ++i) {
            bool stock = i % 10 == 9;
            std::string host = "host-" + std::to_string(i % 10000);
            // Stock messages come from hosts without the client (a separate name range).
            if (stock) host = "agentless-" + std::to_string(i % 1000);
            chunk += "@@client#" + std::to_string(i) + "/" + host + "|1795730365.1|127.0.0.1|" + host + "|linux|linux|" +
                     (stock ? "" : "miningrisk") + "\n";
            chunk += stock ? stock_bodies[i % stock_bodies.size()] : mr_bodies[i % mr_bodies.size()];
            chunk += "@@\n";
            if (chunk.size() > 64 * 1024 || i + 1 == to) {
                reader.feed(chunk);
                chunk.clear();
                while (reader.next(msg)) worker.handle(msg, 1795730365, out);
                for (const auto& s : out) status_bytes += s.size();
                statuses += out.size();
                out.clear();
            }
        }
    };
    long warm = std::min<long>(n, 20000);
    run(0, warm);  // fills the per-host tables, so the start figure is the steady state
    rss_start = rss_kb();
    t0 = std::chrono::steady_clock::now();
    run(warm, n);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    long measured = n - warm;
    std::printf("worker%s msgs_per_sec=%.0f rss_kb_start=%ld rss_kb_end=%ld messages=%ld statuses=%zu avg_status_bytes=%zu\n",
                incidents ? "+incidents" : "", measured > 0 && secs > 0 ? measured / secs : 0.0, rss_start, rss_kb(), n, statuses,
                statuses ? status_bytes / statuses : 0);
    unlink(policy_path);
    if (incidents) std::system((std::string("rm -rf ") + inc_dir).c_str());
    return 0;
}
