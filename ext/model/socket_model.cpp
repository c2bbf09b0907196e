// The compact socket types of model.h: binary addresses, one-byte states, inline owner pids.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <ostream>

#include "model/model.h"

namespace mr {

IpAddr IpAddr::v4(const void* four) {
    IpAddr a;
    std::memcpy(a.bytes, four, 4);
    a.family = 4;
    return a;
}

IpAddr IpAddr::v6(const void* sixteen) {
    IpAddr a;
    std::memcpy(a.bytes, sixteen, 16);
    a.family = 6;
    return a;
}

bool IpAddr::parse(std::string_view text) {
    *this = IpAddr{};
    size_t pct = text.find('%');
    if (pct != std::string_view::npos) text = text.substr(0, pct);
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = 0;
    if (inet_pton(AF_INET, buf, bytes) == 1) {
        family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, buf, bytes) == 1) {
        family = 6;
        return true;
    }
    std::memset(bytes, 0, sizeof bytes);
    return false;
}

std::string IpAddr::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    if (family == 4) {
        int n = snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
        return std::string(buf, static_cast<size_t>(n));
    }
    if (family == 6 && inet_ntop(AF_INET6, bytes, buf, sizeof buf)) return buf;
    return std::string();
}

bool IpAddr::operator==(const IpAddr& o) const {
    if (family != o.family) return false;
    return std::memcmp(bytes, o.bytes, family == 4 ? 4 : 16) == 0;
}

IpAddr IpAddr::unmapped() const {
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (family == 6 && std::memcmp(bytes, kMapped, sizeof kMapped) == 0) return v4(bytes + 12);
    return *this;
}

std::ostream& IpAddr::print(std::ostream& os, const IpAddr& a) { return os << a.to_string(); }

namespace {
const char* const kStateNames[] = {"UNKNOWN",    "ESTABLISHED", "SYN_SENT", "SYN_RECV",  "FIN_WAIT1",
                                   "FIN_WAIT2",  "TIME_WAIT",   "CLOSE",    "CLOSE_WAIT", "LAST_ACK",
                                   "LISTEN",     "CLOSING",     "NEW_SYN_RECV", "UNCONN"};
constexpr int kStateCount = sizeof kStateNames / sizeof kStateNames[0];
}  // namespace

SockState::SockState(std::string_view name) : code_(unknown) {
    for (int i = 1; i < kStateCount; ++i)
        if (name == kStateNames[i]) {
            code_ = static_cast<Code>(i);
            return;
        }
}

SockState SockState::from_tcp(int st) {
    return st >= established && st <= new_syn_recv ? SockState(static_cast<Code>(st)) : SockState(unknown);
}

SockState SockState::from_udp(int st) { return st == 1 ? SockState(established) : SockState(unconn); }

const char* SockState::name() const { return code_ < kStateCount ? kStateNames[code_] : "UNKNOWN"; }

std::ostream& SockState::print(std::ostream& os, SockState s) { return os << s.name(); }

PidList& PidList::operator=(const PidList& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
}

PidList& PidList::operator=(PidList&& o) noexcept {
    if (this != &o) {
        release();
        half_[0] = o.half_[0];
        half_[1] = o.half_[1];
        o.set_inline(0, 0);
    }
    return *this;
}

void PidList::release() {
    if (!is_inline()) ::operator delete(heap());
    set_inline(0, 0);
}

void PidList::clear() {
    if (is_inline()) set_inline(0, 0);
    else heap()->size = 0;
}

void PidList::push_back(int pid) {
    Block* b = nullptr;
    if (is_inline()) {
        uint32_t n = static_cast<uint32_t>(half_[kTag]) >> 1;
        if (n == 0) {
            set_inline(1, pid);
            return;
        }
        int first = half_[kPid];
        b = static_cast<Block*>(::operator new(sizeof(Block) + 3 * sizeof(int)));
        b->size = 1;
        b->cap = 4;
        b->pids[0] = first;
        set_heap(b);
    } else {
        b = heap();
        if (b->size == b->cap) {
            uint32_t cap = b->cap * 2;
            auto* bigger = static_cast<Block*>(::operator new(sizeof(Block) + (cap - 1) * sizeof(int)));
            bigger->size = b->size;
            bigger->cap = cap;
            std::copy(b->pids, b->pids + b->size, bigger->pids);
            ::operator delete(b);
            b = bigger;
            set_heap(b);
        }
    }
    b->pids[b->size++] = pid;
}

void PidList::assign(const int* b, const int* e) {
    // Never our own storage: self-assignment is excluded above.
    clear();
    for (; b != e; ++b) push_back(*b);
}

bool PidList::equals(const PidList& a, const std::vector<int>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::ostream& PidList::print(std::ostream& os, const PidList& p) {
    os << '{';
    for (size_t i = 0; i < p.size(); ++i) os << (i ? ", " : "") << p[i];
    return os << '}';
}

}  // namespace mr
