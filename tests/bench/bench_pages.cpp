// Generates every page for 10,000 synthetic hosts (a synthetic xymondxlog-style board XML with
// full messages) into a temp dir; prints "pages hosts=N cpu_ms=... rss_kb=...". Target: <= 1 s CPU.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "atomic_file.h"
#include "board.h"
#include "pages_render.h"

using namespace mr;

static std::string synthetic_board(int hosts) {
    std::string x = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<StatusBoard>\n";
    for (int i = 0; i < hosts; ++i) {
        const char* color = i % 100 == 0 ? "red" : i % 37 == 0 ? "yellow" : "green";
        std::string host = "bench" + std::to_string(i) + ".example.com";
        std::string line1 = std::string(color) == "green"
                                ? "green no miner found (123 processes, 45 sockets checked)"
                                : std::string(color) + " xmrig (pid " + std::to_string(1000 + i) +
                                      ", user www-data) on 1.9 cores, pool 203.0.113.5:3333";
        x += "<ServerStatus><ServerName>" + host + "</ServerName><Type>miningrisk</Type><Status>" + color +
             "</Status><LastChange>Thu Nov 26 2" + std::to_string(i % 3) + ":0" + std::to_string(i % 10) +
             ":00 2026</LastChange><LogTime>Thu Nov 26 22:45:42 2026</LogTime>"
             "<ValidTime>Thu Nov 26 23:15:42 2026</ValidTime><AckTime>N/A</AckTime><Message><![CDATA[" + line1 +
             "\n<!-- ncv_skipstart -->\n<table><tr><th>pid</th><th>process</th><th>signal</th></tr>"
             "<tr><td>4316</td><td>xmrig</td><td>pool_connection 203.0.113.5:3333</td></tr></table>\n"
             "<!-- ncv_skipend -->\nsuspectcores : 1.9\nscore : 3\nfindings : 1\npoolconns : 1]]>"
             "</Message></ServerStatus>\n";
    }
    return x + "</StatusBoard>\n";
}

static double cpu_ms() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0 + ru.ru_stime.tv_sec * 1000.0 +
           ru.ru_stime.tv_usec / 1000.0;
}

int main(int argc, char** argv) {
    int hosts = argc > 1 ? std::atoi(argv[1]) : 10000;
    const char* root = argc > 2 ? argv[2] : nullptr;  // templates dir; default: a minimal pair
    // MR_BENCH_DIR=/dev/shm separates the generator's CPU from the file system's.
    const char* base = std::getenv("MR_BENCH_DIR");
    std::string tmpl_s = std::string(base ? base : "/tmp") + "/mr-bench-pages.XXXXXX";
    std::vector<char> tmpl(tmpl_s.begin(), tmpl_s.end());
    tmpl.push_back('\0');
    if (!mkdtemp(tmpl.data())) return 1;
    std::string dir = tmpl.data(), www = dir + "/www", tpl = root ? root : dir + "/tpl";
    mkdir(www.c_str(), 0755);
    if (!root) {
        mkdir(tpl.c_str(), 0755);
        write_file_atomic(tpl + "/miningrisk_header", read_text_file("/etc/xymon/web/stdnormal_header"), nullptr);
        write_file_atomic(tpl + "/miningrisk_footer", read_text_file("/etc/xymon/web/stdnormal_footer"), nullptr);
    }
    std::string xml = synthetic_board(hosts);

    double start = cpu_ms();
    std::vector<BoardEntry> board;
    std::string err;
    if (!parse_board(xml, board, &err)) {
        std::fprintf(stderr, "parse: %s\n", err.c_str());
        return 1;
    }
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.env = environment_vars();
    cfg.now = 1795740000;
    PagesResult res;
    if (!generate_pages(board, cfg, res, &err)) {
        std::fprintf(stderr, "generate: %s\n", err.c_str());
        return 1;
    }
    double used = cpu_ms() - start;
    // Steady state: the next minute, same board: host pages are compared, not rewritten.
    double start2 = cpu_ms();
    std::vector<BoardEntry> board2;
    parse_board(xml, board2, &err);
    cfg.now += 60;
    PagesResult res2;
    generate_pages(board2, cfg, res2, &err);
    double used2 = cpu_ms() - start2;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("pages hosts=%zu cpu_ms=%.0f rss_kb=%ld files=%zu rerun_cpu_ms=%.0f rerun_unchanged=%zu\n",
                res.hosts, used, ru.ru_maxrss, res.pages_written, used2, res2.unchanged);
    std::system(("rm -rf " + dir).c_str());
    return res.hosts == static_cast<size_t>(hosts) ? 0 : 1;
}
