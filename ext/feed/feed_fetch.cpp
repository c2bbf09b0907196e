#include "feed/feed_fetch.h"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

namespace mr {

namespace {

struct Transfer {
    std::string body;
    std::size_t max_size = 0;
    bool oversized = false;
    std::string etag;
    std::string last_modified;
};

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * nmemb;
    if (t->body.size() + n > t->max_size) {
        t->oversized = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

std::string header_value(const std::string& line, const char* name) {
    std::size_t len = std::char_traits<char>::length(name);
    if (line.size() <= len || line[len] != ':') return {};
    for (std::size_t i = 0; i < len; ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return {};
    std::string v = line.substr(len + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return v;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * nmemb);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget the old one
        t->etag.clear();
        t->last_modified.clear();
    }
    if (auto v = header_value(line, "etag"); !v.empty()) t->etag = v.substr(0, 512);
    if (auto v = header_value(line, "last-modified"); !v.empty()) t->last_modified = v.substr(0, 128);
    return size * nmemb;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// libcurl's message, led by what an operator should look at for the TLS failures.
std::string describe_curl_error(CURLcode rc, const std::string& message, bool own_ca) {
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return fmt::format("certificate refused ({}): {}",
                           own_ca ? "CAFILE" : "system CA store; set CAFILE= for an internal CA",
                           message);
    case CURLE_SSL_CACERT_BADFILE:
        return "cannot use the CA bundle: " + message;
    case CURLE_SSL_CONNECT_ERROR:
        return "TLS handshake failed: " + message;
    default:
        return message;
    }
}

struct Attempt {
    FetchResult result;
    bool retryable = false;
};

Attempt attempt_once(const FetchRequest& req) {
    Attempt a;
    CURL* curl = curl_easy_init();
    if (!curl) {
        a.result.error = "cannot initialise libcurl";
        return a;
    }
    Transfer t;
    t.max_size = req.max_size;
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    if (!req.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + req.etag).c_str());
    if (!req.last_modified.empty())
        headers = curl_slist_append(headers, ("If-Modified-Since: " + req.last_modified).c_str());

    curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout * 1000));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(req.total_timeout * 1000));
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.max_size));
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip is counted after decoding
    curl_easy_setopt(curl, CURLOPT_USERAGENT, req.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    if (!req.ca_file.empty()) {
        // The bundle replaces the system store: Debian's libcurl also has a default CA path.
        curl_easy_setopt(curl, CURLOPT_CAINFO, req.ca_file.c_str());
        curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    }
    // Unset: libcurl reads http_proxy/https_proxy/no_proxy from the environment. "" turns
    // proxies off, the environment's included.
    if (req.proxy) curl_easy_setopt(curl, CURLOPT_PROXY, req.proxy->c_str());

    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    a.result.http_status = status;
    if (t.oversized || rc == CURLE_FILESIZE_EXCEEDED) {
        a.result.error = fmt::format("download larger than the limit of {} bytes", req.max_size);
    } else if (rc != CURLE_OK) {
        a.result.error = describe_curl_error(rc, errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc),
                                             !req.ca_file.empty());
        a.retryable = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                      rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
                      rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                      rc == CURLE_PARTIAL_FILE;
        if (rc == CURLE_OPERATION_TIMEDOUT) a.result.error = "timed out: " + a.result.error;
    } else if (status == 304) {
        a.result.outcome = FetchResult::Outcome::NotModified;
    } else if (status >= 200 && status < 300) {
        a.result.outcome = FetchResult::Outcome::Fetched;
        a.result.body = std::move(t.body);
        a.result.etag = t.etag;
        a.result.last_modified = t.last_modified;
    } else {
        a.result.error = fmt::format("HTTP {}", status);
        a.retryable = status >= 500 || status == 429 || status == 408;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return a;
}

}  // namespace

FetchResult fetch_feed(const FetchRequest& req, const std::function<void(double)>& sleeper) {
    global_init();
    double wait = req.backoff;
    FetchResult last;
    for (int attempt = 0; attempt <= std::max(0, req.retries); ++attempt) {
        if (attempt > 0) {
            if (sleeper) sleeper(wait);
            else std::this_thread::sleep_for(std::chrono::duration<double>(wait));
            wait = std::min(wait * 2, 60.0);
        }
        Attempt a = attempt_once(req);
        a.result.attempts = attempt + 1;
        last = std::move(a.result);
        if (last.outcome != FetchResult::Outcome::Failed || !a.retryable) break;
    }
    if (last.outcome == FetchResult::Outcome::Failed && last.attempts > 1)
        last.error += fmt::format(" (after {} attempts)", last.attempts);
    return last;
}

}  // namespace mr
