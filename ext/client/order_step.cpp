#include "client/order_step.h"

#include "collect/proc_parse.h"
#include "respond/contain_state.h"
#include "respond/order_ledger.h"
#include "respond/read_prefix.h"
#include "rules/rules.h"
#include "util/file_io.h"
#include "util/sha256.h"
#include "util/text_util.h"
#include "xymon/order_codec.h"
#include "xymon/xymon_log.h"
#include "xymon/xymon_sender.h"

namespace mr {

namespace {

std::string ledger_path(const OrderOptions& o) { return o.tmpdir + "/miningrisk-orders.state"; }

OrderTarget target_of(const Order& o, const std::vector<Finding>& findings, const std::vector<SnapshotRecord>& snaps,
                      const ContainState& state) {
    OrderTarget t;
    StatFields st;
    std::string text;
    if (read_prefix_into("/proc/" + std::to_string(o.pid) + "/stat", text, 4096) && parse_stat(text, st)) {
        t.exists = true;
        t.start_ticks = st.start_ticks;
    }
    for (const Finding& f : findings)
        if (f.pid == o.pid && f.start_ticks == t.start_ticks && !f.sha256.empty()) t.sha256 = f.sha256;
    for (const SnapshotRecord& s : snaps) t.snapshot_taken |= s.pid == o.pid && s.start_ticks == o.start_ticks && s.status == "ok";
    // the newest done step that changes the state decides (records are in the order they happened)
    for (const ContainmentRecord& c : state.records)
        if (c.pid == o.pid && c.start_ticks == o.start_ticks && c.result == "done" &&
            (c.action == "freeze" || c.action == "thaw" || c.action == "kill"))
            t.frozen = c.action == "freeze";
    return t;
}

ContainmentRecord run_order(const Order& o, const ContainOptions& kopt, const EvidenceOptions& eopt, int64_t now) {
    ContainmentRecord rec;
    if (o.action == "snapshot") {
        if (!eopt.enabled) {
            rec.result = "refused";
            rec.reason = "evidence snapshots are off on this host (snapshot = no)";
        } else {
            SnapshotRecord s = run_snapshot_helper(eopt, o.pid, o.start_ticks, "order " + o.id + " by " + o.by);
            remember_snapshot(eopt, s, now);
            rec.comm = s.comm;
            rec.result = s.status == "ok" ? "done" : "failed";
            rec.reason = s.status == "ok" ? "snapshot " + s.id + " taken, manifest sha256 " + s.manifest_sha256 : s.status;
        }
    } else if ((o.action == "freeze" || o.action == "kill") && !includes_freeze(kopt.client_mode)) {
        rec.result = "refused";
        rec.reason = std::string("this host's contain = ") + to_string(kopt.client_mode) + " does not allow " + o.action;
    } else {
        rec = run_contain_helper(kopt, o.action, o.pid, o.start_ticks, o.sha256);
    }
    return rec;
}

}  // namespace

std::string order_config_name(const std::string& host) { return "miningrisk-orders/" + host + ".cfg"; }

std::vector<ContainmentRecord> apply_orders(const OrderOptions& opt, const ContainOptions& kopt,
                                            const EvidenceOptions& eopt, const std::string& text,
                                            const std::vector<Finding>& findings, int64_t now) {
    std::vector<ContainmentRecord> added;
    if (opt.tmpdir.empty()) return added;
    std::string ledger_text;
    read_prefix_into(ledger_path(opt), ledger_text, 1u << 20);
    OrderLedger ledger = parse_order_ledger(ledger_text, now);
    ContainState state = load_contain_state(kopt, now);
    bool changed = false;
    LineReader lines(text);
    for (std::string_view raw; lines.next(raw);) {
        std::string_view line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        Expected<Order> o = parse_order_line(line);
        if (!o) {
            // said once per distinct bad line, not every cycle
            std::string id = "bad-" + sha256_hex(line).substr(0, 24);
            if (order_handled(ledger, id)) continue;
            log_line("order file " + order_config_name(opt.host) + " line " + std::to_string(lines.number()) +
                     ": malformed order, ignored: " + o.error().message);
            mark_order_handled(ledger, id, now);
            changed = true;
            continue;
        }
        if (order_handled(ledger, o->id)) continue;
        mark_order_handled(ledger, o->id, now);
        changed = true;
        ContainmentRecord rec;
        std::string why = order_refusal(*o, opt.host, target_of(*o, findings, all_snapshots(eopt, now), state));
        if (!why.empty()) {
            rec.result = "refused";
            rec.reason = why;
        } else {
            rec = run_order(*o, kopt, eopt, now);
        }
        rec.pid = o->pid;
        rec.start_ticks = o->start_ticks;
        rec.action = o->action;
        rec.by = o->by;
        rec.order = o->id;
        if (rec.time == 0) rec.time = now;
        for (const Finding& f : findings)
            if (rec.comm.empty() && f.pid == o->pid) rec.comm = f.comm;
        log_line("order " + o->id + " by " + o->by + ": " + o->action + " of pid " + std::to_string(o->pid) + ": " +
                 rec.result + (rec.method.empty() ? "" : " by " + rec.method) + ": " + clip_evidence(rec.reason, 300));
        state.records.push_back(rec);
        added.push_back(rec);
        save_contain_state(kopt, state, now);  // before the next order: a kill after a freeze sees it
    }
    if (changed) {
        if (Status st = write_file_atomic(ledger_path(opt), format_order_ledger(ledger), 0600, true); !st)
            log_line("orders: the ledger was not saved: " + st.error().message);
    }
    return added;
}

std::vector<ContainmentRecord> order_step(const OrderOptions& opt, const ContainOptions& kopt,
                                          const EvidenceOptions& eopt, const std::vector<Finding>& findings,
                                          int64_t now) {
    if (opt.tmpdir.empty()) return {};
    if (!opt.fetch) return {};
    Expected<std::string> text = xymon_query("config " + order_config_name(opt.host), opt.fetch_timeout);
    if (!text) {
        log_debug("orders: " + order_config_name(opt.host) + " not fetched: " + text.error().message);
        return {};
    }
    return apply_orders(opt, kopt, eopt, *text, findings, now);
}

}  // namespace mr
