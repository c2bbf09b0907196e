#include "rules/network_rules.h"

#include <set>
#include <unordered_set>
#include <utility>

#include "rules/rules.h"

namespace mr {
namespace {

bool is_tcp(SocketProto p) { return p == SocketProto::tcp || p == SocketProto::tcp6; }

// One end's view of a connection: its own endpoint, then the peer's.
std::string connection_key(const IpAddr& own, uint16_t own_port, const IpAddr& peer, uint16_t peer_port) {
    return own.unmapped().to_string() + "|" + std::to_string(own_port) + "|" + peer.unmapped().to_string() + "|" +
           std::to_string(peer_port);
}

}  // namespace

std::string endpoint_text(const IpAddr& addr, uint16_t port) {
    std::string a = addr.unmapped().to_string();   // an IPv4 peer seen through an IPv6 socket
    if (a.find(':') != std::string::npos) return "[" + a + "]:" + std::to_string(port);
    return a + ":" + std::to_string(port);
}

std::map<int, NetworkHits> check_network(const Snapshot& snap, const RuleSet& rules) {
    std::set<std::pair<uint64_t, uint16_t>> listening;
    for (const SocketInfo& s : snap.sockets)
        if (is_tcp(s.proto) && s.state == SockState::listen) listening.insert({s.netns, s.local_port});

    std::map<int, NetworkHits> hits;
    auto add = [&](const SocketInfo& s, const std::string& listed) {
        const std::string ep = endpoint_text(s.remote_addr, s.remote_port);
        const std::string evidence = ep + " " + s.state.name();
        std::vector<int> owners = s.pids.to_vector();
        if (owners.empty()) {
            if (listed.empty()) return;  // an unowned miner-port socket says too little
            owners.push_back(0);
        }
        for (int pid : owners) {
            NetworkHits& h = hits[pid];
            if (!listed.empty()) {
                add_signal(h.signals, "pool_connection", Strength::strong, evidence + " (listed: " + listed + ")");
                if (!h.pool_listed) h.pool = ep;
                h.pool_listed = true;
            } else {
                add_signal(h.signals, "miner_port", Strength::weak, evidence);
                if (h.pool.empty()) h.pool = ep;
            }
        }
    };

    std::vector<const SocketInfo*> port_only;   // to a miner port, not listed
    for (const SocketInfo& s : snap.sockets) {
        if (!is_tcp(s.proto) || (s.state != SockState::established && s.state != SockState::syn_sent)) continue;
        if (s.remote_port == 0 || listening.count({s.netns, s.local_port})) continue;
        std::string listed = rules.match_pool_addr(s.remote_addr.unmapped().to_string(), s.remote_port);
        if (!listed.empty()) {
            add(s, listed);
        } else if (rules.miner_ports.test(s.remote_port)) {
            port_only.push_back(&s);
        }
    }
    // A connection whose other end is in the snapshot too never leaves the host: a client of a
    // local service, a container talking to its host over the bridge or to another container.
    if (!port_only.empty()) {
        std::unordered_set<std::string> other_ends;
        for (const SocketInfo* c : port_only)
            other_ends.insert(connection_key(c->remote_addr, c->remote_port, c->local_addr, c->local_port));
        std::unordered_set<std::string> on_host;
        for (const SocketInfo& s : snap.sockets) {
            if (!is_tcp(s.proto) || !rules.miner_ports.test(s.local_port)) continue;
            std::string k = connection_key(s.local_addr, s.local_port, s.remote_addr, s.remote_port);
            if (other_ends.count(k)) on_host.insert(std::move(k));
        }
        for (const SocketInfo* c : port_only)
            if (!on_host.count(connection_key(c->remote_addr, c->remote_port, c->local_addr, c->local_port)))
                add(*c, "");
    }
    return hits;
}

}  // namespace mr
