// A cryptominer simulator for detection tests: never a real miner. It burns CPU in N threads at a
// duty cycle, speaks stratum (xmrig JSON-RPC or mining.* dialect) to a loopback pool and submits
// fake shares, and can hide the way real campaigns do: renamed comm and argv[0], config file
// instead of argv, binary deleted after start or run from a memfd, daemonised. It always exits
// by itself (--max-seconds, plus an alarm() backstop).
#include "line_json.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

extern char** environ;
using namespace mr::sim;
using Clock = std::chrono::steady_clock;

namespace {

// Kept in the binary on purpose: a binary scan for miner markers must find what a real miner has.
const char kHelp[] =
    "Usage: xmrig [OPTIONS]   (miningrisk miner simulator: not a miner, hashes nothing real)\n"
    "\n"
    "Network:\n"
    "  -o, --url=URL                 URL of mining server, e.g. stratum+tcp://127.0.0.1:3333\n"
    "                                (also stratum+ssl://, stratum+tls://, stratum1+tcp://, stratum2+tcp://)\n"
    "  -a, --algo=ALGO               mining algorithm: rx/0 (randomx), cn/r (cryptonight), cn/half\n"
    "      --coin=COIN               specify coin instead of algorithm (monero)\n"
    "  -u, --user=USERNAME           username for mining server (wallet address)\n"
    "  -p, --pass=PASSWORD           password for mining server\n"
    "  -k, --keepalive               send keepalived packet for prevent timeout (needs pool support)\n"
    "      --nicehash                enable nicehash.com support\n"
    "      --tls                     enable SSL/TLS support (needs pool support)\n"
    "      --donate-level=N          donate level, default 1% (1 minute in 100 minutes)\n"
    "      --pool HOST:PORT          same as -o\n"
    "      --dialect=xmrig|btc       JSON-RPC login/submit, or mining.subscribe/mining.authorize\n"
    "\n"
    "CPU backend:\n"
    "  -t, --threads=N               number of CPU threads (default 1)\n"
    "      --throttle=PERCENT        duty cycle of each thread in % of a core (default 100)\n"
    "      --cpu-priority=N          set process priority (0 idle, 2 normal to 5 highest)\n"
    "      --cpu-max-threads-hint=N  maximum CPU threads count (in percentage) hint for autoconfig\n"
    "      --randomx-1gb-pages       use 1GB hugepages for RandomX dataset (Linux only)\n"
    "      --randomx-mode=MODE       RandomX mode: auto, fast, light\n"
    "      --huge-pages-jit          enable huge pages support for RandomX JIT code\n"
    "\n"
    "Miscellaneous:\n"
    "  -c, --config=FILE             load a JSON-format configuration file (pools[0].url/user/pass,\n"
    "                                threads, throttle, dialect)\n"
    "  -B, --background, --daemon    run the miner in the background\n"
    "      --pidfile=FILE            write the miner's pid to FILE\n"
    "  -l, --log-file=FILE           log all output to a file\n"
    "      --rename=NAME             set comm and argv[0] to NAME (e.g. [kworker/0:1], kswapd0)\n"
    "      --delete-self             unlink the executable after start (/proc/PID/exe \"(deleted)\")\n"
    "      --memfd                   re-execute from an anonymous memfd (/proc/PID/exe \"/memfd:\")\n"
    "      --share-interval=SECONDS  seconds between fake shares (default 5)\n"
    "      --max-seconds=N           exit after N seconds (default 300)\n"
    "  -h, --help                    display this help and exit\n"
    "  -V, --version                 output version information and exit\n";
const char kAgent[] = "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0 miningrisk-sim";
const char kBtcAgent[] = "cpuminer/2.5.1 miningrisk-sim";
// Not a real wallet: keys are SHA-256 of fixed text (no private key exists for them), with a
// valid Monero checksum so that the detector sees a wallet as it would see a real one.
const char kDefaultWallet[] =
    "45PNEaLBGKxYJKeTqeEnEgBYfgUtSyCwnamK1J1WktPPYGFFn5324SRiSm33AuMtb7c6TBfhURXkngHfUq1gB8y66ei4RBa";

std::atomic<bool> g_stop{false};
int g_ready_fd = -1;
std::atomic<unsigned long> g_hashes{0};
void on_signal(int) { g_stop = true; }

struct Options {
    std::string host;
    std::string port = "3333";
    std::string user = kDefaultWallet;
    std::string pass = "x";
    std::string dialect = "xmrig";
    std::string rename;
    std::string config;
    std::string pidfile;
    std::string log_file;
    int threads = 1;
    int throttle = 100;
    int max_seconds = 300;
    double share_interval = 5;
    bool daemon = false;
    bool delete_self = false;
    bool memfd = false;
};

void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char* fmt, ...) {
    char ts[32];
    time_t now = time(nullptr);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", localtime(&now));
    printf("[%s] ", ts);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

bool parse_int(const std::string& s, int lo, int hi, int& out) {
    char* end = nullptr;
    errno = 0;
    long v = strtol(s.c_str(), &end, 10);
    if (errno || end == s.c_str() || *end || v < lo || v > hi) return false;
    out = int(v);
    return true;
}

// "stratum+tcp://host:port", "host:port", "[::1]:port" -> host, port.
bool parse_url(std::string url, Options& o) {
    auto scheme = url.find("://");
    if (scheme != std::string::npos) url = url.substr(scheme + 3);
    auto slash = url.find('/');
    if (slash != std::string::npos) url = url.substr(0, slash);
    std::string host, port = "3333";
    if (!url.empty() && url[0] == '[') {
        auto close = url.find(']');
        if (close == std::string::npos) return false;
        host = url.substr(1, close - 1);
        if (close + 1 < url.size() && url[close + 1] == ':') port = url.substr(close + 2);
    } else {
        auto colon = url.rfind(':');
        host = url.substr(0, colon);
        if (colon != std::string::npos) port = url.substr(colon + 1);
    }
    int p;
    if (host.empty() || !parse_int(port, 1, 65535, p)) return false;
    o.host = host;
    o.port = port;
    return true;
}

bool load_config(const std::string& path, Options& o) {
    FILE* f = fopen(path.c_str(), "r");
    if (!f) { fprintf(stderr, "miner-sim: cannot read config %s: %s\n", path.c_str(), strerror(errno)); return false; }
    std::string text(1 << 20, '\0');
    text.resize(fread(&text[0], 1, text.size(), f));
    fclose(f);
    auto pools = json_items(json_field(text, "pools").value_or("[]"));
    if (pools.empty() || !json_string(pools[0], "url") || !parse_url(*json_string(pools[0], "url"), o)) {
        fprintf(stderr, "miner-sim: %s: no usable pools[0].url\n", path.c_str());
        return false;
    }
    if (auto u = json_string(pools[0], "user")) o.user = *u;
    if (auto p = json_string(pools[0], "pass")) o.pass = *p;
    std::string_view cpu = json_field(text, "cpu").value_or("{}");
    for (std::string_view scope : {std::string_view(text), cpu}) {
        if (auto t = json_int(scope, "threads"); t && *t >= 1 && *t <= 256) o.threads = int(*t);
        if (auto t = json_int(scope, "throttle"); t && *t >= 1 && *t <= 100) o.throttle = int(*t);
    }
    if (auto d = json_string(text, "dialect")) o.dialect = *d;
    if (auto m = json_int(text, "max-seconds"); m && *m >= 1) o.max_seconds = int(*m);
    if (auto b = json_field(text, "background"); b && *b == "true") o.daemon = true;
    return true;
}

// Options are parsed twice: once to find the config file, then argv overrides the file.
int parse_args(const std::vector<std::string>& args, Options& o, bool config_pass) {
    for (size_t i = 1; i < args.size(); ++i) {
        std::string a = args[i], val;
        bool has_inline = false;
        if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
            val = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
            has_inline = true;
        }
        auto need = [&]() -> bool {
            if (has_inline) return true;
            if (i + 1 >= args.size()) { fprintf(stderr, "miner-sim: %s needs a value\n", a.c_str()); return false; }
            val = args[++i];
            return true;
        };
        auto bad = [&]() { fprintf(stderr, "miner-sim: bad value for %s: %s\n", a.c_str(), val.c_str()); return 2; };
        if (a == "-c" || a == "--config") {
            if (!need()) return 2;
            o.config = val;
            continue;
        }
        if (a == "-h" || a == "--help") { if (!config_pass) { fputs(kHelp, stdout); return 1; } continue; }
        if (a == "-V" || a == "--version") { if (!config_pass) { printf("%s\n", kAgent); return 1; } continue; }
        // Flags that take a value: consume it in both passes, apply only in the second.
        static const char* with_value[] = {"-o", "--url", "--pool", "-u", "--user", "-p", "--pass", "--dialect",
                                           "-t", "--threads", "--throttle", "--rename", "--pidfile", "-l",
                                           "--log-file", "--share-interval", "--max-seconds", "-a", "--algo",
                                           "--coin", "--donate-level", "--cpu-priority", "--cpu-max-threads-hint",
                                           "--randomx-mode", "--print-time", "--rig-id", "--cpu-affinity"};
        static const char* flags[] = {"-B", "--background", "--daemon", "--delete-self", "--memfd", "-k",
                                      "--keepalive", "--nicehash", "--tls", "--randomx-1gb-pages",
                                      "--huge-pages-jit", "--no-color", "--randomx-no-numa", "--no-huge-pages"};
        bool takes_value = false, is_flag = false;
        for (auto* w : with_value) takes_value |= a == w;
        for (auto* f : flags) is_flag |= a == f;
        if (!takes_value && !is_flag) { fprintf(stderr, "miner-sim: unknown option %s (try --help)\n", a.c_str()); return 2; }
        if (takes_value && !need()) return 2;
        if (config_pass) continue;
        if (a == "-o" || a == "--url" || a == "--pool") { if (!parse_url(val, o)) return bad(); }
        else if (a == "-u" || a == "--user") o.user = val;
        else if (a == "-p" || a == "--pass") o.pass = val;
        else if (a == "--dialect") { if (val != "xmrig" && val != "btc") return bad(); o.dialect = val; }
        else if (a == "-t" || a == "--threads") { if (!parse_int(val, 1, 256, o.threads)) return bad(); }
        else if (a == "--throttle") { if (!parse_int(val, 1, 100, o.throttle)) return bad(); }
        else if (a == "--rename") { if (val.empty()) return bad(); o.rename = val; }
        else if (a == "--pidfile") o.pidfile = val;
        else if (a == "-l" || a == "--log-file") o.log_file = val;
        else if (a == "--max-seconds") { if (!parse_int(val, 1, 86400, o.max_seconds)) return bad(); }
        else if (a == "--share-interval") {
            char* end = nullptr;
            o.share_interval = strtod(val.c_str(), &end);
            if (!end || *end || o.share_interval < 0.1 || o.share_interval > 3600) return bad();
        }
        else if (a == "-B" || a == "--background" || a == "--daemon") o.daemon = true;
        else if (a == "--delete-self") o.delete_self = true;
        else if (a == "--memfd") o.memfd = true;
        // everything else is accepted and ignored, like the xmrig tuning flags it imitates
    }
    return 0;
}

// Copies our own executable into an anonymous memfd and executes that, dropping --memfd, so
// /proc/PID/exe reads "/memfd:NAME (deleted)". Returns only on failure.
void reexec_from_memfd(const std::vector<std::string>& args, const std::string& name) {
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int mfd = int(syscall(SYS_memfd_create, name.c_str(), 0));
    struct stat st{};
    if (src < 0 || mfd < 0 || fstat(src, &st) != 0) { perror("miner-sim: memfd"); return; }
    off_t off = 0;
    while (off < st.st_size)
        if (sendfile(mfd, src, &off, size_t(st.st_size - off)) <= 0) { perror("miner-sim: sendfile"); return; }
    close(src);
    std::vector<char*> argv;
    for (auto& a : args) if (a != "--memfd") argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    fexecve(mfd, argv.data(), environ);
    perror("miner-sim: fexecve");
}

// comm via prctl (15 chars), and the argv area rewritten in place so /proc/PID/cmdline and ps
// show NAME, as malware does. Threads created afterwards inherit the comm.
void rename_self(int argc, char** argv, const std::string& name) {
    prctl(PR_SET_NAME, name.c_str(), 0, 0, 0);
    char* start = argv[0];
    char* end = argv[0] + strlen(argv[0]) + 1;
    for (int i = 1; i < argc && argv[i] == end; ++i) end = argv[i] + strlen(argv[i]) + 1;
    size_t room = size_t(end - start);
    memset(start, 0, room);
    memcpy(start, name.data(), std::min(name.size(), room - 1));
}

bool daemonize(const std::string& log_file) {
    int ready[2];
    if (pipe(ready) != 0) return false;
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid > 0) {
        close(ready[1]);
        char c;
        ssize_t n = read(ready[0], &c, 1);  // the child writes its pidfile first
        _exit(n == 1 ? 0 : 1);
    }
    close(ready[0]);
    setsid();
    int null = open("/dev/null", O_RDWR);
    int out = log_file.empty() ? null : open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(null, 0);
    dup2(out < 0 ? null : out, 1);
    dup2(out < 0 ? null : out, 2);
    if (chdir("/") != 0) {}
    fcntl(ready[1], F_SETFD, FD_CLOEXEC);
    g_ready_fd = ready[1];
    return true;
}

Clock::duration thread_cpu() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Fake RandomX: a mixing loop that really uses the CPU. Throttling counts this thread's CPU time,
// not wall time, so a throttled miner stays at its share even on a crowded machine: each 10 ms
// slice is PERCENT of it on the CPU, then a sleep for the rest.
void burn(int duty) {
    const auto period = std::chrono::microseconds(10000);
    const auto busy = period * duty / 100;  // in microseconds, so 5% is 500 us and not 0
    unsigned long x = 0x243f6a8885a308d3UL ^ (unsigned long)pthread_self();
    while (!g_stop) {
        auto cpu_start = thread_cpu();
        do {
            for (int i = 0; i < 20000; ++i) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }
            g_hashes.fetch_add(20000, std::memory_order_relaxed);
        } while (thread_cpu() - cpu_start < busy && !g_stop);
        if (duty < 100) std::this_thread::sleep_for(period - busy);
    }
    if (x == 42) say("lucky");  // keeps the loop from being optimised away
}

class PoolSession {
public:
    explicit PoolSession(const Options& o) : o_(o) {}

    // Runs until the pool drops us, an error, or stop. Returns false on connect failure.
    bool run(Clock::time_point deadline) {
        fd_ = connect_pool();
        if (fd_ < 0) return false;
        say("net      use pool %s:%s (%s dialect)", o_.host.c_str(), o_.port.c_str(), o_.dialect.c_str());
        job_.clear();
        if (o_.dialect == "btc") {
            send("{\"id\":" + next_id() + ",\"method\":\"mining.subscribe\",\"params\":[" + json_quote(kBtcAgent) + "]}");
            send("{\"id\":" + next_id() + ",\"method\":\"mining.authorize\",\"params\":[" + json_quote(o_.user) + "," +
                 json_quote(o_.pass) + "]}");
        } else {
            send("{\"id\":" + next_id() + ",\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{\"login\":" +
                 json_quote(o_.user) + ",\"pass\":" + json_quote(o_.pass) + ",\"agent\":" + json_quote(kAgent) +
                 ",\"algo\":[\"rx/0\"]}}");
        }
        auto next_share = Clock::now() + share_period();
        auto next_keepalive = Clock::now() + std::chrono::seconds(60);
        bool ok = true;
        while (ok && !g_stop && Clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            int n = poll(&p, 1, 200);
            if (n > 0) ok = read_lines();
            auto now = Clock::now();
            if (ok && !job_.empty() && now >= next_share) { submit(); next_share = now + share_period(); }
            if (ok && o_.dialect == "xmrig" && !session_.empty() && now >= next_keepalive) {
                send("{\"id\":" + next_id() + ",\"jsonrpc\":\"2.0\",\"method\":\"keepalived\",\"params\":{\"id\":" +
                     json_quote(session_) + "}}");
                next_keepalive = now + std::chrono::seconds(60);
            }
            ok = ok && !send_failed_;
        }
        if (!g_stop && Clock::now() < deadline) say("net      pool %s:%s disconnected", o_.host.c_str(), o_.port.c_str());
        close(fd_);
        fd_ = -1;
        return true;
    }

private:
    Clock::duration share_period() const {
        return std::chrono::milliseconds(long(o_.share_interval * 1000));
    }
    std::string next_id() { return std::to_string(++id_); }

    int connect_pool() {
        addrinfo hints{}, *res = nullptr;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(o_.host.c_str(), o_.port.c_str(), &hints, &res) != 0 || !res) return -1;
        int fd = -1;
        for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
            if (fd < 0) continue;
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) { close(fd); fd = -1; continue; }
            pollfd p{fd, POLLOUT, 0};
            int err = 0;
            socklen_t len = sizeof err;
            if (poll(&p, 1, 3000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
                close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(res);
        return fd;
    }

    void send(const std::string& msg) {
        std::string line = msg + "\n";
        size_t off = 0;
        while (off < line.size() && !send_failed_) {
            ssize_t n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
            if (n > 0) off += size_t(n);
            else if (n < 0 && (errno == EAGAIN || errno == EINTR)) { pollfd p{fd_, POLLOUT, 0}; poll(&p, 1, 1000); }
            else send_failed_ = true;
        }
    }

    bool read_lines() {
        char buf[8192];
        ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) return false;
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        in_.append(buf, size_t(n));
        size_t pos;
        while ((pos = in_.find('\n')) != std::string::npos) {
            handle(std::string_view(in_).substr(0, pos));
            in_.erase(0, pos + 1);
        }
        return in_.size() < 256 * 1024;
    }

    void handle(std::string_view msg) {
        auto method = json_string(msg, "method");
        if (method && *method == "job") {
            set_job(json_field(msg, "params").value_or("{}"));
        } else if (method && *method == "mining.notify") {
            auto items = json_items(json_field(msg, "params").value_or("[]"));
            if (!items.empty() && json_is_string(items[0])) new_job(json_unescape(items[0]));
        } else if (method && *method == "mining.set_difficulty") {
        } else if (auto result = json_field(msg, "result")) {
            if (auto sid = json_string(*result, "id")) session_ = *sid;
            if (auto job = json_field(*result, "job")) set_job(*job);
            else if (auto st = json_string(*result, "status"); st && *st == "OK" && submitted_) accepted();
            else if (*result == "true" && submitted_) accepted();
            auto err = json_field(msg, "error");
            if (*result == "null" && err && *err != "null") say("net      pool error: %.200s", std::string(*err).c_str());
        }
    }

    void set_job(std::string_view job) {
        if (auto id = json_string(job, "job_id")) new_job(*id);
    }
    void new_job(const std::string& id) {
        job_ = id;
        say("net      new job from %s:%s diff 1000 algo rx/0", o_.host.c_str(), o_.port.c_str());
    }
    void accepted() {
        --submitted_;
        ++accepted_;
        say("cpu      accepted (%lu/0) diff 1000 (%lu hashes so far)", accepted_, g_hashes.load());
    }

    void submit() {
        char nonce[16];
        snprintf(nonce, sizeof nonce, "%08lx", (g_hashes.load() * 2654435761UL) & 0xffffffffUL);
        std::string result;
        for (int i = 0; i < 8; ++i) result += nonce;
        ++submitted_;
        if (o_.dialect == "btc")
            send("{\"id\":" + next_id() + ",\"method\":\"mining.submit\",\"params\":[" + json_quote(o_.user) + "," +
                 json_quote(job_) + ",\"00000000\",\"5e9a1b2c\"," + json_quote(nonce) + "]}");
        else
            send("{\"id\":" + next_id() + ",\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":" +
                 json_quote(session_) + ",\"job_id\":" + json_quote(job_) + ",\"nonce\":" + json_quote(nonce) +
                 ",\"result\":" + json_quote(result) + "}}");
    }

    const Options& o_;
    int fd_ = -1;
    long id_ = 0;
    std::string in_, job_, session_;
    long submitted_ = 0;
    unsigned long accepted_ = 0;
    bool send_failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    std::vector<std::string> args(argv, argv + argc);
    Options o;
    if (int rc = parse_args(args, o, true)) return rc;
    if (!o.config.empty() && !load_config(o.config, o)) return 2;
    if (int rc = parse_args(args, o, false)) return rc == 1 ? 0 : rc;
    if (o.host.empty()) { fprintf(stderr, "miner-sim: no pool: give -o stratum+tcp://HOST:PORT, --pool or --config\n"); return 2; }

    if (o.memfd) {
        reexec_from_memfd(args, o.rename.empty() ? "kworker" : o.rename);
        return 1;
    }
    if (!o.pidfile.empty() && o.pidfile[0] != '/') {  // the daemon moves to /
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd)) o.pidfile = std::string(cwd) + "/" + o.pidfile;
    }
    if (o.daemon && !daemonize(o.log_file)) { perror("miner-sim: daemon"); return 1; }
    if (!o.daemon && !o.log_file.empty()) {
        if (!freopen(o.log_file.c_str(), "a", stdout)) perror("miner-sim: log");
        setvbuf(stdout, nullptr, _IOLBF, 0);
    }
    if (!o.pidfile.empty()) {
        if (FILE* f = fopen(o.pidfile.c_str(), "w")) { fprintf(f, "%d\n", getpid()); fclose(f); }
    }
    if (g_ready_fd >= 0) {  // lets the daemon's parent exit: the pidfile is in place
        if (write(g_ready_fd, "r", 1) != 1) {}
        close(g_ready_fd);
        g_ready_fd = -1;
    }
    if (!o.rename.empty()) rename_self(argc, argv, o.rename);
    if (o.delete_self) {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = 0;
            if (strstr(exe, " (deleted)") == nullptr && unlink(exe) != 0) say("delete-self: %s: %s", exe, strerror(errno));
        }
    }

    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    alarm(unsigned(o.max_seconds) + 10);  // backstop: even a wedged simulator dies

    say("cpu      use %d thread(s) at %d%% duty, algo rx/0 (randomx), pid %d", o.threads, o.throttle, getpid());
    std::vector<std::thread> workers;
    for (int i = 0; i < o.threads; ++i) workers.emplace_back(burn, o.throttle);

    auto deadline = Clock::now() + std::chrono::seconds(o.max_seconds);
    PoolSession session(o);
    while (!g_stop && Clock::now() < deadline) {
        if (!session.run(deadline)) say("net      connect error %s:%s, retry in 1 s", o.host.c_str(), o.port.c_str());
        for (int i = 0; i < 10 && !g_stop && Clock::now() < deadline; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    g_stop = true;
    for (auto& t : workers) t.join();
    say("exit     after %s", Clock::now() >= deadline ? "max-seconds" : "signal");
    if (!o.pidfile.empty()) unlink(o.pidfile.c_str());
    return 0;
}
