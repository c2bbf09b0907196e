#include "pages/order_forms.h"

#include "xymon/order_codec.h"
#include "xymon/process_marker.h"

namespace mr {

void add_order_forms(HtmlNode parent, const std::string& host, const std::string& status_message,
                     const PageUrls& urls) {
    std::vector<ProcessMarker> marks = parse_process_markers(status_message);
    if (marks.empty() || !valid_order_host(host)) return;
    HtmlNode box = parent.add("div").cls("mr-orders").attr("id", "mr-orders");
    box.add("h3", "Operator orders");
    box.add("p", "Each button sends an order to this host's client, which applies it on its next cycle after "
                 "checking the process is still the same one; the result and your name appear above. "
                 "Kill is offered once the process has an evidence snapshot and is frozen.")
        .cls("mr-orders-help");
    for (const ProcessMarker& m : marks) {
        std::string pid = std::to_string(m.pid);
        HtmlNode form = box.add("form")
                            .attr("method", "post")
                            .attr("action", urls.seccgi + "/miningrisk-order")
                            .cls("mr-order-form")
                            .attr("id", "mr-order-" + pid);
        form.add("span", "pid " + pid + (m.sha256.empty() ? "" : ", sha256 " + m.sha256.substr(0, 16) + "...") +
                             (m.snapshot ? ", snapshot taken" : "") + (m.frozen ? ", frozen" : ""))
            .cls("mr-order-target");
        auto hidden = [&](const char* name, const std::string& value) {
            form.add("input").attr("type", "hidden").attr("name", name).attr("value", value);
        };
        hidden("host", host);
        hidden("pid", pid);
        hidden("start", std::to_string(m.start_ticks));
        hidden("sha256", m.sha256.empty() ? "-" : m.sha256);
        auto button = [&](const char* action, const char* label) {
            form.text(" ");
            form.add("button", label).attr("type", "submit").attr("name", "action").attr("value", action)
                .cls(std::string("mr-order-") + action);
        };
        button("snapshot", "Snapshot now");
        if (!m.frozen) button("freeze", "Freeze");
        if (m.frozen) button("thaw", "Thaw");
        if (m.snapshot && m.frozen) button("kill", "Kill (SIGKILL)");
    }
}

}  // namespace mr
