#include "feed/feed_resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/core.h>

#include "feed/feed_state.h"
#include "util/expected.h"
#include "util/file_io.h"

namespace mr {

namespace {

struct Lookup {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::vector<std::string> addrs;
    std::string error;
};

void run_getaddrinfo(const std::string& name, const std::shared_ptr<Lookup>& l) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
    std::vector<std::string> addrs;
    std::string error;
    if (rc != 0) {
        error = gai_strerror(rc);
    } else {
        for (addrinfo* p = res; p; p = p->ai_next) {
            char buf[INET6_ADDRSTRLEN] = {};
            if (p->ai_family == AF_INET)
                inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr, buf, sizeof buf);
            else if (p->ai_family == AF_INET6)
                inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr, buf, sizeof buf);
            else
                continue;
            if (std::find(addrs.begin(), addrs.end(), buf) == addrs.end()) addrs.push_back(buf);
        }
        freeaddrinfo(res);
    }
    std::lock_guard<std::mutex> g(l->mu);
    l->addrs = std::move(addrs);
    l->error = std::move(error);
    l->done = true;
    l->cv.notify_all();
}

// NAME -> its addresses, in file order, each once.
using HostsTable = std::map<std::string, std::vector<std::string>>;

Expected<HostsTable> load_hosts_table(const std::string& path) {
    Expected<std::string> text = read_file(path, 16 << 20);
    if (!text) return fail(text.error());
    HostsTable table;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        std::size_t hash = line.find('#');
        if (hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string addr, n;
        if (!(words >> addr)) continue;
        auto e = parse_ioc_entry(addr);
        if (!e || e->kind != EntryKind::Address) continue;
        while (words >> n) {
            std::vector<std::string>& out = table[n];
            if (std::find(out.begin(), out.end(), e->text) == out.end()) out.push_back(e->text);
        }
    }
    return table;
}

}  // namespace

Resolver system_resolver() {
    return [](const std::string& name, double timeout) -> Expected<std::vector<std::string>> {
        auto l = std::make_shared<Lookup>();
        std::thread(run_getaddrinfo, name, l).detach();
        std::unique_lock<std::mutex> lk(l->mu);
        if (!l->cv.wait_for(lk, std::chrono::duration<double>(timeout), [&] { return l->done; }))
            return fail(fmt::format("timed out after {} s", timeout));
        if (!l->error.empty()) return fail(l->error);
        if (l->addrs.empty()) return fail("no addresses");
        return l->addrs;
    };
}

// The file is read once, when the resolver is made: a run looks up to 2000 domains in it.
Resolver hosts_file_resolver(const std::string& path) {
    return [table = load_hosts_table(path)](const std::string& name, double) -> Expected<std::vector<std::string>> {
        if (!table) return fail(table.error());
        auto it = table->find(name);
        if (it == table->end()) return fail("not found");
        return it->second;
    };
}

Expected<ResolveState> load_resolve_state(const std::string& path) {
    ResolveState out;
    Expected<std::string> text = read_file(path, 64 << 20);
    if (!text) return out;  // none yet
    std::istringstream in(*text);
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream w(line);
        ResolvedAddress r;
        if (!(w >> r.domain >> r.address >> r.first_seen >> r.last_seen))
            return fail_at(path, long(line_no), "expected 'domain address first_seen last_seen'");
        out.items.push_back(r);
    }
    return out;
}

Status save_resolve_state(const std::string& path, const ResolveState& st) {
    std::string text = "# domain address first_seen last_seen (written by miningrisk-feed)\n";
    for (const auto& r : st.items)
        text += fmt::format("{} {} {} {}\n", r.domain, r.address, r.first_seen, r.last_seen);
    return write_file_atomic(path, text);
}

ResolveSummary update_resolved(ResolveState& st, const std::vector<std::string>& domains,
                               const Resolver& resolver, double timeout, long long now,
                               long long max_age, std::size_t max_domains) {
    ResolveSummary sum;
    std::map<std::pair<std::string, std::string>, std::size_t> index;
    for (std::size_t i = 0; i < st.items.size(); ++i)
        index[{st.items[i].domain, st.items[i].address}] = i;
    std::size_t done = 0;
    for (const auto& d : domains) {
        if (done >= max_domains) {
            ++sum.skipped;
            continue;
        }
        ++done;
        auto addrs = resolver(d, timeout);
        if (!addrs) {
            ++sum.failed;
            continue;
        }
        ++sum.resolved;
        for (const auto& raw : *addrs) {
            auto e = parse_ioc_entry(raw);
            if (!e || e->kind != EntryKind::Address) continue;
            auto key = std::make_pair(d, e->text);
            auto it = index.find(key);
            if (it != index.end()) {
                st.items[it->second].last_seen = now;
            } else {
                index[key] = st.items.size();
                st.items.push_back({d, e->text, now, now});
            }
        }
    }
    auto old = std::remove_if(st.items.begin(), st.items.end(),
                              [&](const ResolvedAddress& r) { return now - r.last_seen > max_age; });
    sum.expired = static_cast<std::size_t>(st.items.end() - old);
    st.items.erase(old, st.items.end());
    return sum;
}

std::vector<FeedEntry> resolved_entries(const ResolveState& st) {
    std::vector<FeedEntry> out;
    std::set<std::string> seen;
    for (const auto& r : st.items) {
        if (!seen.insert(r.address).second) continue;
        if (auto e = parse_ioc_entry(r.address)) out.push_back(*e);
    }
    return out;
}

}  // namespace mr
