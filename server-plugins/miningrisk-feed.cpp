// miningrisk-feed: keeps the pool indicator list current from public blocklists.
//   miningrisk-feed [--config FILE] [--state-dir DIR] [--host NAME] [--status|--dry-run] [update]
//   miningrisk-feed [--config FILE] [--host NAME] [--dry-run] status
//   miningrisk-feed [--config FILE] export --format nftables|ipset|hosts|unbound [--input F] [--output F]
// `update` downloads every enabled feed, validates it, keeps the last good list of each feed when
// a download fails or is refused, merges feeds + shipped lists (+ resolved addresses), writes the
// merged list (OUTPUT) and makes it available to clients through Xymon's `config` command
// (PUBLISH, an `include OUTPUT` stub in /etc/xymon). `--status` then posts the `miningrisk-feed`
// column; `--dry-run` prints that status instead of sending it.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "feed/feed_config.h"
#include "feed/feed_export.h"
#include "feed/feed_fetch.h"
#include "feed/feed_formats.h"
#include "feed/feed_merge.h"
#include "feed/feed_resolve.h"
#include "feed/feed_state.h"
#include "feed/feed_validate.h"
#include "xymon/xymon_log.h"
#include "util/cli.h"
#include "util/expected.h"
#include "util/file_io.h"
#include "util/html_escape.h"
#include "util/version.h"
#include "xymon/xymon_sender.h"

namespace {

using namespace mr;

struct Options {
    std::string config = "/etc/xymon/miningrisk-feed.cfg";
    std::string state_dir = "/var/lib/xymon/miningrisk/feeds";
    std::string host;
    std::string command = "update";
    std::string format;
    std::string input;
    std::string output;
    std::string lifetime = "13h";
    bool post_status = false;
    bool dry_run = false;
    double every = 0;  // seconds between updates; 0: one update
};

// The options, once: --help, the parser and the man page (help2man) all read this table.
const CliSpec& cli_spec() {
    static const CliSpec spec{
        "miningrisk-feed",
        kMiningriskVersion,
        {"[OPTION]... [update|status]", "[OPTION]... export --format nftables|ipset|hosts|unbound [--output FILE]"},
        "Keeps the pool indicator list current from public blocklists. update (the default) fetches\n"
        "every enabled feed, keeps the last good list of each, merges them with the shipped lists,\n"
        "writes OUTPUT and publishes it to clients through Xymon's config command. status only\n"
        "reports. export turns the merged list (or, before any update, the shipped lists) into\n"
        "blocking rules.",
        {{"--config", "FILE", "feed list and settings (default /etc/xymon/miningrisk-feed.cfg)"},
         {"--state-dir", "DIR", "per-feed state and last good lists (default /var/lib/xymon/miningrisk/feeds)"},
         {"--host", "NAME", "host of the miningrisk-feed column (default $MACHINEDOTS, $MACHINE, hostname)"},
         {"--status", "", "post the miningrisk-feed column after the update"},
         {"--dry-run", "", "print that status to stdout instead of sending it"},
         {"--lifetime", "TIME", "lifetime of the status (default 13h)"},
         {"--format", "FORMAT", "export: nftables, ipset, hosts or unbound"},
         {"--input", "FILE", "export: read this list instead of the merged list"},
         {"--output", "FILE", "export: write here (atomically) instead of stdout"},
         {"--every", "SECONDS", "update now, then again every SECONDS (the tasks.d task: 3600)"},
         {"-v, --verbose", "", "log what it does on stderr"}},
        {"update", "status", "export"},
        "Exit status: 0 done, 1 a step failed (see the log), 2 wrong usage or unusable config."};
    return spec;
}

Options parse_args(int argc, char** argv) {
    const CliSpec& spec = cli_spec();
    CliArgs a = handle_cli(spec, argc, argv);
    Options o;
    o.config = a.get("--config", o.config);
    o.state_dir = a.get("--state-dir", o.state_dir);
    o.host = a.get("--host");
    o.format = a.get("--format");
    o.input = a.get("--input");
    o.output = a.get("--output");
    o.lifetime = a.get("--lifetime", o.lifetime);
    o.post_status = a.has("--status");
    o.dry_run = a.has("--dry-run");
    o.every = cli_positive_number(spec, a, "--every", 0);
    if (a.has("--verbose")) set_verbose(true);
    if (a.positional.size() > 1) exit_with(cli_error(spec, "one command at a time"));
    if (!a.positional.empty()) o.command = a.positional[0];
    if (o.every > 0 && o.command != "update") exit_with(cli_error(spec, "--every goes with update only"));
    return o;
}

std::string default_host() {
    for (const char* var : {"MACHINEDOTS", "MACHINE"}) {
        const char* v = std::getenv(var);
        if (v && *v) {
            std::string s = v;
            for (char& c : s)
                if (c == ',') c = '.';
            return s;
        }
    }
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

std::string age_text(long long secs) {
    if (secs < 0) secs = 0;
    if (secs < 120) return fmt::format("{} s", secs);
    if (secs < 2 * 3600) return fmt::format("{} min", secs / 60);
    if (secs < 2 * 86400) return fmt::format("{} h", secs / 3600);
    return fmt::format("{} d {} h", secs / 86400, (secs % 86400) / 3600);
}

// --- configuration, with the last good copy kept in the state dir -------------------------

struct LoadedConfig {
    FeedConfig cfg;
    bool ok = false;
    std::string problem;  // config error shown in the status even when a fallback was used
};

LoadedConfig load_config(const Options& o) {
    LoadedConfig lc;
    std::string good_copy = o.state_dir + "/feed.cfg.last-good";
    Expected<FeedConfig> loaded = load_feed_config(o.config);
    if (loaded) {
        lc.cfg = std::move(*loaded);
        lc.ok = true;
        Expected<std::string> text = read_file(o.config, kMaxFeedFile);
        if (text && make_dirs(o.state_dir)) (void)write_file_atomic(good_copy, *text);
        return lc;
    }
    lc.problem = loaded.error().message;
    log_line("config error: " + lc.problem);
    if (Expected<FeedConfig> last_good = load_feed_config(good_copy)) {
        lc.cfg = std::move(*last_good);
        lc.ok = true;
        lc.problem += "; the last good config stays in force";
        log_line("using the last good config " + good_copy);
    }
    return lc;
}

// --- one feed -----------------------------------------------------------------------------

struct FeedReport {
    std::string name;
    std::string format;
    std::string license;
    bool yellow = false;
    std::string line;                 // one status line
    std::vector<FeedEntry> entries;   // the list in force (new or last good)
};

FeedReport update_feed(const FeedSpec& spec, const FeedConfig& cfg, const std::string& dir,
                       long long now, bool fetch) {
    FeedReport r{spec.name, feed_format_name(spec.format), spec.license, false, "", {}};
    FeedState st;
    std::string state_path = feed_state_path(dir, spec.name);
    std::string list_path = feed_list_path(dir, spec.name);
    if (Expected<FeedState> loaded = load_feed_state(state_path))
        st = std::move(*loaded);
    else
        log_line(loaded.error().message + "; starting from an empty state");
    Expected<std::vector<FeedEntry>> list = load_entry_list(list_path);
    bool have_list = bool(list);
    if (have_list) r.entries = std::move(*list);
    if (st.url != spec.url) {  // validators belong to the old URL
        st.etag.clear();
        st.last_modified.clear();
        st.url = spec.url;
    }

    std::string outcome;
    if (fetch) {
        FetchRequest req;
        req.url = spec.url;
        if (have_list) {
            req.etag = st.etag;
            req.last_modified = st.last_modified;
        }
        req.max_size = spec.max_size;
        req.connect_timeout = cfg.connect_timeout;
        req.total_timeout = cfg.total_timeout;
        req.retries = cfg.retries;
        req.backoff = cfg.backoff;
        req.ca_file = cfg.ca_file;
        req.proxy = cfg.proxy;
        FetchResult res = fetch_feed(req);
        st.last_attempt = now;
        if (res.outcome == FetchResult::Outcome::NotModified) {
            st.last_good = now;
            st.last_error.clear();
            outcome = "not modified (304)";
            log_line(fmt::format("feed {}: not modified", spec.name));
        } else if (res.outcome == FetchResult::Outcome::Fetched) {
            ParsedFeed parsed = parse_feed(res.body, spec.format);
            FeedLimits limits;
            limits.min_entries = spec.min_entries;
            limits.max_entries = spec.max_entries;
            limits.previous_entries = have_list ? r.entries.size() : 0;
            Status valid = validate_feed(parsed, limits);
            Status saved = valid ? save_entry_list(list_path, parsed.entries) : Status{};
            if (valid && saved) {
                st.etag = res.etag;
                st.last_modified = res.last_modified;
                st.entries = parsed.entries.size();
                st.last_good = now;
                st.last_error.clear();
                r.entries = std::move(parsed.entries);
                have_list = true;
                outcome = fmt::format("updated, {} entries{}", r.entries.size(),
                                      parsed.bad_count ? fmt::format(" ({} bad lines skipped, first at line {}: {})",
                                                                     parsed.bad_count, parsed.bad[0].line,
                                                                     parsed.bad[0].reason)
                                                       : "");
                log_line(fmt::format("feed {}: {}", spec.name, outcome));
            } else {
                st.last_error = valid ? "cannot save list: " + saved.error().message
                                      : "download refused: " + valid.error().message;
                st.last_error_time = now;
                log_line(fmt::format("feed {}: {}", spec.name, st.last_error));
            }
        } else {
            st.last_error = "download failed: " + res.error;
            st.last_error_time = now;
            log_line(fmt::format("feed {}: {}", spec.name, st.last_error));
        }
        if (Status saved = save_feed_state(state_path, st); !saved) log_line(saved.error().message);
    }

    long long age = now - st.last_good;
    std::string kept = have_list && st.last_good > 0
                           ? fmt::format("last good list kept (age {}, {} entries)", age_text(age), r.entries.size())
                           : "no good list yet";
    std::string url_note = fmt::format("[{} {}]", r.format, spec.url);
    if (!st.last_error.empty()) {
        r.yellow = true;
        r.line = fmt::format("&yellow {}: {}; {} {}", spec.name, st.last_error, kept, url_note);
    } else if (!have_list || st.last_good == 0) {
        r.yellow = true;
        r.line = fmt::format("&yellow {}: no good list yet {}", spec.name, url_note);
    } else if (age > spec.max_age) {
        r.yellow = true;
        r.line = fmt::format("&yellow {}: stale, last good list is {} old (limit {}) {}", spec.name,
                             age_text(age), age_text(spec.max_age), url_note);
    } else {
        r.line = fmt::format("&green {}: fresh, {} entries, age {}{} {}", spec.name, r.entries.size(),
                             age_text(age), outcome.empty() ? "" : ", " + outcome, url_note);
    }
    if (!spec.license.empty()) r.line += " licence: " + spec.license;
    return r;
}

// --- merge, resolve, write, publish --------------------------------------------------------

struct MergeReport {
    std::string version;
    bool changed = false;
    std::size_t entries = 0;
    std::vector<std::string> problems;
    std::vector<std::string> notes;
};

MergeReport merge_and_write(const FeedConfig& cfg, const std::vector<FeedReport>& feeds,
                            const std::string& dir, long long now) {
    MergeReport mr_;
    std::vector<MergeSource> sources;
    for (const auto& f : feeds) sources.push_back({"feed:" + f.name, f.entries});
    for (const auto& path : cfg.shipped) {
        Expected<std::string> text = read_file(path, kMaxFeedFile);
        if (!text) {
            mr_.problems.push_back("cannot read shipped list " + path);
            continue;
        }
        ParsedFeed p = parse_feed(*text, FeedFormat::Ioc);
        if (p.bad_count)
            mr_.notes.push_back(fmt::format("shipped list {}: {} lines skipped (first at line {}: {})", path,
                                            p.bad_count, p.bad[0].line, p.bad[0].reason));
        sources.push_back({"shipped:" + path, std::move(p.entries)});
    }
    if (cfg.resolve) {
        std::vector<std::string> domains;
        for (const auto& s : sources)
            for (const auto& e : s.entries)
                if ((e.kind == EntryKind::Domain || e.kind == EntryKind::DomainPort) &&
                    !matches_everything(e) && !covered_by_allow(e, cfg.allow))
                    domains.push_back(e.host);
        std::sort(domains.begin(), domains.end());
        domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
        ResolveState rs;
        std::string path = dir + "/resolved.state";
        if (Expected<ResolveState> loaded = load_resolve_state(path))
            rs = std::move(*loaded);
        else
            mr_.notes.push_back(loaded.error().message + " (started afresh)");
        Resolver resolver = cfg.resolve_hosts.empty() ? system_resolver() : hosts_file_resolver(cfg.resolve_hosts);
        ResolveSummary sum = update_resolved(rs, domains, resolver, cfg.resolve_timeout, now, cfg.resolve_max_age);
        if (Status saved = save_resolve_state(path, rs); !saved) mr_.problems.push_back(saved.error().message);
        mr_.notes.push_back(fmt::format("resolved {} of {} pool domains on the server ({} failed, {} aged out)",
                                        sum.resolved, domains.size(), sum.failed, sum.expired));
        sources.push_back({"resolved", resolved_entries(rs)});
    }
    MergeResult m = merge_sources(sources, cfg.allow);
    mr_.entries = m.entries.size();
    if (m.dropped_shared)
        mr_.notes.push_back(fmt::format("{} entries dropped as shared addresses (allow list), e.g. {}",
                                        m.dropped_shared, m.shared_examples[0]));

    Expected<std::string> existing = read_file(cfg.output, kMaxFeedFile);
    std::string old_version = existing ? list_version(*existing) : "";
    if (!old_version.empty() && version_hash(old_version) == m.content_hash) {
        mr_.version = old_version;  // same content: same version, file untouched
    } else {
        mr_.version = make_version(now, m.content_hash);
        std::string parent = cfg.output.substr(0, cfg.output.rfind('/'));
        Status written = parent.empty() ? Status{} : make_dirs(parent);
        if (written) written = write_file_atomic(cfg.output, render_merged_list(m, mr_.version, now));
        if (written) {
            mr_.changed = true;
            log_line(fmt::format("merged list {} written: version {}, {} entries", cfg.output, mr_.version,
                                 m.entries.size()));
        } else {
            mr_.problems.push_back("cannot write the merged list: " + written.error().message);
            mr_.version = old_version;
        }
    }
    if (!cfg.publish.empty()) {
        // xymond serves `config NAME.cfg` only for regular *.cfg files in $XYMONHOME/etc
        // (/etc/xymon) and expands `include` lines, so a one-line stub publishes OUTPUT.
        std::string stub = "include " + cfg.output + "\n";
        Expected<std::string> current = read_file(cfg.publish, kMaxFeedFile);
        Status published = current && *current == stub ? Status{} : write_file_atomic(cfg.publish, stub);
        if (!published)
            mr_.problems.push_back(fmt::format("cannot publish {} for clients: {} (make install creates it)",
                                               cfg.publish, published.error().message));
    }
    return mr_;
}

// --- status column -------------------------------------------------------------------------

std::string build_status(const Options& o, const LoadedConfig& lc, const std::vector<FeedReport>& feeds,
                         const MergeReport* merge, long long now) {
    bool yellow = !lc.problem.empty() || !lc.ok;
    int stale = 0;
    for (const auto& f : feeds)
        if (f.yellow) ++stale, yellow = true;
    if (merge && !merge->problems.empty()) yellow = true;
    std::string summary;
    if (!lc.ok) summary = "configuration unusable";
    else if (stale) summary = fmt::format("{} of {} feeds not current, last good lists kept", stale, feeds.size());
    else if (!lc.problem.empty()) summary = "configuration error, last good config in force";
    else if (feeds.empty()) summary = "no feeds enabled, shipped lists only";
    else summary = fmt::format("all {} feeds fresh", feeds.size());
    if (merge && !merge->problems.empty() && stale == 0 && lc.problem.empty()) summary = "merged list not published";

    char when[64];
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y", &tm);
    std::string host = o.host.empty() ? default_host() : o.host;
    std::string msg = fmt::format("status+{} {}.miningrisk-feed {} {} - {}\n", o.lifetime, host,
                                  yellow ? "yellow" : "green", when, summary);
    if (!lc.problem.empty()) msg += "&yellow config: " + escape_html_text(lc.problem) + "\n";
    if (merge) {
        msg += fmt::format("\nMerged list version {} ({} entries{})\n", escape_html_text(merge->version), merge->entries,
                           merge->changed ? ", changed in this run" : ", unchanged");
        for (const auto& p : merge->problems) msg += "&yellow " + escape_html_text(p) + "\n";
        for (const auto& n : merge->notes) msg += escape_html_text(n) + "\n";
    }
    msg += "\nFeeds:\n";
    for (const auto& f : feeds) msg += escape_html_text(f.line) + "\n";
    // escape_html_text() escapes '&'; the colour icons at the line starts are ours and must stay.
    std::string fixed;
    std::size_t pos = 0;
    while (pos < msg.size()) {
        std::size_t nl = msg.find('\n', pos);
        if (nl == std::string::npos) nl = msg.size();
        std::string line = msg.substr(pos, nl - pos);
        for (const char* c : {"yellow", "green", "red"}) {
            std::string esc = std::string("&amp;") + c + " ";
            if (line.rfind(esc, 0) == 0) line = std::string("&") + c + " " + line.substr(esc.size());
        }
        fixed += line + "\n";
        pos = nl + 1;
    }
    return fixed;
}

int emit_status(const Options& o, const std::string& msg) {
    if (o.dry_run) {
        std::fputs(msg.c_str(), stdout);
        return 0;
    }
    if (Status sent = send_to_xymon(msg, 15.0); !sent) {
        log_line("cannot send the status to Xymon: " + sent.error().message);
        return 1;
    }
    return 0;
}

int run_update(const Options& o, bool fetch) {
    long long now = static_cast<long long>(std::time(nullptr));
    LoadedConfig lc = load_config(o);
    std::vector<FeedReport> reports;
    MergeReport merge;
    bool merged = false;
    if (lc.ok) {
        if (Status made = make_dirs(o.state_dir); !made) log_line(made.error().message);
        for (const auto& spec : lc.cfg.feeds)
            if (spec.enabled) reports.push_back(update_feed(spec, lc.cfg, o.state_dir, now, fetch));
        if (fetch) {
            merge = merge_and_write(lc.cfg, reports, o.state_dir, now);
            merged = true;
        }
    }
    int rc = lc.ok ? 0 : 2;
    if (o.post_status || o.dry_run) {
        if (emit_status(o, build_status(o, lc, reports, merged ? &merge : nullptr, now)) != 0) rc = rc ? rc : 1;
    }
    return rc;
}

int write_export(const Options& o, const std::string& out) {
    if (o.output.empty() || o.output == "-") {
        std::fputs(out.c_str(), stdout);
        return 0;
    }
    if (Status st = write_file_atomic(o.output, out); !st) {
        std::fprintf(stderr, "miningrisk-feed: %s\n", st.error().message.c_str());
        return 1;
    }
    return 0;
}

int run_export(const Options& o) {
    auto format = export_format_from_name(o.format);
    if (!format) {
        std::fprintf(stderr, "miningrisk-feed: export needs --format nftables|ipset|hosts|unbound\n");
        return 2;
    }
    std::string input = o.input;
    if (input.empty()) {
        Expected<FeedConfig> loaded = load_feed_config(o.config);
        if (!loaded) {
            std::fprintf(stderr, "miningrisk-feed: %s\n", loaded.error().message.c_str());
            return 2;
        }
        const FeedConfig& cfg = *loaded;
        input = cfg.output;
        if (access(input.c_str(), F_OK) != 0) {
            // No update has run yet: the shipped lists are what clients use, so export those.
            std::vector<MergeSource> sources;
            for (const auto& path : cfg.shipped) {
                Expected<std::string> text = read_file(path, kMaxFeedFile);
                if (!text) {
                    std::fprintf(stderr, "miningrisk-feed: cannot read shipped list %s\n", path.c_str());
                    return 1;
                }
                sources.push_back({"shipped:" + path, parse_feed(*text, FeedFormat::Ioc).entries});
            }
            std::fprintf(stderr, "miningrisk-feed: %s not written yet (no update has run): exporting the shipped lists\n",
                         input.c_str());
            MergeResult m = merge_sources(sources, cfg.allow);
            std::string out = export_list(m.entries, *format, "shipped-" + m.content_hash);
            return write_export(o, out);
        }
    }
    Expected<std::string> text = read_file(input, kMaxFeedFile);
    if (!text) {
        std::fprintf(stderr, "miningrisk-feed: cannot read %s\n", input.c_str());
        return 1;
    }
    ParsedFeed p = parse_feed(*text, FeedFormat::Ioc);
    if (p.bad_count)
        std::fprintf(stderr, "miningrisk-feed: %s (%zu bad lines skipped)\n",
                     at_line(input, long(p.bad[0].line), p.bad[0].reason).c_str(), p.bad_count);
    return write_export(o, export_list(p.entries, *format, list_version(*text)));
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_args(argc, argv);
    if (o.command == "export") return run_export(o);
    if (o.command == "status") {
        o.post_status = true;
        return run_update(o, false);
    }
    if (o.every <= 0) return run_update(o, true);
    // A task without INTERVAL: xymonlaunch starts it with Xymon, so the first merged list is
    // there at once (an INTERVAL 1h task would wait for an hour of uptime).
    // A failed step (xymond not listening yet when Xymon starts) is retried after a minute.
    for (;;) {
        int rc = run_update(o, true);
        sleep(static_cast<unsigned>(rc == 1 ? std::min(o.every, 60.0) : o.every));
    }
}
