#include "incident/clean_cycle.h"

namespace mr {

std::string unclean_reason(const CycleView& c) {
    if (!c.visibility_full) return "limited visibility";
    if (!c.findings) return "";
    for (const Finding& f : *c.findings) {
        std::string who = f.comm + (f.pid > 0 ? " (pid " + std::to_string(f.pid) + ")" : "");
        if (f.color >= Color::yellow) return std::string(to_string(f.color)) + " finding " + who;
        if (!f.pool.empty()) return "pool connection " + f.pool + " from " + who;
        for (const Signal& s : f.signals)
            if (s.id == "pool_connection") return "pool connection from " + who;
    }
    return "";
}

}  // namespace mr
