// Generates every page for 10,000 synthetic hosts (a synthetic xymondxlog-style board XML with
// full messages) into a temp dir, with a history file per host (every 50th green host had a red
// episode 2 h ago, so its page shows "Last evidence" from a stored status and a "watch" line);
// prints "pages hosts=N cpu_ms=... rss_kb=...". Target: <= 1 s CPU.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "util/file_io.h"
#include "xymon/board.h"
#include "pages/pages_model.h"
#include "pages/pages_run.h"

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

// Xymon's hist/HOST.TEST lines and, for a past red, its histlogs/HOST/TEST/TIME stored status.
static void synthetic_history(const std::string& hist, const std::string& histlogs, int hosts, std::time_t now) {
    mkdir(hist.c_str(), 0755);
    mkdir(histlogs.c_str(), 0755);
    auto line = [](std::time_t t, const char* color, long dur) {
        char when[64];
        struct tm tm {};
        localtime_r(&t, &tm);
        std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
        return std::string(when) + " " + color + " " + std::to_string(t) + (dur >= 0 ? " " + std::to_string(dur) : "") + "\n";
    };
    for (int i = 0; i < hosts; ++i) {
        std::string host = "bench" + std::to_string(i) + ".example.com";
        std::time_t start = now - 30 * 86400;
        std::string text;
        bool was_red = i % 50 == 0 && i % 100 != 0;  // green now, red 2 h ago
        if (was_red) {
            std::time_t red = now - 3 * 3600, green = now - 2 * 3600;
            text = line(start, "green", red - start) + line(red, "red", green - red) + line(green, "green", -1);
            std::string dir = histlogs + "/" + histlog_host_dir(host);
            mkdir(dir.c_str(), 0755);
            mkdir((dir + "/miningrisk").c_str(), 0755);
            write_file_atomic(dir + "/miningrisk/" + histlog_time(red),
                              "red xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333\n"
                              "<table><tr><td>4316</td><td>xmrig</td></tr></table>\nsuspectcores : 1.9"
                              "Status unchanged in 0.00 minutes\nMessage received from 127.0.0.1\n",
                              0644, false);
        } else {
            text = line(start, "green", -1);
        }
        write_file_atomic(hist + "/" + host + ".miningrisk", text, 0644, false);
    }
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
        write_file_atomic(tpl + "/miningrisk_header", read_file("/etc/xymon/web/stdnormal_header").value_or(""));
        write_file_atomic(tpl + "/miningrisk_footer", read_file("/etc/xymon/web/stdnormal_footer").value_or(""));
    }
    std::string xml = synthetic_board(hosts);
    const std::time_t now = 1795740000;
    synthetic_history(dir + "/hist", dir + "/histlogs", hosts, now);

    double start = cpu_ms();
    Expected<std::vector<BoardEntry>> parsed = parse_board(xml);
    if (!parsed) {
        std::fprintf(stderr, "parse: %s\n", parsed.error().message.c_str());
        return 1;
    }
    std::vector<BoardEntry> board = std::move(*parsed);
    PagesConfig cfg;
    cfg.www_dir = www;
    cfg.templates_dir = tpl;
    cfg.env = environment_vars();
    cfg.history_dir = dir + "/hist";
    cfg.histlog_dir = dir + "/histlogs";
    cfg.alerts_cfg = "SERVICE=miningrisk COLOR=red\n\tMAIL oncall@example.com DURATION>5m REPEAT=30m\n";
    cfg.now = now;
    Expected<PagesResult> generated = generate_pages(board, cfg);
    if (!generated) {
        std::fprintf(stderr, "generate: %s\n", generated.error().message.c_str());
        return 1;
    }
    const PagesResult& res = *generated;
    double used = cpu_ms() - start;
    // Steady state: the next minute, same board: host pages are compared, not rewritten.
    double start2 = cpu_ms();
    std::vector<BoardEntry> board2 = parse_board(xml).value_or(std::vector<BoardEntry>{});
    cfg.now += 60;
    PagesResult res2 = generate_pages(board2, cfg).value_or(PagesResult{});
    double used2 = cpu_ms() - start2;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("pages hosts=%zu cpu_ms=%.0f rss_kb=%ld files=%zu rerun_cpu_ms=%.0f rerun_unchanged=%zu\n",
                res.hosts, used, ru.ru_maxrss, res.pages_written, used2, res2.unchanged);
    std::system(("rm -rf " + dir).c_str());
    return res.hosts == static_cast<size_t>(hosts) ? 0 : 1;
}
