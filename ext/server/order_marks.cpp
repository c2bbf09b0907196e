#include "server/order_marks.h"

#include "xymon/process_marker.h"

namespace mr {

std::string process_marks(const StatusInput& in) {
    std::string out;
    size_t n = 0;
    for (const Finding& f : in.verdict.findings) {
        if (f.pid <= 1 || f.color != Color::red || f.start_ticks == 0 || ++n > 40) continue;
        ProcessMarker m;
        m.pid = f.pid;
        m.start_ticks = f.start_ticks;
        m.sha256 = f.sha256;
        for (const SnapshotRecord& s : in.snapshots)
            m.snapshot |= s.pid == f.pid && s.start_ticks == f.start_ticks && s.status == "ok";
        // The records come newest first: the newest done step that changes the state decides.
        for (const ContainmentRecord& c : in.containment) {
            if (c.pid != f.pid || c.start_ticks != f.start_ticks || c.result != "done") continue;
            if (c.action == "freeze" || c.action == "thaw" || c.action == "kill") {
                m.frozen = c.action == "freeze";
                break;
            }
        }
        out += format_process_marker(m) + "\n";
    }
    return out;
}

}  // namespace mr
