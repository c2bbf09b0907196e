#!/usr/bin/env python3
"""A real local HTTP feed server for the miningrisk-feed tests (127.0.0.1 only).

    feed_server.py --root DIR --port-file FILE --log FILE [--tls-cert PEM --tls-key PEM]

Serves the files in DIR with an ETag (hash of the content) and Last-Modified (the file's mtime),
answering 304 when If-None-Match or If-Modified-Since matches, so a test "changes a feed" by
rewriting its file. Special paths:
    /corrupt            200 with binary garbage
    /empty              200 with an empty body
    /oversized?mb=N     200 with N MiB (default 4) of valid-looking domain lines
    /slow/NAME?delay=S  sleeps S seconds (default 30), then serves NAME
    /flaky/NAME?fail=K  answers 500 to the first K requests for this path, then serves NAME
    /error/CODE         always answers CODE
Every request is logged as one JSON line (method, path, if_none_match, if_modified_since,
status, proxy, host) to the log file, so tests can assert that a conditional request was sent.

With --tls-cert/--tls-key it speaks HTTPS only (Python's ssl module, the handshake in the
request's thread); a handshake the client refuses is logged as {"tls_error": ...}.

It is also a plain HTTP forward proxy for absolute-form requests
("GET http://feeds.example.invalid/good.txt HTTP/1.1"): the name is never resolved, the path is
served as if asked directly, and the log line says "proxy": true with the requested "host".
With --connect-to PORT it also answers CONNECT (how clients reach HTTPS through a proxy) by
tunnelling to 127.0.0.1:PORT whatever host was asked, logged the same way.
"""
import argparse
import email.utils
import hashlib
import json
import os
import select
import socket
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
FLAKY_COUNTS = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet on stderr; we keep our own JSON log
        pass

    def record(self, status):
        entry = {
            "time": time.time(),
            "method": self.command,
            "path": self.path,
            "if_none_match": self.headers.get("If-None-Match"),
            "if_modified_since": self.headers.get("If-Modified-Since"),
            "user_agent": self.headers.get("User-Agent"),
            "status": status,
            "proxy": self.proxy_request(),
            "host": self.requested_host(),
        }
        write_log(entry)

    def target(self):
        """The request target, absolute form (a proxy request) or origin form."""
        return urllib.parse.urlsplit(self.path)

    def proxy_request(self):
        if self.command == "CONNECT":
            return True
        return self.target().scheme.lower() == "http" and bool(self.target().netloc)

    def requested_host(self):
        if self.command == "CONNECT":
            return self.path
        return self.target().netloc if self.proxy_request() else self.headers.get("Host")

    def handle(self):
        try:
            super().handle()
        except ssl.SSLError as e:  # the client refused our certificate (or spoke plain HTTP)
            write_log({"time": time.time(), "tls_error": str(e)})
        except (ConnectionError, TimeoutError):
            pass

    def send_body(self, status, body, extra=None):
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout, size limit): expected in tests
                pass

    def serve_file(self, name):
        path = os.path.join(ARGS.root, os.path.basename(name))
        try:
            with open(path, "rb") as f:
                body = f.read()
            mtime = int(os.stat(path).st_mtime)
        except OSError:
            return self.send_body(404, b"not found\n")
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            try:
                not_modified = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                not_modified = False
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if not_modified:
            self.record(304)
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            return
        self.send_body(200, body, headers)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)  # absolute form too: only its path is used
        query = urllib.parse.parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        if not parts:
            return self.send_body(404, b"not found\n")
        kind = parts[0]
        if kind == "corrupt":
            garbage = bytes((i * 151 + 7) % 256 for i in range(4096))
            return self.send_body(200, garbage)
        if kind == "empty":
            return self.send_body(200, b"")
        if kind == "oversized":
            # No Content-Length: the client can only enforce its limit while the body arrives.
            mb = float(query.get("mb", ["4"])[0])
            line = b"pool-%08d.oversized.example\n"
            body = b"".join(line % i for i in range(int(mb * 1024 * 1024 / 30)))
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for i in range(0, len(body), 65536):
                    self.wfile.write(body[i:i + 65536])
            except OSError:
                pass
            return
        if kind == "slow" and len(parts) > 1:
            time.sleep(float(query.get("delay", ["30"])[0]))
            return self.serve_file(parts[1])
        if kind == "flaky" and len(parts) > 1:
            fail = int(query.get("fail", ["1"])[0])
            with LOCK:
                n = FLAKY_COUNTS.get(url.path, 0)
                FLAKY_COUNTS[url.path] = n + 1
            if n < fail:
                return self.send_body(500, b"internal error\n")
            return self.serve_file(parts[1])
        if kind == "error" and len(parts) > 1:
            return self.send_body(int(parts[1]), b"error\n")
        return self.serve_file(kind)

    do_HEAD = do_GET

    def do_CONNECT(self):
        if not ARGS.connect_to:
            return self.send_body(405, b"CONNECT not enabled\n")
        try:
            upstream = socket.create_connection(("127.0.0.1", ARGS.connect_to), timeout=10)
        except OSError:
            return self.send_body(502, b"tunnel target down\n")
        self.record(200)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        relay(self.connection, upstream)


def relay(client, upstream):
    """Copies bytes both ways until either side closes (or 30 s of silence)."""
    try:
        while True:
            ready, _, _ = select.select([client, upstream], [], [], 30)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (upstream if s is client else client).sendall(data)
    except OSError:
        pass
    finally:
        upstream.close()


def write_log(entry):
    with LOCK, open(ARGS.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # clients giving up are expected in tests
        pass


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS")
    p.add_argument("--tls-key", help="PEM private key of --tls-cert")
    p.add_argument("--connect-to", type=int, help="answer CONNECT with a tunnel to 127.0.0.1:PORT")
    ARGS = p.parse_args()
    if bool(ARGS.tls_cert) != bool(ARGS.tls_key):
        p.error("--tls-cert and --tls-key go together")
    server = QuietServer(("127.0.0.1", ARGS.port), Handler)
    if ARGS.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        # Handshake on first read, in the request's thread: a refusing client never blocks accept().
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
