// Fuzz target for what xymond_miningrisk reads from the channel: the channel framing, the
// client message sections, the miningrisk message, the stock [ps]/[ports] parsers, the policy
// parser and the status builder. Mutates real-shaped seeds and feeds them in random chunks.
//   fuzz_channel [SECONDS=10] [SEED]      exits 0 when nothing crashed and every invariant held
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "server/agentless.h"
#include "xymon/channel_reader.h"
#include "xymon/client_sections.h"
#include "xymon/message.h"
#include "server/policy.h"
#include "server/status_text.h"

using namespace mr;

namespace {

const char* kSeeds[] = {
    "@@client#4/testhost|1795730365.682396|127.0.0.1|testhost|linux|linux|miningrisk\n"
    "client/miningrisk testhost.linux linux\n[miningrisk]\n"
    "version=1 agent=miningrisk-client/0.1.0 time=1795730365 interval=300 visibility=full ioc=x color=red\n"
    "[host]\ncores=2 busy=1.95 procs=123 threads=456 sockets=78 netns=2\n[findings]\n"
    "pid=4316 ppid=1 uid=33 user=www-data comm=%26red%3Cb%3E exe=/tmp/x cores=1.92 pool=203.0.113.5:3333 color=red argv=a%00b\n"
    "[signals]\npid=4316 id=miner_name strength=strong evidence=comm%0Axmrig\n"
    "[top]\npid=812 user=mysql comm=mysqld cores=0.95\n@@\n",
    "@@client#5/vm|1795730365.1|127.0.0.1|vm|linux|linux|\nclient vm.linux linux\n[ps]\n"
    "  PID  PPID USER      STARTED S PRI %CPU         TIME %MEM        RSZ        VSZ CMD\n"
    "    2     0 root     22:28:48 S  19  0.0     00:00:00  0.0          0          0 [kthreadd]\n"
    " 4316     1 www-data   Nov 20 R  19 190.5     00:10:00  2.1     200000     300000  |   \\_ /tmp/xmrig -o 203.0.113.5:3333\n"
    "[ports]\nActive Internet connections (servers and established)\n"
    "tcp        0      0 10.0.0.5:40000          203.0.113.5:3333        ESTABLISHED\n"
    "tcp6       0      0 :::22                   :::*                    LISTEN\n[nproc]\n2\n@@\n",
    "@@shutdown#5/*|1795730387.780713|xymond|\n@@\n@@reload#6/*|1|xymond|\n@@\n@@drophost#7/vm|1|x|vm\n@@\n",
    "\n[collector:]\nclient vm.linux linux\n[ps]\nx\n[collector:miningrisk]\nclient/miningrisk vm.linux linux\n[miningrisk]\nversion=1\n",
};

const char* kPolicySeed =
    "DEFAULT\n WEIGHT fake_kthread=weak\n ALLOW EXE=%^/(tmp|opt)/(a|b|x)*x USER=%^(www|b) REASON=r EXPIRES=2030-01-01\nHOST=a,b EXHOST=c\n ALLOW EXE=/x USER=%^u REASON=\"r s\" EXPIRES=2030-01-01\n"
    "PAGE=%^lab/ CLASS=linux\n EXPECTED REASON=lab\n THRESHOLD RED_MEDIUM=3 YELLOW_WEAK=2\n";

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string mutate(std::string s, std::mt19937_64& rng) {
    static const char* inserts[] = {"\n@@\n", "@@client#1/x|1|2|x|linux|linux|miningrisk\n", "\n[ps]\n", "\n[findings]\n",
                                    "%", "%0", "=", "\r", "\n", "|", "\\_ ", "[", "]", "\xff\xfe", std::string(1, '\0').c_str()};
    int rounds = 1 + static_cast<int>(rng() % 8);
    for (int r = 0; r < rounds; ++r) {
        size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
        switch (rng() % 7) {
            case 0: if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(rng()); break;
            case 1: s.insert(pos, inserts[rng() % (sizeof inserts / sizeof *inserts)]); break;
            case 2: s.erase(pos, rng() % 64); break;
            case 3: s.resize(pos); break;  // truncated
            case 4: if (s.size() < 200000) s.insert(pos, s.substr(pos, rng() % 4096)); break;  // duplicated span
            case 5: s.insert(pos, std::string(rng() % 20000, static_cast<char>('A' + rng() % 26))); break;  // long line
            case 6: { size_t a = rng() % (s.size() + 1); std::swap(s[pos < s.size() ? pos : 0], s[a < s.size() ? a : 0]); break; }
        }
    }
    return s;
}

void fail(const char* what, const std::string& input) {
    std::fprintf(stderr, "fuzz_channel: invariant broken: %s (input %zu bytes)\n", what, input.size());
    std::ofstream("fuzz_channel-crash.bin", std::ios::binary) << input;
    std::exit(1);
}

void check_status(const std::string& st, const std::string& input) {
    if (st.rfind("status+", 0) != 0) fail("status does not start with status+", input);
    size_t nl = st.find('\n');
    for (size_t pos = nl; pos != std::string::npos && pos + 1 < st.size(); pos = st.find('\n', pos + 1)) {
        if (st[pos + 1] == '&') fail("a status line starts with '&'", input);
        if (st[pos + 1] == '\n') fail("a status has an empty line (would split a combo)", input);
    }
    if (st.find("<img") != std::string::npos || st.find("<script") != std::string::npos) fail("unescaped tag", input);
}

void exercise_message(const ChannelMessage& m, const Policy& policy, const std::string& input) {
    ClientHeader h = client_header(m);
    ClientMessageView v = split_client_sections(m.body);
    parse_client_first_line(v.first_line);
    for (const auto& part : split_collectors(m.body)) split_client_sections(part.text);
    StatusInput in;
    in.host = h.hostname.empty() ? "fuzz" : h.hostname;
    if (h.collector_id == kCollectorId) {
        ClientReport r;
        parse_client_message(m.body, r);
        CommByPid parents;
        for (const auto& t : r.top) parents[t.pid] = t.comm;
        in.interval_seconds = r.interval;
        in.visibility_full = r.visibility_full;
        in.visibility_reasons = r.visibility_reasons;
        in.verdict = apply_policy(policy.effective(in.host, h.config_class, ""), r.findings, r.visibility_full,
                                  "2026-11-26", parents);
    } else {
        AgentlessResult a = snapshot_from_stock_client(m.body, 0);
        in.agentless = true;
        in.procs_checked = static_cast<int>(a.snapshot.procs.size());
        // No detector here: turn every parsed process into a finding so the builder sees host text.
        std::vector<Finding> fs;
        for (size_t i = 0; i < a.snapshot.procs.size() && i < 50; ++i) {
            Finding f;
            f.pid = a.snapshot.procs[i].pid;
            f.comm = a.snapshot.procs[i].comm;
            f.user = a.snapshot.procs[i].user;
            f.argv = a.snapshot.procs[i].argv.to_vector();
            f.cores = a.snapshot.procs[i].cores;
            f.signals = {{"fuzz", Strength::medium, f.comm}};
            fs.push_back(std::move(f));
        }
        in.verdict = apply_policy(EffectivePolicy{}, std::move(fs), a.snapshot.visibility.full, "2026-11-26");
    }
    check_status(build_status_message(in), input);
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::atof(argv[1]) : 10;
    uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : std::random_device{}();
    std::mt19937_64 rng(seed);
    std::vector<std::string> seeds(std::begin(kSeeds), std::end(kSeeds));
    for (const char* f : {"tests/fixtures/stock-client-linux.txt", "tests/fixtures/stock-client-linux-miner.txt"}) {
        std::string s = read_file(f);
        if (!s.empty()) seeds.push_back("@@client#9/vm|1|127.0.0.1|vm|linux|linux|\n" + s + "@@\n");
    }
    Policy policy;
    (void)policy.load_text(kPolicySeed, "seed.cfg");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    uint64_t runs = 0, messages = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        for (int batch = 0; batch < 50; ++batch, ++runs) {
            std::string input = seeds[rng() % seeds.size()];
            if (rng() % 3) input += seeds[rng() % seeds.size()];
            input = mutate(input, rng);
            size_t limit = 64 * 1024 + rng() % (512 * 1024);
            ChannelReader reader(limit);
            for (size_t pos = 0; pos < input.size();) {
                size_t n = 1 + rng() % 9000;
                reader.feed(std::string_view(input).substr(pos, n));
                pos += n;
                ChannelMessage m;
                while (reader.next(m)) {
                    ++messages;
                    if (m.body.size() > limit) fail("message over its bound", input);
                    exercise_message(m, policy, input);
                }
            }
            reader.finish();
            reader.take_log();
            // The same bytes as a policy file and as a bare client message.
            Policy p2;
            (void)p2.load_text(mutate(kPolicySeed, rng), "fuzz.cfg");
            ChannelMessage raw;
            raw.channel = "client";
            raw.body = input.substr(0, 200000);
            raw.fields = {"1", "127.0.0.1", "fuzz", "linux", "linux", rng() % 2 ? "miningrisk" : ""};
            exercise_message(raw, policy, input);
        }
    }
    std::printf("fuzz_channel: %llu inputs, %llu messages, seed %llu, no crash\n", static_cast<unsigned long long>(runs),
                static_cast<unsigned long long>(messages), static_cast<unsigned long long>(seed));
    return 0;
}
