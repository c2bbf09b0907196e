#include "client/recovery_step.h"

#include <algorithm>

#include "respond/read_prefix.h"
#include "respond/run_helper.h"
#include "util/file_io.h"
#include "util/text_util.h"
#include "xymon/kv_codec.h"
#include "xymon/recovery_codec.h"
#include "xymon/xymon_log.h"

namespace mr {

namespace {

HostTuning load_baseline(const std::string& path) {
    std::string text;
    if (path.empty() || !read_prefix_into(path, text, 4096)) return {};
    RecoveryFacts f;
    // the same host line as the section: kind=host hugepages=N msr=M
    recovery_add_kv(parse_kv_line(trim(text, " \n")), f);
    return f.now;
}

void save_baseline(const std::string& path, const HostTuning& t) {
    RecoveryFacts f;
    f.now = t;
    std::string line = encode_kv_line(recovery_to_kv(f).front()) + "\n";
    if (Status st = write_file_atomic(path, line, 0600, false); !st) log_line(st.error().message);
}

}  // namespace

HostTuning tuning_of(const HostFacts& h) {
    HostTuning t;
    t.hugepages = std::max(0L, h.hugepages_total);
    t.msr = !h.msr_loaded ? 0 : h.msr_allow_writes ? 2 : 1;
    return t;
}

HostTuning next_baseline(const HostTuning& saved, const HostTuning& now, bool snapshots_kept, bool red) {
    return snapshots_kept || red ? saved : now;
}

std::optional<RecoveryFacts> recovery_step(const RecoveryOptions& opt, const std::vector<SnapshotRecord>& snapshots,
                                           const HostFacts& host, bool red) {
    HostTuning saved = load_baseline(opt.tuning_file);
    HostTuning now = tuning_of(host);
    HostTuning keep = next_baseline(saved, now, !snapshots.empty(), red);
    if (!opt.tuning_file.empty() && (keep.hugepages != saved.hugepages || keep.msr != saved.msr))
        save_baseline(opt.tuning_file, keep);
    if (snapshots.empty()) return std::nullopt;
    int64_t since = snapshots.front().time;
    for (const auto& s : snapshots) since = std::min(since, s.time);
    std::vector<std::string> argv;
    if (opt.use_sudo) argv = {"/usr/bin/sudo", "-n", "--"};
    argv.insert(argv.end(), {opt.helper, "--recovery-check", "--host", opt.host, "--since",
                             std::to_string(std::max<int64_t>(0, since))});
    HelperResult r = run_helper(argv, opt.timeout);
    RecoveryFacts facts;
    if (!r.ran || r.exit_code != 0) {
        facts.items.push_back({"traces", "of the snapshots since " + std::to_string(since), TracePresence::unknown,
                               "recovery check helper failed: " + (r.error.empty() ? "exit " + std::to_string(r.exit_code) : r.error), ""});
    } else {
        LineReader lines(r.out);
        for (std::string_view line; lines.next(line);)
            if (!line.empty()) recovery_add_kv(parse_kv_line(line), facts);
    }
    facts.now = now;
    facts.before = saved;
    log_debug("recovery check: " + std::to_string(facts.items.size()) + " traces of " +
              std::to_string(snapshots.size()) + " snapshots");
    return facts;
}

}  // namespace mr
