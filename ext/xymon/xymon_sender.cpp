#include "xymon/xymon_sender.h"

#include <chrono>
#include <cstdlib>
#include <future>

#include <fmt/core.h>
#include <boost/process.hpp>

namespace bp = boost::process;

namespace mr {

namespace {
std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v && *v) ? std::string(v) : fallback;
}
}  // namespace

XymonTarget xymon_target_from_env() {
    XymonTarget t;
    t.xymon = env_or("XYMON", "/usr/lib/xymon/client/bin/xymon");
    // Passed through as is: xymon itself expands XYMSRV=0.0.0.0 to every server in XYMSERVERS.
    t.server = env_or("XYMSRV", "127.0.0.1");
    return t;
}

Expected<std::string> xymon_exchange(const XymonTarget& target, const std::string& message,
                                     double timeout_seconds) {
    try {
        boost::asio::io_context ioc;
        std::future<std::string> out;
        std::future<std::string> err;
        bp::child child(target.xymon, target.server, "@", bp::std_in < boost::asio::buffer(message),
                        bp::std_out > out, bp::std_err > err, ioc);
        // The io_context pumps the pipes; run it on a thread so we can enforce the deadline.
        auto runner = std::async(std::launch::async, [&ioc] { ioc.run(); });
        auto deadline = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
        if (runner.wait_for(deadline) != std::future_status::ready) {
            std::error_code ec;
            child.terminate(ec);
            ioc.stop();
            runner.wait();
            return fail(fmt::format("xymon did not finish within {:.1f} s", timeout_seconds));
        }
        child.wait();
        std::string o = out.get(), e = err.get();
        if (child.exit_code() != 0)
            return fail("xymon " + target.server + " exited " + std::to_string(child.exit_code()) +
                        (e.empty() ? "" : ": " + e.substr(0, 300)));
        return o;
    } catch (const std::exception& ex) {
        return fail(std::string("cannot run ") + target.xymon + ": " + ex.what());
    }
}

Status send_to_xymon(const std::string& message, double timeout_seconds) {
    Expected<std::string> answer = xymon_exchange(xymon_target_from_env(), message, timeout_seconds);
    if (!answer) return fail(answer.error());
    return {};
}

Expected<std::string> xymon_query(const std::string& message, double timeout_seconds) {
    return xymon_exchange(xymon_target_from_env(), message, timeout_seconds);
}

}  // namespace mr
