// Network rules over the snapshot's sockets: outbound TCP connections (ESTABLISHED or SYN_SENT)
//   pool_connection  to a listed pool address / CIDR / addr:port (strong)
//   miner_port       to a port of miner-ports.txt alone (weak: 3333, 4444, 5555, ... are also
//                    ordinary service ports)
// Inbound connections (local port is a listening port in the same network namespace, e.g. a
// web server on 3333 with clients) are never counted, nor is a miner-port connection whose other
// end is on the host too (nginx to php-fpm on 127.0.0.1:9000, nginx and php-fpm in two
// containers, a container to its host over the bridge): a local stratum proxy shows in its own
// outbound connection to the pool. A listed pool address counts wherever it is. A pool
// connection whose owner is unknown is reported against the host (pid 0).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/findings.h"
#include "model/model.h"

namespace mr {

class RuleSet;

struct NetworkHits {
    std::vector<Signal> signals;
    std::string pool;          // "addr:port" (IPv6 "[addr]:port") of the best connection
    bool pool_listed = false;  // pool came from the IOC list, not just a miner port
};

// pid -> hits (pid 0: sockets with no known owner).
std::map<int, NetworkHits> check_network(const Snapshot& snap, const RuleSet& rules);

// "1.2.3.4:3333", "[2001:db8::1]:3333"; a v4-mapped IPv6 address as its IPv4 one.
std::string endpoint_text(const IpAddr& addr, uint16_t port);

}  // namespace mr
