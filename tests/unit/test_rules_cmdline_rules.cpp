#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rules/cmdline_rules.h"
#include "util/keccak.h"
#include "rules/monero_address.h"
#include "rules/wallet_address.h"
#include "rules_test_util.h"

using mr_test::has_signal;
using mr_test::proc;
using mr_test::shipped_rules;
using mr_test::signal_of;

namespace {

const std::string kMonero =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
// An integrated address (106 characters): the donation address's keys with payment id 1..8.
const std::string kMoneroIntegrated = [] {
    std::string bytes;
    mr::monero_base58_decode(kMonero, bytes);
    std::string body = bytes.substr(0, 65);
    body[0] = '\x13';
    body += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    auto sum = mr::keccak256(body);
    return mr::monero_base58_encode(body + std::string(sum.begin(), sum.begin() + 4));
}();

std::vector<mr::Signal> run(std::vector<std::string> argv, std::vector<std::string> env = {},
                            std::string* pool = nullptr) {
    mr::ProcessInfo p = proc(100, "prog", std::move(argv));
    p.env = std::move(env);
    std::vector<mr::Signal> out;
    mr::check_cmdline(p, shipped_rules(), out, pool);
    return out;
}

std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = unsigned(uint8_t(in[i])) << 16 | unsigned(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = unsigned(uint8_t(in[i])) << 16;
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = unsigned(uint8_t(in[i])) << 16 | unsigned(uint8_t(in[i + 1])) << 8;
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += '=';
    }
    return out;
}

}  // namespace

TEST_CASE("rules: stratum URLs in every scheme variant are found, mentions are not") {
    for (const char* url : {"stratum+tcp://pool.example.net:3333", "stratum+ssl://1.2.3.4:443",
                            "stratum+tls://pool.example.net:443", "stratum1+tcp://eth.example:4444",
                            "stratum2+tcp://x.example:3333", "STRATUM+TCP://POOL.EXAMPLE:3333"}) {
        CAPTURE(url);
        CHECK(mr::find_stratum_url(std::string("--url=") + url) == url);
        auto sigs = run({"prog", "-o", url});
        CHECK(has_signal(sigs, "stratum_url"));
        CHECK(signal_of(sigs, "stratum_url")->strength == mr::Strength::strong);
    }
    CHECK(mr::url_host_port("stratum+tcp://wallet.rig@pool.example.net:3333/x") == "pool.example.net:3333");
    // Mentions of the word "stratum" without a URL are not a signal.
    for (std::vector<std::string> argv : {
             std::vector<std::string>{"ntpq", "-c", "stratum"},
             {"chronyc", "--stratum", "2"},
             {"myapp", "--pool-size", "10", "--stratum-level", "3", "stratum+tcp://"},
             {"grep", "-r", "stratum+tcp", "docs/"},
             {"echo", "stratum+foo:/x"}}) {
        CHECK_FALSE(has_signal(run(argv), "stratum_url"));
    }
}

TEST_CASE("rules: a base64 blob that decodes to a stratum URL is found; other blobs are not") {
    std::string script = "#!/bin/sh\n./x -o stratum+tcp://pool.example.net:3333 -u w\n";
    auto sigs = run({"sh", "-c", "echo " + base64(script) + " | base64 -d | sh"});
    REQUIRE(has_signal(sigs, "stratum_url_base64"));
    CHECK(signal_of(sigs, "stratum_url_base64")->strength == mr::Strength::strong);
    CHECK(signal_of(sigs, "stratum_url_base64")->evidence.find("stratum+tcp://pool.example.net:3333") !=
          std::string::npos);
    // Misaligned (prefix glued on) still decodes at one of the four offsets.
    CHECK(has_signal(run({"x", "--payload=Q" + base64("ab stratum+ssl://h.example:443 cd")}),
                     "stratum_url_base64"));
    // URL-safe alphabet.
    std::string b = base64("?\?>stratum+tcp://h.example:1 ?\?\?");
    for (char& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
    CHECK(has_signal(run({"x", b}), "stratum_url_base64"));
    // Near misses: blobs that decode to something else, and plain paths.
    CHECK(run({"x", base64("just some configuration text, pool and stratum words")}).empty());
    CHECK(run({"java", "-cp", "/usr/share/java/Some/LongPath/To/Library/Classes.jar", "Main"}).empty());
    CHECK(run({"curl", "-H", "Authorization: Basic " + base64("user:password-is-long-enough")}).empty());
    std::string out;
    CHECK(mr::decode_base64("c3RyYXR1bQ==", out));
    CHECK(out == "stratum");
    CHECK_FALSE(mr::decode_base64("not base64!", out));
}

TEST_CASE("rules: algorithm flag together with a pool flag") {
    auto sigs = run({"./x", "-a", "rx/0", "-o", "pool.example.net:3333", "-u", "w"});
    REQUIRE(has_signal(sigs, "algo_pool_flags"));
    CHECK(signal_of(sigs, "algo_pool_flags")->strength == mr::Strength::strong);
    CHECK(signal_of(sigs, "algo_pool_flags")->evidence == "-a rx/0 -o pool.example.net:3333");
    sigs = run({"./x", "--algo=cn/r", "--url=10.1.2.3:4444"});
    CHECK(signal_of(sigs, "algo_pool_flags")->strength == mr::Strength::strong);
    // An algorithm we do not know is only suspicious.
    sigs = run({"./x", "--algo", "newalgo", "--url", "[2001:db8::1]:3333"});
    CHECK(signal_of(sigs, "algo_pool_flags")->strength == mr::Strength::medium);
    // Near misses: -o without host:port, or without an algorithm flag.
    CHECK(run({"kubectl", "get", "pods", "-o", "pool.yaml"}).empty());
    CHECK(run({"kubectl", "get", "x", "-a", "-o", "pool.yaml"}).empty());
    CHECK(run({"gcc", "-O2", "-o", "pool.o", "-c", "pool.c"}).empty());
    CHECK(run({"zpool", "import", "-c", "/etc/zfs/zpool.cache", "-a"}).empty());
    CHECK(run({"ssh", "-a", "-o", "ProxyJump=host:22", "host"}).empty());
    CHECK(run({"ls", "-a", "-o", "build:1"}).empty());   // "build" is not a domain
}

TEST_CASE("rules: miner-only flags") {
    auto sigs = run({"./x", "--cpu-priority", "5"});
    REQUIRE(has_signal(sigs, "miner_flag"));
    CHECK(signal_of(sigs, "miner_flag")->strength == mr::Strength::medium);
    CHECK(signal_of(run({"./x", "--donate-level=1"}), "miner_flag")->strength == mr::Strength::strong);
    CHECK(signal_of(run({"./x", "--randomx-1gb-pages"}), "miner_flag")->strength == mr::Strength::strong);
    // Two different medium flags together are strong.
    sigs = run({"./x", "--nicehash", "--coin", "monero"});
    CHECK(signal_of(sigs, "miner_flag")->strength == mr::Strength::strong);
    CHECK(signal_of(sigs, "miner_flag")->evidence.find("--coin") != std::string::npos);
    // Near misses: lookalike flags.
    CHECK(run({"app", "--donate", "--coins=3", "--cpu-priority-class", "x", "--priority", "5"}).empty());
}

TEST_CASE("rules: wallet addresses with worker suffixes; look-alikes do not match") {
    CHECK(mr::classify_wallet(kMonero) == mr::WalletKind::monero);
    CHECK(mr::classify_wallet(kMoneroIntegrated) == mr::WalletKind::monero);
    CHECK(mr::classify_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == mr::WalletKind::bitcoin_legacy);
    CHECK(mr::classify_wallet("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy") == mr::WalletKind::bitcoin_legacy);
    CHECK(mr::classify_wallet("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") == mr::WalletKind::bitcoin_bech32);
    CHECK(mr::classify_wallet("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") == mr::WalletKind::bitcoin_bech32);
    CHECK(mr::classify_wallet("0x52908400098527886E0F7030069857D2E4169EE7") == mr::WalletKind::ethereum);
    // EIP-55's own mixed-case examples carry their checksum; one letter's case changed breaks it.
    for (const char* a : {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                          "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
        CAPTURE(a);
        CHECK(mr::classify_wallet(a) == mr::WalletKind::ethereum);
    }
    CHECK(mr::classify_wallet("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") == mr::WalletKind::none);

    for (const std::string& token : {"-u " + kMonero + ".worker1", "--user=" + kMoneroIntegrated + "+50000",
                                     std::string("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.rig"),
                                     std::string("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.w"),
                                     std::string("0x52908400098527886e0f7030069857d2e4169ee7.worker_02")}) {
        CAPTURE(token);
        auto sigs = run({"./x", token});
        REQUIRE(has_signal(sigs, "wallet_address"));
        CHECK(signal_of(sigs, "wallet_address")->strength == mr::Strength::strong);
    }
    // Near misses.
    CHECK(mr::classify_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb") == mr::WalletKind::none);  // checksum
    CHECK(mr::classify_wallet("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5") == mr::WalletKind::none);
    CHECK(mr::classify_wallet("bc1qw508d6qejxtdg4y5r3zarvary0C5xw7kv8f3t4") == mr::WalletKind::none);  // mixed case
    CHECK(mr::classify_wallet(kMonero.substr(0, 94)) == mr::WalletKind::none);
    CHECK(mr::classify_wallet(kMonero.substr(0, 94) + "B") == mr::WalletKind::none);   // checksum
    CHECK(run({"app", "--token", kMoneroIntegrated.substr(0, 95)}).empty());   // shape alone
    CHECK(mr::classify_wallet("0x52908400098527886E0F7030069857D2E4169EEG") == mr::WalletKind::none);
    CHECK(run({"git", "checkout", "3f786850e387550fdab836ed7e6dc881de23001b"}).empty());   // 40-hex sha
    CHECK(run({"git", "show", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3c0ffee"}).empty());
    CHECK(run({"docker", "run", "sha256:1234567890123456789012345678901234567890123456789012345678901234"}).empty());
    CHECK(run({"app", "--id", "12345678901234567890123456789012"}).empty());
}

TEST_CASE("rules: pool domains from the IOC list, as host, URL or host:port") {
    std::string pool;
    auto sigs = run({"./x", "-o", "gulf.moneroocean.stream:10128"}, {}, &pool);
    REQUIRE(has_signal(sigs, "pool_domain_arg"));
    CHECK(signal_of(sigs, "pool_domain_arg")->strength == mr::Strength::strong);
    CHECK(pool == "gulf.moneroocean.stream:10128");
    CHECK(has_signal(run({"x", "--url=https://user@XMR-EU1.nanopool.org:14433/path"}), "pool_domain_arg"));
    CHECK(has_signal(run({"x", "pool.supportxmr.com"}), "pool_domain_arg"));
    CHECK(has_signal(run({"x", "203.0.113.5:3333"}), "pool_domain_arg"));   // listed test range
    // Near misses.
    CHECK(run({"x", "supportxmr.com.example"}).empty());
    CHECK(run({"x", "notnanopool.org"}).empty());
    CHECK(run({"x", "--config", "/etc/pool.yaml", "-pool.supportxmr.com"}).empty());
    CHECK(run({"less", "docs/2miners.com.txt"}).empty());   // a path, not a host
}

TEST_CASE("rules: pool and wallet environment variables, LD_PRELOAD") {
    auto sigs = run({"./worker"}, {"HOME=/root", "POOL_URL=stratum+tcp://pool.example.net:3333"});
    CHECK(signal_of(sigs, "pool_env")->strength == mr::Strength::medium);
    CHECK(has_signal(sigs, "stratum_url"));
    sigs = run({"./worker"}, {"WALLET=" + kMonero});
    CHECK(has_signal(sigs, "pool_env"));
    CHECK(has_signal(sigs, "wallet_address"));
    sigs = run({"./worker"}, {"OTHER=stratum+ssl://h.example:443"});
    CHECK(has_signal(sigs, "stratum_url"));
    CHECK_FALSE(has_signal(sigs, "pool_env"));
    // Preloads from odd places are medium, ordinary ones weak.
    CHECK(signal_of(run({"x"}, {"LD_PRELOAD=/dev/shm/.h/libhide.so"}), "ld_preload_env")->strength ==
          mr::Strength::medium);
    CHECK(signal_of(run({"x"}, {"LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"}), "ld_preload_env")
              ->strength == mr::Strength::weak);
    // Near misses: empty values, unrelated names containing POOL or WALLET.
    CHECK(run({"x"}, {"POOL_URL=", "DB_POOL_SIZE=10", "WALLETS_DIR=/srv", "LD_PRELOAD=", "=x", "junk"}).empty());
}

TEST_CASE("rules: the collector keeps every environment entry that can give a signal") {
    // The client stores only entries env_entry_matters() accepts: one it drops must never have
    // given a signal, or the filter would hide a miner.
    const std::vector<std::string> entries = {
        "HOME=/root", "PATH=/usr/bin:/bin", "POOL_URL=stratum+tcp://pool.example.net:3333",
        "WALLET=" + kMonero, "OTHER=stratum+ssl://h.example:443", "LD_PRELOAD=/dev/shm/.h/libhide.so",
        "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "DOCS=https://example.org",
        "POOL_URL=", "DB_POOL_SIZE=10", "=x", "junk", "LANG=C.UTF-8", "ADDR=" + kMonero};
    int kept = 0;
    for (const std::string& e : entries) {
        CAPTURE(e);
        bool matters = mr::env_entry_matters(e, shipped_rules());
        kept += matters;
        if (!matters) CHECK(run({"x"}, {e}).empty());
    }
    CHECK(mr::env_entry_matters("POOL_URL=stratum+tcp://pool.example.net:3333", shipped_rules()));
    CHECK(mr::env_entry_matters("LD_PRELOAD=/dev/shm/.h/libhide.so", shipped_rules()));
    CHECK_FALSE(mr::env_entry_matters("HOME=/root", shipped_rules()));
    CHECK(kept < static_cast<int>(entries.size()));
}

TEST_CASE("rules: a realistic xmrig command line gives every command-line signal") {
    std::string pool;
    auto sigs = run({"/tmp/.x/xmrig", "--donate-level", "1", "-a", "rx/0", "-o",
                     "stratum+tcp://pool.supportxmr.com:3333", "-u", kMonero + ".rig01", "-p", "x",
                     "-k", "--cpu-priority=0", "--randomx-1gb-pages", "-B"},
                    {}, &pool);
    for (const char* id : {"stratum_url", "miner_flag", "wallet_address", "pool_domain_arg"}) {
        CAPTURE(id);
        CHECK(has_signal(sigs, id));
    }
    // "-o stratum+tcp://host:port" is an endpoint too.
    CHECK(has_signal(sigs, "algo_pool_flags"));
    CHECK(pool == "pool.supportxmr.com:3333");
}

TEST_CASE("rules: the whole command line given as one argv string is still tokenised") {
    auto sigs = run({"sh -c \"cd /tmp; ./kthreaddi -o pool.example.net:5555 -a rx/0 --donate-level=0\""});
    CHECK(has_signal(sigs, "algo_pool_flags"));
    CHECK(has_signal(sigs, "miner_flag"));
}

TEST_CASE("rules: benign command lines give no command-line signal") {
    for (std::vector<std::string> argv : {
             std::vector<std::string>{"make", "-j2", "CC=gcc", "all"},
             {"cc1", "-quiet", "-I", "include", "pool.c", "-o", "/tmp/ccAbc.s"},
             {"xz", "-T2", "-9", "big.tar"},
             {"openssl", "speed", "-multi", "2", "sha256"},
             {"stress-ng", "--cpu", "2", "--timeout", "60s"},
             {"postgres: checkpointer"},
             {"python3", "-m", "http.server", "3333"},
             {"nginx: worker process"},
             {"mysqld", "--basedir=/usr", "--datadir=/var/lib/mysql", "--pid-file=/run/mysqld/mysqld.pid"},
             {"java", "-Xmx2g", "-Dpool.size=10", "-jar", "/opt/app/threadpool-server.jar", "--stratum", "1"},
             {"helm", "upgrade", "mining-dashboard", "-o", "yaml", "--set", "pool.enabled=true"}}) {
        CAPTURE(argv[0]);
        CHECK(run(argv).empty());
    }
}
