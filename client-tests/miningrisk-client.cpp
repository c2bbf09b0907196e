// miningrisk-client: the Xymon client-side test. Each run: one pass over /proc, the detection
// rules, and one client/miningrisk message to the Xymon server (or stdout with --dry-run).
#include <fmt/core.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>

#include "util/cli.h"
#include "util/file_io.h"
#include "util/version.h"
#include "client/client_config.h"
#include "client/contain_step.h"
#include "client/order_step.h"
#include "client/evidence_step.h"
#include "client/recovery_step.h"
#include "client/client_report.h"
#include "client/pool_answer.h"
#include "rules/cmdline_rules.h"
#include "collect/collector.h"
#include "collect/environ_reader.h"
#include "rules/detector.h"
#include "xymon/message.h"
#include "xymon/snapshot_codec.h"
#include "collect/proc_parse.h"
#include "collect/proc_reader.h"
#include "server/server_worker.h"
#include "xymon/xymon_log.h"
#include "xymon/xymon_sender.h"

namespace {

// The options, once: --help, the parser and the man page (help2man) all read this table.
const mr::CliSpec& cli_spec() {
    static const mr::CliSpec spec{
        "miningrisk-client",
        mr::kMiningriskVersion,
        {"[OPTION]..."},
        "Looks at every process, thread and socket for signs of a cryptominer and reports the\n"
        "evidence to Xymon as a client/miningrisk message (run by xymonlaunch from clientlaunch.d).",
        {{"--config", "FILE", "settings (default /etc/xymon/miningrisk-client.cfg, optional)"},
         {"--dry-run", "", "print the exact message to stdout instead of sending it"},
         {"--proc-root", "DIR", "read processes from DIR instead of /proc (fixture trees)"},
         {"--rules", "DIR", "rule and IOC files (default /usr/share/miningrisk/rules)"},
         {"--state-file", "FILE", "CPU counters between runs (default $XYMONTMP/miningrisk-client.state)"},
         {"--sample", "SECONDS", "CPU sample length when there is no earlier state (default 1)"},
         {"--timeout", "SECONDS", "the whole run's deadline; sending is killed after it (default 30)"},
         {"--host", "NAME", "Xymon host name (default $MACHINEDOTS, $MACHINE, or hostname)"},
         {"--no-fetch", "", "do not fetch the server's pool list (use the cached copy)"},
         {"--standalone", "", "post the finished miningrisk status (no server plugin needed)"},
         {"--thaw", "PID", "thaw a process tree that containment froze (root helper), and report it"},
         {"--unisolate", "PID", "take away the network rules that containment's isolate put on a process tree, and report it"},
         {"--snapshot", "PID", "take an evidence snapshot of PID now (root helper), print its record; the next cycle reports it"},
         {"--verbose", "", "log what it does on stderr"}},
        {},
        "Environment (from xymonlaunch): XYMON, XYMSRV, MACHINE, MACHINEDOTS, XYMONTMP.\n"
        "Exit status: 0 sent (or printed), 1 sending failed, 2 wrong usage, 3 deadline reached."};
    return spec;
}

struct Options {
    std::string config_file = "/etc/xymon/miningrisk-client.cfg";
    bool config_given = false;
    bool dry_run = false;
    std::string proc_root = "/proc";
    std::string rules_dir;
    std::string state_file;
    double sample = -1;
    double timeout = -1;
    std::string host;
    bool verbose = false;
    bool no_fetch = false;
    bool standalone = false;
    int snapshot_pid = 0;
    int thaw_pid = 0;
    int unisolate_pid = 0;
};

std::string env(const char* name, const std::string& fallback = "") {
    const char* v = std::getenv(name);
    return (v && *v) ? v : fallback;
}

// Settings and pool lists are small; a larger file is refused rather than read into memory.
constexpr size_t kMaxClientFile = 16u << 20;

// Atomic so that a run killed at its deadline never leaves half a file for the next one.
void write_or_log(const std::string& path, const std::string& text) {
    if (mr::Status st = mr::write_file_atomic(path, text, 0644, false); !st) mr::log_line(st.error().message);
}

// Loads the config; a broken file is logged with FILE:LINE and the last good copy is used.
mr::ClientConfig load_config(const Options& o, const std::string& tmpdir) {
    mr::ClientConfig cfg;
    mr::Expected<std::string> text = mr::read_file(o.config_file, kMaxClientFile);
    if (!text) {
        if (o.config_given) mr::log_line("cannot read the config: " + text.error().message);
        return cfg;
    }
    std::string good_copy = tmpdir + "/miningrisk-client.cfg.lastgood";
    mr::Expected<mr::ClientConfig> parsed = mr::parse_client_config(*text, o.config_file);
    if (parsed) {
        write_or_log(good_copy, *text);
        return *parsed;
    }
    mr::log_line("config error: " + parsed.error().message + " (using the last good config)");
    if (mr::Expected<std::string> good = mr::read_file(good_copy, kMaxClientFile))
        if (mr::Expected<mr::ClientConfig> last_good = mr::parse_client_config(*good, good_copy)) return *last_good;
    return cfg;
}

std::string default_host() {
    std::string h = env("MACHINEDOTS");
    if (h.empty()) {
        h = env("MACHINE");
        std::replace(h.begin(), h.end(), ',', '.');
    }
    if (h.empty()) {
        char buf[256] = {};
        gethostname(buf, sizeof buf - 1);
        h = buf;
    }
    return h;
}

// The server's merged pool list reaches every client through Xymon itself ("config FILE"). A
// download that does not load keeps the last good copy in $XYMONTMP in force.
void load_server_pools(mr::Detector& detector, const std::string& name, const std::string& tmpdir,
                       bool fetch, double fetch_timeout) {
    if (name.empty()) return;
    std::string cached = tmpdir + "/" + name;
    std::string body, err;
    std::string target;
    bool got = false;
    if (fetch) {
        mr::Expected<std::string> answer = mr::xymon_query("config " + name, fetch_timeout);
        got = bool(answer);
        if (answer) body = std::move(*answer);
        else err = answer.error().message;
    }
    if (got && mr::classify_pool_answer(body, &target) == mr::PoolAnswer::not_published) {
        mr::log_line("pool list " + name + ": the server has not published one yet (" + target +
                     " does not exist there); scanning with the shipped lists");
    } else if (got && !body.empty()) {
        std::string fresh = cached + ".new";
        write_or_log(fresh, body);
        mr::Status loaded = detector.load_ioc_file(fresh);
        if (loaded) {
            std::rename(fresh.c_str(), cached.c_str());
            mr::log_debug("pool list " + name + " version " + detector.ioc_version() + " from the server");
            return;
        }
        mr::log_line("pool list from the server rejected: " + loaded.error().message + " (keeping the last good list)");
        std::remove(fresh.c_str());
    } else if (fetch) {
        mr::log_debug("pool list " + name + " not fetched: " + (err.empty() ? "empty answer" : err));
    }
    if (access(cached.c_str(), R_OK) != 0) return;
    if (mr::Status loaded = detector.load_ioc_file(cached); !loaded)
        mr::log_line("cached pool list: " + loaded.error().message);
}

// A cycle must never hang: past the deadline the process ends itself.
void on_deadline(int) {
    const char msg[] = "miningrisk-client: deadline reached, giving up this cycle\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(3);
}

// --snapshot PID: the helper now, its record on stdout, kept for the next cycle's message.
int snapshot_by_hand(const mr::EvidenceOptions& eopt, int pid) {
    mr::StatFields st;
    mr::Expected<std::string> stat = mr::read_file_prefix("/proc/" + std::to_string(pid) + "/stat", 4096);
    if (!stat || !mr::parse_stat(*stat, st)) {
        std::cerr << "miningrisk-client: no process " << pid << "\n";
        return 1;
    }
    mr::SnapshotRecord rec = mr::run_snapshot_helper(eopt, pid, st.start_ticks, "by hand");
    mr::remember_snapshot(eopt, rec, std::time(nullptr));
    std::cout << mr::encode_kv_line(mr::snapshot_to_kv(rec)) << "\n";
    if (rec.status != "ok") std::cerr << "miningrisk-client: snapshot: " << rec.status << "\n";
    return rec.status == "ok" ? 0 : 1;
}

Options parse_args(int argc, char** argv) {
    const mr::CliSpec& spec = cli_spec();
    mr::CliArgs a = mr::handle_cli(spec, argc, argv);
    Options o;
    o.config_given = a.has("--config");
    o.config_file = a.get("--config", o.config_file);
    o.dry_run = a.has("--dry-run");
    o.proc_root = a.get("--proc-root", o.proc_root);
    o.rules_dir = a.get("--rules");
    o.state_file = a.get("--state-file");
    o.sample = mr::cli_positive_number(spec, a, "--sample", -1);
    o.timeout = mr::cli_positive_number(spec, a, "--timeout", -1);
    o.host = a.get("--host");
    o.no_fetch = a.has("--no-fetch");
    o.standalone = a.has("--standalone");
    o.verbose = a.has("--verbose");
    double pid = mr::cli_positive_number(spec, a, "--snapshot", 0);
    if (pid != static_cast<int>(pid)) {
        std::cerr << "miningrisk-client: --snapshot needs a pid\n";
        std::exit(2);
    }
    o.snapshot_pid = static_cast<int>(pid);
    double thaw = mr::cli_positive_number(spec, a, "--thaw", 0);
    if (thaw != static_cast<int>(thaw)) {
        std::cerr << "miningrisk-client: --thaw needs a pid\n";
        std::exit(2);
    }
    o.thaw_pid = static_cast<int>(thaw);
    double uniso = mr::cli_positive_number(spec, a, "--unisolate", 0);
    if (uniso != static_cast<int>(uniso)) {
        std::cerr << "miningrisk-client: --unisolate needs a pid\n";
        std::exit(2);
    }
    o.unisolate_pid = static_cast<int>(uniso);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_args(argc, argv);
    mr::set_verbose(o.verbose);
    std::string tmpdir = env("XYMONTMP", "/tmp");
    mr::ClientConfig cfg = load_config(o, tmpdir);
    double timeout = o.timeout > 0 ? o.timeout : cfg.timeout;
    const auto started = std::chrono::steady_clock::now();
    signal(SIGALRM, on_deadline);
    alarm(static_cast<unsigned>(timeout + 0.999));

    mr::EvidenceOptions eopt;
    eopt.enabled = cfg.snapshot;
    eopt.helper = cfg.snapshot_helper;
    eopt.use_sudo = geteuid() != 0;
    eopt.host = o.host.empty() ? default_host() : o.host;
    eopt.state_file = o.proc_root == "/proc" ? tmpdir + "/miningrisk-snapshots.state" : "";
    if (o.snapshot_pid > 0) return snapshot_by_hand(eopt, o.snapshot_pid);
    mr::ContainOptions kopt;
    mr::parse_contain_mode(cfg.contain, kopt.client_mode);
    kopt.allow_package = cfg.contain_allow_package;
    kopt.only = cfg.contain_only;
    kopt.use_sudo = eopt.use_sudo;
    kopt.tmpdir = o.proc_root == "/proc" ? tmpdir : "";
    kopt.host = eopt.host;
    kopt.fetch = !o.no_fetch;
    kopt.fetch_timeout = std::min(kopt.fetch_timeout, timeout / 4);   // as the pool list: room left to send
    kopt.interval = cfg.interval;
    kopt.pool_files = {(o.rules_dir.empty() ? cfg.rules_dir : o.rules_dir) + "/pool-addresses.txt"};
    if (!cfg.pools_config.empty()) kopt.pool_files.push_back(tmpdir + "/" + cfg.pools_config);
    // tests only: isolation rules that expire in seconds (the helper takes it from real root only)
    if (geteuid() == 0) kopt.test_ttl = std::atoi(env("MININGRISK_TEST_ISOLATE_TTL", "0").c_str());
    if (o.thaw_pid > 0 || o.unisolate_pid > 0) {
        mr::ContainmentRecord rec = o.thaw_pid > 0 ? mr::thaw_by_hand(kopt, o.thaw_pid, std::time(nullptr))
                                                   : mr::unisolate_by_hand(kopt, o.unisolate_pid, std::time(nullptr));
        std::cout << mr::encode_kv_line(mr::containment_to_kv(rec)) << "\n";
        return rec.result == "done" ? 0 : 1;
    }

    mr::Detector detector;
    std::string rules_dir = o.rules_dir.empty() ? cfg.rules_dir : o.rules_dir;
    if (mr::Status loaded = detector.load(rules_dir); !loaded) mr::log_line("rules: " + loaded.error().message);
    // The fetch gets a quarter of the deadline so that the report itself can still be sent.
    load_server_pools(detector, cfg.pools_config, tmpdir, o.proc_root == "/proc" && !o.no_fetch,
                      std::min(10.0, timeout / 4));

    mr::CollectOptions copt;
    copt.proc_root = o.proc_root;
    copt.state_file = !o.state_file.empty() ? o.state_file
                      : o.proc_root == "/proc" ? tmpdir + "/miningrisk-client.state" : "";
    copt.sample_seconds = o.sample > 0 ? o.sample : cfg.sample_seconds;
    copt.sweep_hidden_pids = o.proc_root == "/proc";
    mr::Snapshot snap = mr::collect(copt);
    mr::read_candidate_environments(snap, o.proc_root, [&detector](std::string_view entry) {
        return mr::env_entry_matters(entry, detector.rules());
    });

    mr::DetectOptions dopt;
    dopt.proc_root = o.proc_root;
    dopt.scan_binaries = cfg.scan_binaries;
    dopt.scan_cache_file = o.proc_root == "/proc" ? tmpdir + "/miningrisk-client.scancache" : "";
    dopt.persistence_root = o.proc_root == "/proc" ? "/" : "";
    mr::ReportContext ctx;
    ctx.agent = fmt::format("miningrisk-client/{}", mr::kMiningriskVersion);
    ctx.host = o.host.empty() ? default_host() : o.host;
    ctx.interval = cfg.interval;
    ctx.top = cfg.top;
    ctx.self_pid = getpid();
    ctx.ioc_version = detector.ioc_version();
    size_t found = 0;
    std::vector<mr::Finding> findings = detector.detect(snap, dopt, &found);
    mr::ClientReport r = mr::build_client_report(snap, std::move(findings), found, ctx);
    // The evidence snapshot of a new red gets what the deadline can spare, less room to send.
    double spent_so_far = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    eopt.timeout = std::min(13.0, timeout - spent_so_far - 5);
    if (eopt.timeout < 3 || o.dry_run) eopt.enabled = false;  // a dry run changes nothing on the host
    // Operators' orders first (a snapshot order counts as the evidence; a freeze is seen by
    // containment), then what is left of the budget for the automatic snapshot.
    mr::OrderOptions oopt;
    oopt.tmpdir = o.dry_run ? "" : kopt.tmpdir;
    oopt.host = eopt.host;
    oopt.fetch = !o.no_fetch;
    // Like the pool list: each fetch gets at most a quarter of the deadline, so that a hung
    // server leaves room to send (and to log why) before the deadline.
    oopt.fetch_timeout = std::min(oopt.fetch_timeout, timeout / 4);
    if (!oopt.tmpdir.empty()) {
        mr::order_step(oopt, kopt, eopt, r.findings, snap.time);
        spent_so_far = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        eopt.timeout = std::min(13.0, timeout - spent_so_far - 5);
        if (eopt.timeout < 3) eopt.enabled = false;
    }
    r.snapshots = mr::evidence_step(eopt, r.findings, snap, snap.time);
    // Containment after the evidence: a dry run neither acts nor counts cycles.
    if (o.dry_run) kopt.tmpdir.clear();
    r.containment = mr::contain_step(kopt, r.findings, snap, mr::all_snapshots(eopt, snap.time), snap.time);
    // Verified recovery: the kept snapshots' traces, checked by the root helper.
    mr::RecoveryOptions ropt;
    ropt.helper = eopt.helper;
    ropt.use_sudo = eopt.use_sudo;
    ropt.host = eopt.host;
    ropt.tuning_file = o.proc_root == "/proc" && !o.dry_run ? tmpdir + "/miningrisk-tuning.state" : "";
    ropt.timeout = std::max(1.0, std::min(10.0, timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() - 3));
    bool red = std::any_of(r.findings.begin(), r.findings.end(), [](const mr::Finding& f) { return f.color == mr::Color::red; });
    if (auto facts = mr::recovery_step(ropt, mr::all_snapshots(eopt, snap.time), snap.host, red)) {
        r.has_recovery = true;
        r.recovery = std::move(*facts);
    }

    mr::ClientReport wire = r;
    wire.host = mr::wire_host(r.host);
    std::string msg = mr::build_client_message(wire);
    if (o.standalone || cfg.standalone) {
        // Score here with the server's code and default policy, and post the column itself.
        mr::WorkerOptions wopt;
        wopt.policy_path = "/etc/xymon/miningrisk.cfg";  // used when present (e.g. on the server)
        wopt.rules_dir = rules_dir;
        wopt.pools_file = "";  // this client already scanned with the list it fetched
        mr::ServerWorker worker(wopt);
        worker.init();
        mr::Expected<std::string> status = worker.evaluate_miningrisk(r.host, "linux", msg, std::time(nullptr));
        if (!status) {
            mr::log_line("standalone: cannot build the status: " + status.error().message);
            return 1;
        }
        msg = std::move(*status);
    }
    if (o.dry_run) {
        std::cout << msg;
        return 0;
    }
    // Sending gets what is left of the deadline, less a margin to log a failure before SIGALRM.
    double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (mr::Status sent = mr::send_to_xymon(msg, std::max(0.5, timeout - spent - 0.5)); !sent) {
        mr::log_line("send failed: " + sent.error().message);
        return 1;
    }
    mr::log_debug(fmt::format("sent {} bytes: {} findings, colour {}", msg.size(), r.findings.size(),
                              mr::to_string(r.color)));
    return 0;
}
