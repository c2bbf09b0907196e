// The compact socket types of model.h: binary addresses, one-byte states, inline owner pids.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <ostream>

#include "model.h"

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

bool operator==(const IpAddr& a, std::string_view text) { return a.to_string() == text; }

std::ostream& operator<<(std::ostream& os, const IpAddr& a) { return os << a.to_string(); }

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

std::ostream& operator<<(std::ostream& os, SockState s) { return os << s.name(); }

PidList& PidList::operator=(const PidList& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
}

PidList& PidList::operator=(PidList&& o) noexcept {
    if (this != &o) {
        delete[] heap_;
        heap_ = o.heap_;
        size_ = o.size_;
        one_ = o.one_;   // or cap_: the same bytes
        o.heap_ = nullptr;
        o.size_ = 0;
    }
    return *this;
}

void PidList::push_back(int pid) {
    if (!heap_) {
        if (size_ == 0) {
            one_ = pid;
            size_ = 1;
            return;
        }
        int first = one_;
        heap_ = new int[4];
        cap_ = 4;
        heap_[0] = first;
    } else if (size_ == cap_) {
        int* bigger = new int[cap_ * 2];
        std::copy(heap_, heap_ + size_, bigger);
        delete[] heap_;
        heap_ = bigger;
        cap_ *= 2;
    }
    heap_[size_++] = pid;
}

void PidList::assign(const int* b, const int* e) {
    // Never our own storage: self-assignment is excluded above.
    clear();
    for (; b != e; ++b) push_back(*b);
}

bool operator==(const PidList& a, const std::vector<int>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::ostream& operator<<(std::ostream& os, const PidList& p) {
    os << '{';
    for (size_t i = 0; i < p.size(); ++i) os << (i ? ", " : "") << p[i];
    return os << '}';
}

}  // namespace mr
