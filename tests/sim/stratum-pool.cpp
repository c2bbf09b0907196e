// A loopback stratum pool for tests: never a real pool. Speaks xmrig-style JSON-RPC
// (login/submit/keepalived/getjob, pushes "job") and Bitcoin-style stratum (mining.subscribe,
// mining.authorize, mining.notify, mining.set_difficulty, mining.submit), one JSON object per line.
// Every login/authorize/submit is logged with the wallet so tests can prove a miner really mined.
// Single-threaded poll() loop; garbage gets a parse error, oversized or abusive clients are dropped.
#include "line_json.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

using namespace mr::sim;

namespace {

constexpr size_t kMaxLine = 64 * 1024;      // a longer line without newline closes the client
constexpr size_t kMaxOut = 1024 * 1024;     // a client that never reads is dropped
constexpr int kMaxGarbage = 50;             // unparseable lines tolerated per connection
constexpr size_t kMaxClients = 512;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Options {
    std::string listen = "127.0.0.1";
    int port = 3333;
    std::string log_file;
    std::string pidfile;
    int max_seconds = 600;
    int job_interval = 30;
};

struct Client {
    int fd = -1;
    std::string peer;
    std::string in;
    std::string out;
    std::string dialect;  // "xmrig" or "btc" once known
    std::string user;
    bool authed = false;
    int garbage = 0;
    long job_seq = 0;
    time_t last_job = 0;
};

FILE* g_log = nullptr;

// Log values come from the network: keep them printable, short and free of spaces.
std::string clean(std::string_view v) {
    std::string out;
    for (unsigned char c : v.substr(0, 200)) out += (c > 0x20 && c < 0x7f && c != '"') ? char(c) : '_';
    return out.empty() ? "-" : out;
}

void log_line(const std::string& line) {
    char ts[32];
    time_t now = time(nullptr);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", localtime(&now));
    if (g_log) { fprintf(g_log, "%s %s\n", ts, line.c_str()); fflush(g_log); }
    printf("%s %s\n", ts, line.c_str());
    fflush(stdout);
}

std::string hex_fill(long seed, size_t n) {
    static const char hex[] = "0123456789abcdef";
    std::string s;
    unsigned long x = 0x9e3779b97f4a7c15UL ^ (unsigned long)seed;
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        s += hex[x & 15];
    }
    return s;
}

std::string job_id(const Client& c) { return "sim" + std::to_string(c.fd) + "j" + std::to_string(c.job_seq); }

std::string xmrig_job(Client& c) {
    ++c.job_seq;
    c.last_job = time(nullptr);
    return "{\"blob\":\"" + hex_fill(c.job_seq, 152) + "\",\"job_id\":\"" + job_id(c) +
           "\",\"target\":\"b88d0600\",\"algo\":\"rx/0\",\"height\":3100000,\"seed_hash\":\"" +
           hex_fill(7, 64) + "\"}";
}

std::string btc_notify(Client& c) {
    ++c.job_seq;
    c.last_job = time(nullptr);
    return "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"" + job_id(c) + "\",\"" + hex_fill(c.job_seq, 64) +
           "\",\"01000000010000\",\"ffffffff0100\",[],\"20000000\",\"1d00ffff\",\"" +
           hex_fill(c.job_seq + 1, 8) + "\",true]}";
}

void send_line(Client& c, const std::string& line) {
    if (c.out.size() + line.size() > kMaxOut) return;  // dropped in the poll loop
    c.out += line;
    c.out += '\n';
}

std::string id_of(std::string_view msg) {
    auto id = json_field(msg, "id");
    return id ? std::string(*id) : "null";
}

void reply_error(Client& c, const std::string& id, int code, const char* text) {
    if (c.dialect == "btc")
        send_line(c, "{\"id\":" + id + ",\"result\":null,\"error\":[" + std::to_string(code) + ",\"" + text + "\",null]}");
    else
        send_line(c, "{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + std::to_string(code) +
                         ",\"message\":\"" + text + "\"}}");
}

void handle_xmrig(Client& c, const std::string& method, std::string_view msg, const std::string& id) {
    c.dialect = "xmrig";
    std::string_view params = json_field(msg, "params").value_or("{}");
    if (method == "login") {
        auto login = json_string(params, "login");
        if (!login || login->empty()) return reply_error(c, id, -1, "missing login");
        c.user = *login;
        c.authed = true;
        log_line("login dialect=xmrig user=" + clean(c.user) + " pass=" + clean(json_string(params, "pass").value_or("")) +
                 " agent=" + clean(json_string(params, "agent").value_or("")) + " peer=" + c.peer);
        send_line(c, "{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"id\":\"sess" +
                         std::to_string(c.fd) + "\",\"job\":" + xmrig_job(c) +
                         ",\"extensions\":[\"keepalive\"],\"status\":\"OK\"}}");
    } else if (!c.authed) {
        reply_error(c, id, -1, "Unauthenticated");
    } else if (method == "submit") {
        log_line("submit dialect=xmrig user=" + clean(c.user) + " job_id=" + clean(json_string(params, "job_id").value_or("")) +
                 " nonce=" + clean(json_string(params, "nonce").value_or("")) + " peer=" + c.peer);
        send_line(c, "{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"status\":\"OK\"}}");
    } else if (method == "keepalived") {
        send_line(c, "{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"status\":\"KEEPALIVED\"}}");
    } else if (method == "getjob") {
        send_line(c, "{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"error\":null,\"result\":" + xmrig_job(c) + "}");
    } else {
        reply_error(c, id, -32601, "Method not found");
    }
}

void handle_btc(Client& c, const std::string& method, std::string_view msg, const std::string& id) {
    c.dialect = "btc";
    auto params = json_items(json_field(msg, "params").value_or("[]"));
    auto param = [&](size_t i) { return i < params.size() && json_is_string(params[i]) ? json_unescape(params[i]) : std::string(); };
    if (method == "mining.subscribe") {
        log_line("subscribe dialect=btc agent=" + clean(param(0)) + " peer=" + c.peer);
        send_line(c, "{\"id\":" + id + ",\"result\":[[[\"mining.set_difficulty\",\"d" + std::to_string(c.fd) +
                         "\"],[\"mining.notify\",\"n" + std::to_string(c.fd) + "\"]],\"" + hex_fill(c.fd, 8) +
                         "\",4],\"error\":null}");
    } else if (method == "mining.authorize") {
        std::string user = param(0);
        if (user.empty()) return reply_error(c, id, 24, "Unauthorized worker");
        c.user = user;
        c.authed = true;
        log_line("authorize dialect=btc user=" + clean(user) + " pass=" + clean(param(1)) + " peer=" + c.peer);
        send_line(c, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
        send_line(c, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1]}");
        send_line(c, btc_notify(c));
    } else if (method == "mining.submit") {
        if (!c.authed) return reply_error(c, id, 24, "Unauthorized worker");
        log_line("submit dialect=btc user=" + clean(c.user) + " job_id=" + clean(param(1)) + " nonce=" + clean(param(4)) +
                 " peer=" + c.peer);
        send_line(c, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
    } else if (method == "mining.extranonce.subscribe") {
        send_line(c, "{\"id\":" + id + ",\"result\":true,\"error\":null}");
    } else {
        reply_error(c, id, 20, "Unknown method");
    }
}

void handle_line(Client& c, std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return;
    auto method = json_string(line, "method");
    if (!method) {
        ++c.garbage;
        log_line("garbage peer=" + c.peer + " bytes=" + std::to_string(line.size()));
        send_line(c, "{\"id\":null,\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
        return;
    }
    std::string id = id_of(line);
    if (method->rfind("mining.", 0) == 0) handle_btc(c, *method, line, id);
    else handle_xmrig(c, *method, line, id);
}

// Pools push fresh work; miners must cope with unsolicited messages.
void push_jobs(Client& c, int interval) {
    if (!c.authed || interval <= 0 || time(nullptr) - c.last_job < interval) return;
    if (c.dialect == "btc") send_line(c, btc_notify(c));
    else send_line(c, "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":" + xmrig_job(c) + "}");
}

bool flush_out(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) { c.out.erase(0, size_t(n)); continue; }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
    return true;
}

// Returns false when the client must be closed.
bool read_in(Client& c) {
    char buf[8192];
    ssize_t n = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.in.append(buf, size_t(n));
    size_t pos;
    while ((pos = c.in.find('\n')) != std::string::npos) {
        handle_line(c, std::string_view(c.in).substr(0, pos));
        c.in.erase(0, pos + 1);
    }
    if (c.in.size() > kMaxLine) { log_line("drop peer=" + c.peer + " reason=line-too-long"); return false; }
    if (c.garbage > kMaxGarbage) { log_line("drop peer=" + c.peer + " reason=garbage"); return false; }
    return true;
}

int open_listener(const Options& o) {
    bool v6 = o.listen.find(':') != std::string::npos;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("socket"); return -1; }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc;
    if (v6) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(uint16_t(o.port));
        if (inet_pton(AF_INET6, o.listen.c_str(), &a.sin6_addr) != 1) { fprintf(stderr, "stratum-pool: bad address %s\n", o.listen.c_str()); return -1; }
        rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(o.port));
        if (inet_pton(AF_INET, o.listen.c_str(), &a.sin_addr) != 1) { fprintf(stderr, "stratum-pool: bad address %s\n", o.listen.c_str()); return -1; }
        rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    if (rc != 0 || listen(fd, 64) != 0) {
        fprintf(stderr, "stratum-pool: cannot listen on %s:%d: %s\n", o.listen.c_str(), o.port, strerror(errno));
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

std::string peer_name(const sockaddr_storage& ss) {
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss.ss_family == AF_INET) {
        auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
    }
    return std::string(host) + ":" + std::to_string(port);
}

void usage() {
    puts("usage: stratum-pool [--listen ADDR] [--port N] [--log FILE] [--pidfile FILE]\n"
         "                    [--max-seconds N] [--job-interval N]\n"
         "A loopback test pool (xmrig JSON-RPC and mining.* stratum). Default 127.0.0.1:3333,\n"
         "exits by itself after --max-seconds (600). Port 0 picks a free port (printed).");
}

bool parse_int(const char* s, int lo, int hi, int& out) {
    char* end = nullptr;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || end == s || v < lo || v > hi) return false;
    out = int(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        std::string val;
        auto eq = a.find('=');
        bool inline_val = a.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inline_val) { val = a.substr(eq + 1); a = a.substr(0, eq); }
        auto need = [&](const char* name) -> bool {
            if (inline_val) return true;
            if (i + 1 >= argc) { fprintf(stderr, "stratum-pool: %s needs a value\n", name); return false; }
            val = argv[++i];
            return true;
        };
        if (a == "-h" || a == "--help") { usage(); return 0; }
        else if (a == "--listen") { if (!need("--listen")) return 2; o.listen = val; }
        else if (a == "--port" || a == "-p") { if (!need("--port") || !parse_int(val.c_str(), 0, 65535, o.port)) { fprintf(stderr, "stratum-pool: bad --port\n"); return 2; } }
        else if (a == "--log") { if (!need("--log")) return 2; o.log_file = val; }
        else if (a == "--pidfile") { if (!need("--pidfile")) return 2; o.pidfile = val; }
        else if (a == "--max-seconds") { if (!need("--max-seconds") || !parse_int(val.c_str(), 1, 86400, o.max_seconds)) { fprintf(stderr, "stratum-pool: bad --max-seconds\n"); return 2; } }
        else if (a == "--job-interval") { if (!need("--job-interval") || !parse_int(val.c_str(), 0, 86400, o.job_interval)) { fprintf(stderr, "stratum-pool: bad --job-interval\n"); return 2; } }
        else { fprintf(stderr, "stratum-pool: unknown option %s (try --help)\n", argv[i]); return 2; }
    }

    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    if (!o.log_file.empty()) {
        g_log = fopen(o.log_file.c_str(), "a");
        if (!g_log) { fprintf(stderr, "stratum-pool: cannot open log %s: %s\n", o.log_file.c_str(), strerror(errno)); return 1; }
    }
    int lfd = open_listener(o);
    if (lfd < 0) return 1;
    sockaddr_storage bound{};
    socklen_t blen = sizeof bound;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&bound), &blen);
    if (!o.pidfile.empty()) {
        if (FILE* f = fopen(o.pidfile.c_str(), "w")) { fprintf(f, "%d\n", getpid()); fclose(f); }
    }
    log_line("listening on " + peer_name(bound) + " pid=" + std::to_string(getpid()));

    std::vector<Client> clients;
    time_t deadline = time(nullptr) + o.max_seconds;
    while (!g_stop && time(nullptr) < deadline) {
        std::vector<pollfd> pfds;
        pfds.push_back({lfd, POLLIN, 0});
        for (auto& c : clients) pfds.push_back({c.fd, short(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
        int n = poll(pfds.data(), pfds.size(), 1000);
        if (n < 0 && errno != EINTR) { perror("poll"); break; }

        if (n > 0 && (pfds[0].revents & POLLIN)) {
            sockaddr_storage ss{};
            socklen_t sl = sizeof ss;
            int cfd = accept4(lfd, reinterpret_cast<sockaddr*>(&ss), &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (cfd >= 0 && clients.size() >= kMaxClients) close(cfd);
            else if (cfd >= 0) {
                Client c;
                c.fd = cfd;
                c.peer = peer_name(ss);
                log_line("connect peer=" + c.peer);
                clients.push_back(std::move(c));
            }
        }
        // pfds[k + 1] belongs to clients[k] for the clients that existed before accept.
        size_t polled = pfds.size() - 1;
        for (size_t k = 0; k < clients.size(); ++k) {
            Client& c = clients[k];
            bool alive = true;
            short re = k < polled ? pfds[k + 1].revents : 0;
            if (re & POLLIN) alive = read_in(c);
            else if (re & (POLLHUP | POLLERR | POLLNVAL)) alive = false;
            if (alive) push_jobs(c, o.job_interval);
            if (alive && c.out.size() >= kMaxOut) alive = false;
            if (alive) alive = flush_out(c);
            if (!alive) {
                log_line("disconnect peer=" + c.peer + " user=" + clean(c.user));
                close(c.fd);
                c.fd = -1;
            }
        }
        std::vector<Client> keep;
        for (auto& c : clients) if (c.fd >= 0) keep.push_back(std::move(c));
        clients.swap(keep);
    }
    for (auto& c : clients) close(c.fd);
    close(lfd);
    log_line(g_stop ? "exit reason=signal" : "exit reason=max-seconds");
    if (!o.pidfile.empty()) unlink(o.pidfile.c_str());
    if (g_log) fclose(g_log);
    return 0;
}
