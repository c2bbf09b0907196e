// The client's part of operators' orders (issue 11): each cycle it fetches its host's order file
// through Xymon (`config miningrisk-orders/HOST.cfg`, published by xymond_miningrisk --orders),
// and handles every order id once (respond/order_ledger.h, a state file in $XYMONTMP): checks it
// (this host, the same process life and executable, kill only after snapshot + freeze), has the
// root helper act (it checks identity and rails again), and records the step with the operator's
// name and the order id in the containment records, which the next message reports. A bad line,
// another host's order or a changed process gives one log line and nothing done; the other
// orders are still applied.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "client/contain_step.h"
#include "client/evidence_step.h"
#include "model/findings.h"

namespace mr {

struct OrderOptions {
    std::string tmpdir;     // the ledger lives here; "" = orders off (fixture runs, dry runs)
    std::string host;       // Xymon host name
    bool fetch = true;
    double fetch_timeout = 5;
};

// The `config` name of this host's order file.
std::string order_config_name(const std::string& host);

// Handles the new orders in `text` (the order file); returns the records it added.
std::vector<ContainmentRecord> apply_orders(const OrderOptions& opt, const ContainOptions& kopt,
                                            const EvidenceOptions& eopt, const std::string& text,
                                            const std::vector<Finding>& findings, int64_t now);

// One cycle: fetch the order file through Xymon, then apply_orders.
std::vector<ContainmentRecord> order_step(const OrderOptions& opt, const ContainOptions& kopt,
                                          const EvidenceOptions& eopt, const std::vector<Finding>& findings,
                                          int64_t now);

}  // namespace mr
