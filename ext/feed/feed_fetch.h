// Downloading one feed with libcurl: conditional (If-None-Match / If-Modified-Since from the saved
// validators), connect and total timeouts, a size limit enforced while the body arrives, retries
// with exponential back-off on 5xx/429/timeouts/connection errors, http and https only, TLS
// verification always on (against the system store or a given CA bundle), proxies from the
// environment (libcurl's default: http_proxy, https_proxy, no_proxy) unless one is given or
// proxies are turned off.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace mr {

struct FetchRequest {
    std::string url;
    std::string etag;             // sent as If-None-Match when not empty
    std::string last_modified;    // sent as If-Modified-Since when not empty
    std::size_t max_size = 8 * 1024 * 1024;
    double connect_timeout = 10.0;
    double total_timeout = 60.0;  // per attempt
    int retries = 3;              // extra attempts after the first
    double backoff = 2.0;         // first wait; doubles per retry, capped at 60 s
    std::string user_agent = "miningrisk-feed/0.1";
    std::string ca_file;                // PEM bundle replacing the system store; empty: system
    std::optional<std::string> proxy;   // unset: environment proxies; "": none at all; else URL
};

struct FetchResult {
    enum class Outcome { Fetched, NotModified, Failed } outcome = Outcome::Failed;
    long http_status = 0;
    std::string body;
    std::string etag;             // validators the server sent with the body
    std::string last_modified;
    std::string error;            // why it failed, e.g. "HTTP 500 (after 4 attempts)"
    int attempts = 0;
};

// `sleeper` waits between attempts (tests pass a recorder); default: real sleep.
FetchResult fetch_feed(const FetchRequest& req,
                       const std::function<void(double seconds)>& sleeper = nullptr);

}  // namespace mr
