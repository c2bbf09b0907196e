// Operators' orders on the client: applied once by id, with the operator's name; bad lines,
// other hosts' orders and changed processes refused with nothing done and the rest applied.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "client/order_step.h"
#include "xymon/order_codec.h"
#include "collect/proc_parse.h"
#include "respond/read_prefix.h"
#include "temp_dir.h"
#include "util/file_io.h"

using namespace mr;

namespace {

uint64_t own_start_ticks() {
    std::string text;
    StatFields st;
    REQUIRE(read_prefix_into("/proc/self/stat", text, 4096));
    REQUIRE(parse_stat(text, st));
    return st.start_ticks;
}

Order order(const std::string& id, const std::string& action, uint64_t start) {
    Order o;
    o.id = id;
    o.host = "vm";
    o.pid = getpid();
    o.start_ticks = start;
    o.action = action;
    o.by = "alice";
    o.time = 1000;
    return o;
}

int lines_in(const std::string& path) {
    std::ifstream in(path);
    int n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
}

}  // namespace

TEST_CASE("orders: applied once by id through the helper, bad input refused, the rest applied") {
    mr_test::TempDir dir("orders");
    // A stand-in for the root helper: logs its arguments, answers "done".
    std::string helper = dir.path + "/helper.sh";
    {
        std::ofstream h(helper);
        h << "#!/bin/sh\necho \"$@\" >>" << dir.path << "/calls\n"
          << "echo \"time=5 pid=$4 start=$6 action=$2 result=done method=cgroup2 reason=ok\"\n";
    }
    chmod(helper.c_str(), 0755);
    ContainOptions k;
    k.client_mode = ContainMode::freeze;
    k.helper = helper;
    k.use_sudo = false;
    k.tmpdir = dir.path;
    k.host = "vm";
    EvidenceOptions e;
    e.enabled = false;
    OrderOptions o;
    o.tmpdir = dir.path;
    o.host = "vm";
    uint64_t start = own_start_ticks();

    Order other_host = order("20261203T130501Z-00000002", "freeze", start);
    other_host.host = "web9";
    std::string text = "# miningrisk orders for vm\n" + format_order_line(order("20261203T130501Z-00000001", "freeze", start)) +
                       "\nid=broken line\n" + format_order_line(other_host) + "\n" +
                       format_order_line(order("20261203T130501Z-00000003", "thaw", start + 1)) + "\n" +
                       format_order_line(order("20261203T130501Z-00000004", "kill", start)) + "\n" +
                       format_order_line(order("20261203T130501Z-00000005", "thaw", start)) + "\n";
    std::vector<ContainmentRecord> recs = apply_orders(o, k, e, text, {}, 2000);
    REQUIRE(recs.size() == 5);
    CHECK(recs[0].result == "done");
    CHECK(recs[0].by == "alice");
    CHECK(recs[0].order == "20261203T130501Z-00000001");
    CHECK(recs[1].result == "refused");
    CHECK(recs[1].reason == "the order is for host web9, not vm");
    CHECK(recs[2].reason.find("identity changed") == 0);
    // the freeze above counts: the kill still needs the snapshot
    CHECK(recs[3].reason == "kill needs an evidence snapshot and a freeze first (no snapshot, frozen)");
    CHECK(recs[4].result == "done");
    CHECK(lines_in(dir.path + "/calls") == 2);  // freeze and the last thaw, nothing for the refused ones

    // The same file fetched again (the next cycle): nothing applied twice, the bad line not said again.
    CHECK(apply_orders(o, k, e, text, {}, 2300).empty());
    CHECK(lines_in(dir.path + "/calls") == 2);
    // The records are in the containment state the next message reports.
    CHECK(load_contain_state(k, 2300).records.size() == 5);

    // Without the host's own contain key a freeze order is refused, a thaw still goes through.
    k.client_mode = ContainMode::off;
    std::string more = format_order_line(order("20261203T130501Z-00000006", "freeze", start)) + "\n";
    std::vector<ContainmentRecord> off = apply_orders(o, k, e, more, {}, 2400);
    REQUIRE(off.size() == 1);
    CHECK(off[0].reason == "this host's contain = off does not allow freeze");
}
