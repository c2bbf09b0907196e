// Fuzz driver for the detection rules, no libFuzzer needed:
//   fuzz_rules [ITERATIONS=20000] [RULES_DIR=client-tests/share/rules] [SEED]
// Feeds pseudo-random and mutated comm/argv/exe/env/socket/host values (built from fragments
// that reach deep into the rules: stratum URLs, base64, wallets, brackets, IPv6) through the
// Detector, plus raw text through the rule and IOC parsers. Exits 0 if nothing crashed; run it
// under ASan/UBSan for more (make BUILD=... CXXFLAGS='-O1 -g -fsanitize=address,undefined').
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "rules/cmdline_rules.h"
#include "rules/detector.h"
#include "rules/ioc_list.h"
#include "rules/rule_files.h"
#include "rules/wallet_address.h"
#include "rules/rule_text.h"
#include "util/file_io.h"

namespace {

std::mt19937_64 rng;

size_t pick(size_t n) { return n ? size_t(rng() % n) : 0; }

const std::vector<std::string> kFragments = {
    "stratum+tcp://", "stratum+ssl://", "stratum2+tls://", "STRATUM1+TCP://", "pool.supportxmr.com",
    ":3333", ":0", ":99999", "@", "[", "]", "[2001:db8::1]:3333", "203.0.113.9", "::ffff:203.0.113.9",
    "-o", "-a", "rx/0", "--url=", "--donate-level", "--algo", "=", "/tmp/", "/dev/shm/.x/", "/...",
    "c3RyYXR1bSt0Y3A6Ly9w", "b29sLmV4YW1wbGU6MzMzMw==", "-_", "+/",
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "0x52908400098527886E0F7030069857D2E4169EE7", ".worker", "[kworker/0:1]", "kworker/", "kswapd0",
    "xmrig", "XMRig", "\xff\xfe", std::string("\0", 1), "\n", " ", "\t", "'", "\"", "|", ";", "#",
    "POOL_URL=", "WALLET=", "LD_PRELOAD=", "/memfd:", " (deleted)", "..", ".", "-", "--", "%", "&red"};

std::string random_bytes(size_t max) {
    std::string s(pick(max + 1), '\0');
    for (char& c : s) c = char(rng());
    return s;
}

std::string random_text(size_t parts) {
    std::string s;
    size_t n = pick(parts + 1);
    for (size_t i = 0; i < n; ++i) {
        if (pick(5) == 0) s += random_bytes(8);
        else s += kFragments[pick(kFragments.size())];
    }
    // Mutations: flip, truncate, duplicate.
    if (!s.empty() && pick(3) == 0) s[pick(s.size())] ^= char(1 << pick(8));
    if (!s.empty() && pick(4) == 0) s.resize(pick(s.size()));
    if (pick(20) == 0) s = s + s + s;
    if (pick(200) == 0) s += std::string(20000, 'A');   // oversized argument
    return s;
}

mr::ProcessInfo random_process(int pid) {
    mr::ProcessInfo p;
    p.pid = pid;
    p.ppid = int(pick(4));
    p.comm = random_text(2).substr(0, 15 + pick(10));
    size_t argc = pick(pick(50) == 0 ? 400 : 8);
    for (size_t i = 0; i < argc; ++i) p.argv.push_back(random_text(4));
    p.exe = pick(3) ? random_text(3) : "";
    p.exe_readable = pick(2);
    p.exe_deleted = pick(5) == 0;
    p.exe_memfd = pick(8) == 0;
    p.kernel_thread = pick(10) == 0;
    p.cores = double(pick(300)) / 100.0;
    p.max_thread_cores = double(pick(120)) / 100.0;
    size_t nt = pick(4);
    for (size_t i = 0; i < nt; ++i) p.threads.push_back({pid * 10 + int(i), random_text(1), 0, double(pick(120)) / 100});
    size_t ne = pick(6);
    for (size_t i = 0; i < ne; ++i) p.env.push_back(random_text(3));
    p.container_id = pick(5) == 0 ? std::string(64, 'f') : "";
    return p;
}

mr::SocketInfo random_socket(int max_pid) {
    static const char* states[] = {"ESTABLISHED", "SYN_SENT", "LISTEN", "TIME_WAIT", "", "x"};
    mr::SocketInfo s;
    s.proto = mr::SocketProto(pick(4));
    s.local_addr = random_text(2);
    s.local_port = uint16_t(pick(3) ? 3333 : rng());
    s.remote_addr = pick(2) ? kFragments[pick(kFragments.size())] : random_text(2);
    s.remote_port = uint16_t(pick(2) ? 3333 : rng());
    s.state = states[pick(6)];
    s.netns = pick(2);
    size_t np = pick(3);
    for (size_t i = 0; i < np; ++i) s.pids.push_back(int(pick(size_t(max_pid) + 2)));
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    long iterations = argc > 1 ? std::atol(argv[1]) : 20000;
    std::string dir = argc > 2 ? argv[2] : "client-tests/share/rules";
    rng.seed(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20250101ull);

    mr::Detector det;
    if (mr::Status loaded = det.load(dir); !loaded) {
        std::fprintf(stderr, "fuzz_rules: cannot load rules: %s\n", loaded.error().message.c_str());
        return 2;
    }
    mr::DetectOptions opt;
    opt.scan_binaries = false;
    size_t findings = 0, red = 0;
    for (long it = 0; it < iterations; ++it) {
        mr::Snapshot snap;
        int nprocs = int(pick(6));
        for (int i = 0; i < nprocs; ++i) snap.procs.push_back(random_process(100 + i));
        size_t ns = pick(4);
        for (size_t i = 0; i < ns; ++i) snap.sockets.push_back(random_socket(100 + nprocs));
        snap.host.ld_so_preload_present = pick(10) == 0;
        snap.host.ld_so_preload = random_text(3);
        snap.host.msr_loaded = pick(2);
        snap.host.msr_allow_writes = pick(2);
        snap.host.hugepages_total = long(pick(3)) - 1;
        if (pick(20) == 0) snap.host.hidden_pids = {int(pick(100000))};
        auto fs = det.detect(snap, opt);
        findings += fs.size();
        for (const auto& f : fs) red += f.color == mr::Color::red;
        (void)mr::overall_color(fs, pick(2));

        // The text parsers on raw input.
        std::string text = random_text(12);
        mr::IocList list = mr::IocList::parse(text, "fuzz").value_or(mr::IocList());
        (void)list.match_host(random_text(3), uint16_t(rng()));
        (void)list.match_addr(random_text(2), uint16_t(rng()));
        (void)mr::split_rule_text(text);
        std::string out;
        (void)mr::decode_base64(text, out);
        (void)mr::classify_wallet(text);
        (void)mr::find_stratum_url(text);
        std::string host;
        uint16_t port;
        (void)mr::split_host_port(text, host, port);
    }
    std::printf("fuzz_rules: %ld iterations, %zu findings (%zu red), no crash\n", iterations, findings, red);
    return 0;
}
