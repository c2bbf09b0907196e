// miningrisk-pages: writes the fleet overview (index.html), the wall screen (wall.html) and one
// drill-down page per host (host-HOST.html) under Xymon's web root, from the board's miningrisk
// column. Run every minute by tasks.d under xymoncmd, so it has xymonserver.cfg's environment.
//
// The board comes from `xymondboard test=^miningrisk$ fields=...`: one query gives every host's
// full message with xymond's own escaping, whereas `xymondxboard` lets a status's first line
// break out of its CDATA (see board.h). --board-file reads either format from a file.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "util/cli.h"
#include "util/file_io.h"
#include "util/version.h"
#include "incident/incident_store.h"
#include "pages/incident_pages.h"
#include "util/file_io.h"
#include "xymon/board.h"
#include "pages/pages_run.h"
#include "xymon/xymon_log.h"
#include "xymon/xymon_sender.h"
#include "xymon/xymon_template.h"

namespace {

// The options, once: --help, the parser and the man page (help2man) all read this table.
const mr::CliSpec& cli_spec() {
    static const mr::CliSpec spec{
        "miningrisk-pages",
        mr::kMiningriskVersion,
        {"[OPTION]..."},
        "Writes the fleet overview (index.html), the wall screen (wall.html) and one drill-down\n"
        "page per host (host-HOST.html) under Xymon's web root, from the board's miningrisk column.",
        {{"--once", "", "one run, then exit (the tasks.d task, INTERVAL 1m)"},
         {"--interval", "SECONDS", "without --once: regenerate every SECONDS seconds (default 60)"},
         {"--www", "DIR", "output (default $XYMONWWWDIR/miningrisk or /var/lib/xymon/www/miningrisk)"},
         {"--templates", "DIR", "miningrisk_header/_footer, miningrisk_wall_*, miningrisk.css\n"
                                "(default $XYMONHOME/web, else /etc/xymon/web)"},
         {"--board-file", "FILE", "read the board (xymondxboard XML or xymondboard pipe format) from FILE"},
         {"--history-dir", "DIR", "Xymon's history files (default $XYMONHISTDIR or /var/lib/xymon/hist)"},
         {"--histlog-dir", "DIR", "Xymon's stored statuses, for the last evidence after a host went green\n"
                                  "(default $XYMONHISTLOGS or /var/lib/xymon/histlogs)"},
         {"--hosts", "REGEX", "only hosts whose name matches"},
         {"--clean-hours", "N", "hours without red/yellow before a host counts as clean for long\n"
                                "enough to return to production (default 24)"},
         {"--alerts", "FILE", "alerts.cfg, to say who is paged on red (default $XYMONHOME/etc/alerts.cfg,\n"
                              "else /etc/xymon/alerts.cfg)"},
         {"--timeout", "SECONDS", "deadline of the board query (default 30)"},
         {"--incidents", "DIR", "incident state of xymond_miningrisk, for the incident pages\n"
                                "(default /var/lib/xymon/miningrisk/incidents; \"\" = none)"},
         {"--rules", "DIR", "rule files, for entry-hints.txt (default /usr/share/miningrisk/rules)"},
         {"--debug", "", "log what each run wrote"}},
        {},
        "Exit status: 0 pages written, 1 a run failed (the previous pages stay), 2 wrong usage."};
    return spec;
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

void warn(const std::string& s) { mr::log_line("miningrisk-pages: " + s); }

struct Options {
    bool once = false;
    int interval = 60;
    double timeout = 30;
    std::string board_file;
    std::string alerts_file;
    std::string incidents_dir = mr::kIncidentDir;
    std::string rules_dir = "/usr/share/miningrisk/rules";
    mr::PagesConfig cfg;
};

// A board of 50,000 hosts with their full status texts stays well below this.
constexpr size_t kMaxBoardFile = 1u << 30;

// The incident reports (incident-ID.html/.md/.json, incidents.html) and, for the host and fleet
// pages, each host's open or latest incident. A broken entry-hints.txt is logged; the reports
// are written without hints rather than not at all.
void incident_pages(const Options& o, std::vector<mr::Incident>& all) {
    if (o.incidents_dir.empty()) return;
    std::vector<std::string> warnings;
    all = mr::IncidentStore(o.incidents_dir).load_all(&warnings);
    for (const auto& w : warnings) warn("incident skipped: " + w);
    mr::EntryHintRules rules;
    std::string hints = o.rules_dir + "/entry-hints.txt";
    mr::Expected<mr::EntryHintRules> r =
        mr::read_file(hints).and_then([&](const std::string& text) { return mr::parse_entry_hints(text, hints); });
    if (r) rules = std::move(*r);
    else warn("entry hints not loaded: " + r.error().message);
    mr::IncidentPagesConfig ic;
    ic.www_dir = o.cfg.www_dir;
    ic.templates_dir = o.cfg.templates_dir;
    ic.incidents_dir = o.incidents_dir;
    ic.env = o.cfg.env;
    ic.now = o.cfg.now;
    if (auto res = mr::generate_incident_pages(all, rules, ic); !res) warn("incident pages: " + res.error().message);
}

mr::Expected<std::vector<mr::BoardEntry>> load_board(const Options& o) {
    std::string text;
    if (!o.board_file.empty()) {
        mr::Expected<std::string> read = mr::read_file(o.board_file, kMaxBoardFile);
        if (!read) return mr::fail("cannot read board file " + o.board_file);
        text = std::move(*read);
    } else {
        std::string query = std::string("xymondboard test=^") + o.cfg.urls.test + "$ fields=" + mr::kPipeBoardFields;
        mr::Expected<std::string> answer = mr::xymon_query(query, o.timeout);
        if (!answer) return mr::fail("board query failed: " + answer.error().message);
        text = std::move(*answer);
    }
    mr::Expected<std::vector<mr::BoardEntry>> parsed = mr::parse_board(text);
    if (!parsed) return mr::fail((o.board_file.empty() ? "board" : o.board_file) + ": " + parsed.error().message);
    return parsed;
}

int run_once(Options& o) {
    mr::Expected<std::vector<mr::BoardEntry>> loaded = load_board(o);
    if (!loaded) {
        // Keep the previous pages: a reader sees the last good state, not an empty fleet.
        warn(loaded.error().message + "; pages left as they were");
        return 1;
    }
    const std::vector<mr::BoardEntry>& board = *loaded;
    o.cfg.now = std::time(nullptr);
    // Re-read every run: xymond_alert re-reads alerts.cfg by itself, so the wall follows edits.
    o.cfg.alerts_cfg = mr::read_file(o.alerts_file).value_or("");
    std::vector<mr::Incident> incidents;
    incident_pages(o, incidents);
    o.cfg.incidents.clear();
    for (const auto& [host, inc] : mr::latest_incident_per_host(incidents))
        o.cfg.incidents[host] = {inc->id, inc->status_text()};
    mr::Expected<mr::PagesResult> generated = mr::generate_pages(board, o.cfg, warn);
    if (!generated) {
        warn(generated.error().message);
        return 1;
    }
    const mr::PagesResult& res = *generated;
    mr::log_debug("miningrisk-pages: " + std::to_string(res.hosts) + " hosts, " +
                  std::to_string(res.pages_written) + " files, " + std::to_string(res.stale_removed) +
                  " stale pages removed");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::string www_root = env_or("XYMONWWWDIR", "/var/lib/xymon/www");
    o.cfg.www_dir = www_root + "/miningrisk";
    std::string home = env_or("XYMONHOME", "");
    o.cfg.templates_dir = !home.empty() && access((home + "/web").c_str(), R_OK) == 0 ? home + "/web" : "/etc/xymon/web";
    o.cfg.history_dir = env_or("XYMONHISTDIR", "/var/lib/xymon/hist");
    o.cfg.histlog_dir = env_or("XYMONHISTLOGS", "/var/lib/xymon/histlogs");
    o.alerts_file = !home.empty() && access((home + "/etc/alerts.cfg").c_str(), R_OK) == 0 ? home + "/etc/alerts.cfg"
                                                                                          : "/etc/xymon/alerts.cfg";
    o.cfg.urls.cgi = env_or("XYMONSERVERCGIURL", "/xymon-cgi");
    o.cfg.urls.seccgi = env_or("XYMONSERVERSECURECGIURL", "/xymon-seccgi");
    o.cfg.urls.skin = env_or("XYMONSKIN", "/xymon/gifs/static");
    o.cfg.urls.pages = env_or("XYMONSERVERWWWURL", "/xymon") + "/miningrisk";

    const mr::CliSpec& spec = cli_spec();
    mr::CliArgs a = mr::handle_cli(spec, argc, argv);
    o.once = a.has("--once");
    o.cfg.www_dir = a.get("--www", o.cfg.www_dir);
    o.cfg.templates_dir = a.get("--templates", o.cfg.templates_dir);
    o.board_file = a.get("--board-file");
    o.cfg.history_dir = a.get("--history-dir", o.cfg.history_dir);
    o.cfg.host_filter = a.get("--hosts");
    o.cfg.histlog_dir = a.get("--histlog-dir", o.cfg.histlog_dir);
    o.alerts_file = a.get("--alerts", o.alerts_file);
    o.incidents_dir = a.get("--incidents", o.incidents_dir);
    o.rules_dir = a.get("--rules", o.rules_dir);
    if (a.has("--clean-hours")) {
        std::string v = a.get("--clean-hours");
        char* end = nullptr;
        long h = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || h < 1 || h > 24 * 365)
            mr::exit_with(mr::cli_error(spec, "--clean-hours needs a whole number of hours from 1 to 8760, not '" + v + "'"));
        o.cfg.clean_hours = static_cast<int>(h);
    }
    o.interval = std::max(5, static_cast<int>(mr::cli_positive_number(spec, a, "--interval", o.interval)));
    o.timeout = std::max(1.0, mr::cli_positive_number(spec, a, "--timeout", o.timeout));
    if (a.has("--debug")) mr::set_verbose(true);
    mkdir(o.cfg.www_dir.c_str(), 0755);  // first run after install; harmless when it exists
    if (access(o.cfg.www_dir.c_str(), W_OK) != 0) {
        warn("output directory " + o.cfg.www_dir + " is missing or not writable");
        return 1;
    }
    o.cfg.env = mr::environment_vars();
    if (o.once) return run_once(o);
    for (;;) {
        run_once(o);
        sleep(static_cast<unsigned>(o.interval));
    }
}
