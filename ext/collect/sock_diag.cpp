#include "collect/sock_diag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collect/proc_reader.h"

namespace mr {

namespace {

bool is_tcp(SocketProto p) { return p == SocketProto::tcp || p == SocketProto::tcp6; }
bool is_v6(SocketProto p) { return p == SocketProto::tcp6 || p == SocketProto::udp6; }

bool send_dump_request(int fd, uint32_t seq, SocketProto proto) {
    struct {
        nlmsghdr nh;
        inet_diag_req_v2 req;
    } msg;
    std::memset(&msg, 0, sizeof msg);
    msg.nh.nlmsg_len = sizeof msg;
    msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    msg.nh.nlmsg_seq = seq;
    msg.req.sdiag_family = is_v6(proto) ? AF_INET6 : AF_INET;
    msg.req.sdiag_protocol = is_tcp(proto) ? IPPROTO_TCP : IPPROTO_UDP;
    msg.req.idiag_states = ~0u;   // every state, as /proc/net/* lists them
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    for (;;) {
        ssize_t n = ::sendto(fd, &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
        if (n == static_cast<ssize_t>(sizeof msg)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}

}  // namespace

DiagStatus parse_inet_diag(const void* buf, size_t len, uint32_t seq, SocketProto proto, uint64_t netns,
                           std::vector<SocketInfo>& out) {
    const char* p = static_cast<const char*>(buf);
    const int family = is_v6(proto) ? AF_INET6 : AF_INET;
    while (len >= sizeof(nlmsghdr)) {
        nlmsghdr nh;
        std::memcpy(&nh, p, sizeof nh);   // the buffer need not be aligned
        if (nh.nlmsg_len < sizeof(nlmsghdr) || nh.nlmsg_len > len) return DiagStatus::error;
        if (nh.nlmsg_seq != seq) return DiagStatus::error;
        if (nh.nlmsg_type == NLMSG_DONE) return DiagStatus::done;
        if (nh.nlmsg_type == NLMSG_ERROR) return DiagStatus::error;
        if (nh.nlmsg_type != SOCK_DIAG_BY_FAMILY) return DiagStatus::error;
        if (nh.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return DiagStatus::error;
        inet_diag_msg m;
        std::memcpy(&m, p + NLMSG_HDRLEN, sizeof m);
        if (m.idiag_family != family) return DiagStatus::error;
        SocketInfo s;
        s.proto = proto;
        s.state = is_tcp(proto) ? SockState::from_tcp(m.idiag_state) : SockState::from_udp(m.idiag_state);
        s.local_port = ntohs(m.id.idiag_sport);
        s.remote_port = ntohs(m.id.idiag_dport);
        s.local_addr = family == AF_INET ? IpAddr::v4(m.id.idiag_src) : IpAddr::v6(m.id.idiag_src);
        s.remote_addr = family == AF_INET ? IpAddr::v4(m.id.idiag_dst) : IpAddr::v6(m.id.idiag_dst);
        s.uid = m.idiag_uid;
        s.inode = m.idiag_inode;
        s.netns = netns;
        out.push_back(std::move(s));
        size_t step = NLMSG_ALIGN(nh.nlmsg_len);
        if (step >= len) break;
        p += step;
        len -= step;
    }
    return DiagStatus::more;
}

bool read_sock_diag(uint64_t netns, std::vector<SocketInfo>& out) {
    Fd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd.ok()) return false;
    timeval tv{5, 0};   // a dump never takes this long; a cycle must never hang
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const size_t before = out.size();
    // The kernel fills at most ~32 KB per message batch; a larger buffer only costs memory.
    alignas(8) char buf[32 * 1024];
    static const SocketProto protos[] = {SocketProto::tcp, SocketProto::tcp6, SocketProto::udp, SocketProto::udp6};
    uint32_t seq = 0x6d720000;   // "mr"
    for (SocketProto proto : protos) {
        ++seq;
        if (!send_dump_request(fd.get(), seq, proto)) {
            out.resize(before);
            return false;
        }
        DiagStatus st = DiagStatus::more;
        while (st == DiagStatus::more) {
            sockaddr_nl from{};
            iovec iov{buf, sizeof buf};
            msghdr mh{};
            mh.msg_name = &from;
            mh.msg_namelen = sizeof from;
            mh.msg_iov = &iov;
            mh.msg_iovlen = 1;
            ssize_t n = ::recvmsg(fd.get(), &mh, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || (mh.msg_flags & MSG_TRUNC) || from.nl_pid != 0) {
                st = DiagStatus::error;
                break;
            }
            st = parse_inet_diag(buf, static_cast<size_t>(n), seq, proto, netns, out);
        }
        if (st != DiagStatus::done) {
            out.resize(before);
            return false;
        }
    }
    return true;
}

}  // namespace mr
