// xymond_miningrisk: a xymond_channel worker on the client channel. Reads miningrisk-client
// messages (collector id "miningrisk") and, for hosts without it, the stock client's [ps]/[ports];
// re-scores with the central policy and posts the miningrisk column back through $XYMON $XYMSRV.
//
//   xymond_channel --channel=client xymond_miningrisk [--policy FILE] [--rules DIR] [--log FILE] [--debug]
//                                                      [--no-seed: no board queries (client seeding, host pages)]
//   xymond_miningrisk --test FILE          evaluate a captured message, print the status
//   xymond_miningrisk --show-policy HOST   print the policy that applies to HOST
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <optional>
#include <vector>

#include "util/cli.h"
#include "util/file_io.h"
#include "util/version.h"
#include "xymon/channel_reader.h"
#include "xymon/client_sections.h"
#include "xymon/host_pages.h"
#include "server/server_worker.h"
#include "server/status_text.h"
#include "xymon/xymon_log.h"
#include "xymon/xymon_sender.h"
#include "incident/incident_report.h"
#include "incident/incident_state.h"
#include "incident/incident_store.h"
#include "util/file_io.h"
#include "server/side_events.h"
#include "server/order_publisher.h"

using namespace mr;

namespace {

constexpr size_t kBatchStatuses = 100;      // statuses per combo message
constexpr size_t kBatchBytes = 1u << 20;
constexpr double kSendTimeout = 30;

// The options, once: --help, the parser and the man page (help2man) all read this table.
const CliSpec& cli_spec() {
    static const CliSpec spec{
        "xymond_miningrisk",
        kMiningriskVersion,
        {"[OPTION]...   (under xymond_channel --channel=client)", "--test FILE [OPTION]...",
         "--show-policy HOST [--class CLASS] [--page PAGE] [--policy FILE]"},
        "A xymond_channel worker on the client channel: reads miningrisk-client messages and, for\n"
        "hosts without the client, the stock client's [ps]/[ports]; scores them with the central\n"
        "policy and posts the miningrisk column through $XYMON $XYMSRV.",
        {{"--policy", "FILE", "central policy (default /etc/xymon/miningrisk.cfg)"},
         {"--rules", "DIR", "rule and IOC files (default /usr/share/miningrisk/rules)"},
         {"--pools", "FILE", "merged pool list (default /var/lib/xymon/miningrisk/pools.txt)"},
         {"--log", "FILE", "append the log here (reopened on xymond's logrotate message)"},
         {"--debug", "", "log every message and batch"},
         {"--max-message", "BYTES", "largest channel message accepted (larger ones are skipped)"},
         {"--no-seed", "", "no board queries (client seeding at start, host pages for PAGE=)"},
         {"--test", "FILE", "score a captured message, clientlog output or channel dump; print the status"},
         {"--show-policy", "HOST", "print the policy that applies to HOST"},
         {"--class", "CLASS", "with --show-policy: the host's class"},
         {"--page", "PAGE", "with --show-policy: the host's page path in hosts.cfg"},
         {"--incidents", "DIR", "incident state (default /var/lib/xymon/miningrisk/incidents)"},
         {"--no-incidents", "", "no incidents and no SIEM events (the column only)"},
         {"--siem-config", "FILE", "SIEM output settings (default /etc/xymon/miningrisk-siem.cfg)"},
         {"--incident-json", "FILE", "read an incident's .json export back and print it as its state file\n"
                                      "(what the incident directory holds, lessons aside)"},
         {"--incident-events", "", "under xymond_channel --channel=page or --channel=enadis: record paged,\n"
                                   "acknowledged, disabled and enabled for the incidents"},
         {"--orders", "", "under xymond_channel --channel=user: publish operators' orders (usermsg\n"
                          "miningrisk-order from the miningrisk-order CGI) for the hosts' clients"},
         {"--orders-dir", "DIR", "with --orders: the hosts' order files (default /var/lib/xymon/miningrisk/orders)"},
         {"--order-key", "FILE", "with --orders: the key orders are signed with\n"
                                 "(default /var/lib/xymon/miningrisk/order.key)"}},
        {},
        "Exit status: 0 done, 1 --test posted nothing or --show-policy could not load the policy,\n"
        "2 wrong usage."};
    return spec;
}

bool stdin_ready() {
    pollfd p{0, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
}

// Posts the statuses, several in one combo message (blank lines separate them; our statuses
// never contain an empty line).
void flush(std::vector<std::string>& pending) {
    size_t i = 0;
    while (i < pending.size()) {
        std::string msg;
        size_t n = 0;
        size_t bytes = 0;
        while (i + n < pending.size() && n < kBatchStatuses && (n == 0 || bytes + pending[i + n].size() < kBatchBytes)) {
            bytes += pending[i + n].size();
            ++n;
        }
        if (n == 1) {
            msg = pending[i];
        } else {
            msg = "combo\n";
            for (size_t k = 0; k < n; ++k) {
                msg += pending[i + k];
                if (k + 1 < n) msg += "\n";
            }
        }
        if (Status sent = send_to_xymon(msg, kSendTimeout); !sent)
            log_line("sending " + std::to_string(n) + " status(es) failed: " + sent.error().message);
        else
            log_debug("posted " + std::to_string(n) + " status(es)");
        i += n;
    }
    pending.clear();
}

// Hosts whose column came from miningrisk-client before a restart keep that standing, so
// their stock client messages do not briefly flip the column to agentless.
void seed_from_board(ServerWorker& w) {
    Expected<std::string> resp = xymon_query("xymondboard test=^miningrisk$ fields=hostname,line1", 10);
    if (!resp) {
        log_debug("board query failed: " + resp.error().message);
        return;
    }
    std::istringstream in(*resp);
    std::string line;
    std::time_t now = std::time(nullptr);
    while (std::getline(in, line)) {
        size_t bar = line.find('|');
        if (bar == std::string::npos || bar == 0) continue;
        // Only the marker at the end counts: a process name saying "(agentless)" elsewhere in
        // line 1 must not flip a miningrisk-client host to agentless scoring.
        if (!line1_is_agentless(std::string_view(line).substr(bar + 1))) w.note_client(line.substr(0, bar), now, 300);
    }
}

// hosts.cfg's page of every host, for PAGE= scopes (the client channel does not carry it).
Expected<HostPages> load_host_pages() {
    Expected<std::string> resp = xymon_query(kHostPagesQuery, 10);
    if (!resp) return fail(resp.error());
    HostPages pages = parse_host_pages(*resp);
    if (pages.empty()) return fail("xymond answered '" + std::string(kHostPagesQuery) + "' with no hosts");
    return pages;
}

int run_test(ServerWorker& w, const std::string& path) {
    // A capture of channel messages, for tests: bounded like any file we read.
    Expected<std::string> read = read_file(path, 1u << 30);
    if (!read) {
        std::cerr << "xymond_miningrisk: cannot read " << path << "\n";
        return 2;
    }
    const std::string& text = *read;
    std::time_t now = std::time(nullptr);
    std::vector<std::string> out;
    size_t start = text.find_first_not_of("\n");
    if (start != std::string::npos && text.compare(start, 2, "@@") == 0) {
        // A dump of what xymond_channel writes.
        ChannelReader r;
        r.feed(text);
        r.finish();
        ChannelMessage m;
        while (r.next(m)) w.handle(m, now, out);
        for (const auto& l : r.take_log()) std::cerr << l << "\n";
    } else {
        // A raw client message, or `clientlog HOST` output with [collector:ID] parts: the
        // miningrisk part first, so that it wins as it does on a live server.
        std::vector<CollectorPart> parts = split_collectors(text);
        std::stable_sort(parts.begin(), parts.end(), [](const CollectorPart& a, const CollectorPart& b) {
            return (a.collector_id == kCollectorId) > (b.collector_id == kCollectorId);
        });
        for (const auto& p : parts) {
            size_t nl = p.text.find('\n');
            Expected<ClientFirstLine> first = parse_client_first_line(p.text.substr(0, nl));
            if (!first) {
                std::cerr << "xymond_miningrisk: " << path << ": " << first.error().message
                          << " (first line '" << std::string(p.text.substr(0, std::min<size_t>(nl, 80)))
                          << "')\n";
                continue;
            }
            const ClientFirstLine& fl = *first;
            ChannelMessage m;
            m.channel = "client";
            m.host = fl.host;
            m.fields = {std::to_string(now), "127.0.0.1", fl.host, fl.ostype, fl.config_class, fl.collector_id};
            m.body = std::string(p.text);
            size_t before = out.size();
            w.handle(m, now, out);
            if (out.size() == before && fl.collector_id == kCollectorId)
                std::cerr << "xymond_miningrisk: " << path << ": the miningrisk message did not parse\n";
        }
    }
    for (size_t i = 0; i < out.size(); ++i) std::cout << (i ? "\n" : "") << out[i];
    return out.empty() ? 1 : 0;
}

}  // namespace

// The loop of the side workers (one channel each): every message to `handle` until xymond
// closes the pipe or says shutdown; logrotate reopens the log.
template <class Handler>
int run_side_channel(size_t max_message, const std::string& log_file, Handler handle) {
    ChannelReader reader(max_message);
    std::vector<char> buf(64 * 1024);
    ChannelMessage msg;
    for (;;) {
        ssize_t n = read(0, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reader.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
        for (const auto& l : reader.take_log()) log_line(l);
        while (reader.next(msg)) {
            if (msg.channel == "shutdown") return 0;
            if (msg.channel == "logrotate" && !log_file.empty()) {
                std::freopen(log_file.c_str(), "a", stderr);
                continue;
            }
            handle(msg);
        }
    }
    return 0;
}

// The page/enadis side: each ack, page and disable of the column becomes a line in the
// incidents' events file, which the client-channel worker merges into the open incident.
int run_incident_events(const std::string& dir, size_t max_message, const std::string& log_file) {
    IncidentStore store(dir);
    if (Status ready = store.prepare(); !ready) log_line("incident events: " + ready.error().message);
    log_line("xymond_miningrisk --incident-events started (incidents " + dir + ")");
    return run_side_channel(max_message, log_file, [&](const ChannelMessage& msg) {
        std::optional<HostEvent> e = side_event(msg);
        if (!e) return;
        if (Status kept = store.append_event(*e); !kept)
            log_line("incident event for " + e->host + " lost: " + kept.error().message);
        else log_debug("incident event " + e->event.kind + " for " + e->host);
    });
}

// The user channel: operators' orders from the CGI, checked and published per host.
int run_orders(const OrderPublisherOptions& opt, size_t max_message, const std::string& log_file) {
    OrderPublisher pub(opt);
    log_line("xymond_miningrisk --orders started (orders in " + opt.dir + ")");
    return run_side_channel(max_message, log_file, [&](const ChannelMessage& msg) {
        pub.handle(msg, static_cast<int64_t>(std::time(nullptr)));
        for (const auto& l : pub.take_log()) log_line(l);
    });
}

int main(int argc, char** argv) {
    const CliSpec& spec = cli_spec();
    CliArgs a = handle_cli(spec, argc, argv);
    WorkerOptions opt;
    opt.policy_path = a.get("--policy", opt.policy_path);
    opt.rules_dir = a.get("--rules", opt.rules_dir);
    opt.pools_file = a.get("--pools", opt.pools_file);
    std::string test_file = a.get("--test"), show_host = a.get("--show-policy");
    std::string show_class = a.get("--class"), show_page = a.get("--page"), log_file = a.get("--log");
    size_t max_message = static_cast<size_t>(
        cli_positive_number(spec, a, "--max-message", static_cast<double>(ChannelReader::kDefaultMaxMessage)));
    bool seed = !a.has("--no-seed");
    bool debug = a.has("--debug");
    if (debug) set_verbose(true);
    if (!log_file.empty() && !std::freopen(log_file.c_str(), "a", stderr))
        std::cerr << "xymond_miningrisk: cannot open log " << log_file << ": " << std::strerror(errno) << "\n";

    if (!show_host.empty()) {
        Policy p;
        if (Status loaded = p.load_file(opt.policy_path); !loaded) {
            std::cerr << loaded.error().message << "\n";
            return 1;
        }
        std::cout << "policy file " << opt.policy_path << "\n" << p.describe(show_host, show_class, show_page);
        return 0;
    }

    if (a.has("--incident-json")) {
        Expected<std::string> text = read_file(a.get("--incident-json"));
        if (!text) {
            std::cerr << "xymond_miningrisk: " << text.error().message << "\n";
            return 1;
        }
        Expected<Incident> inc = incident_from_json(*text);
        if (!inc) {
            std::cerr << "xymond_miningrisk: " << a.get("--incident-json") << ": " << inc.error().message << "\n";
            return 1;
        }
        std::cout << serialize_incident(*inc);
        return 0;
    }
    std::string incidents = a.get("--incidents", kIncidentDir);
    if (a.has("--incident-events")) return run_incident_events(incidents, max_message, log_file);
    if (a.has("--orders")) {
        OrderPublisherOptions oo;
        oo.dir = a.get("--orders-dir", oo.dir);
        oo.key_file = a.get("--order-key", oo.key_file);
        return run_orders(oo, max_message, log_file);
    }
    // Incidents only in the live worker: --test must not write state or SIEM events.
    if (test_file.empty() && !a.has("--no-incidents")) opt.incidents_dir = incidents;
    opt.siem_config = a.get("--siem-config", opt.siem_config);
    ServerWorker worker(opt);
    worker.init();
    if (!test_file.empty()) return run_test(worker, test_file);

    log_line("xymond_miningrisk started (policy " + opt.policy_path + ", rules " + opt.rules_dir + ")");
    if (seed) {
        seed_from_board(worker);
        worker.set_page_loader(load_host_pages);
    }
    ChannelReader reader(max_message);
    std::vector<std::string> pending;
    std::vector<char> buf(256 * 1024);
    ChannelMessage msg;
    bool running = true;
    while (running) {
        ssize_t n = read(0, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            reader.finish();
            running = false;
        } else {
            reader.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
        }
        for (const auto& l : reader.take_log()) log_line(l);
        while (reader.next(msg)) {
            if (msg.channel == "logrotate" && !log_file.empty()) {
                std::freopen(log_file.c_str(), "a", stderr);
                continue;
            }
            if (debug) log_debug("message " + msg.channel + "#" + std::to_string(msg.seq) + " from " + msg.host);
            if (!worker.handle(msg, std::time(nullptr), pending)) {
                log_line("shutdown requested by xymond");
                running = false;
                break;
            }
            if (pending.size() >= kBatchStatuses) flush(pending);
        }
        if (!pending.empty() && (!running || !stdin_ready())) flush(pending);
    }
    worker.flush_state();
    const WorkerStats& s = worker.stats();
    log_line("xymond_miningrisk exiting: " + std::to_string(s.miningrisk_messages) + " miningrisk, " +
             std::to_string(s.agentless_messages) + " agentless, " + std::to_string(s.bad_messages) + " bad messages, " +
             std::to_string(s.statuses) + " statuses");
    return 0;
}
