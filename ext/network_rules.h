// Network rules over the snapshot's sockets: outbound TCP connections (ESTABLISHED or SYN_SENT)
//   pool_connection  to a listed pool address / CIDR / addr:port (strong)
//   miner_port       to a port of miner-ports.txt alone (weak: 3333, 4444, 5555, ... are also
//                    ordinary service ports)
// Inbound connections (local port is a listening port in the same network namespace, e.g. a
// web server on 3333 with clients) are never counted, nor are clients of such a local service
// (nginx talking to php-fpm on 127.0.0.1:9000, a browser test to Selenium on 4444) or
// connections whose other end is on the host too (nginx and php-fpm in two containers, a
// container to its host over the bridge): a local stratum proxy shows in its own outbound
// connection to the pool. A listed pool address counts
// wherever it is. A pool connection whose owner is unknown is reported against the host (pid 0).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "findings.h"
#include "model.h"

namespace mr {

class RuleSet;

struct NetworkHits {
    std::vector<Signal> signals;
    std::string pool;          // "addr:port" (IPv6 "[addr]:port") of the best connection
    bool pool_listed = false;  // pool came from the IOC list, not just a miner port
};

// pid -> hits (pid 0: sockets with no known owner).
std::map<int, NetworkHits> check_network(const Snapshot& snap, const RuleSet& rules);

std::string endpoint_text(const std::string& addr, uint16_t port);

}  // namespace mr
