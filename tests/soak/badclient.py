#!/usr/bin/env python3
"""badclient.py PORT SECONDS: the malformed share of the soak's load.

Sends, over and over until SECONDS have passed, requests that are broken
at the HTTP level (garbage, a bad version, a URI over 8 KiB, a body over
64 KiB, too many or too large headers, a NUL, a request cut short) on new
connections to 127.0.0.1:PORT. Connection errors are expected here, and
so is 505 for the unknown HTTP version; any other 5xx reply is not. Prints
one line:
  BAD sent=N replies=N closed=N 4xx=N 505=N 5xx=N other=N
and exits 1 when any reply was a 5xx other than 505."""
import socket
import sys
import time

PORT = int(sys.argv[1])
SECONDS = float(sys.argv[2])

BAD = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 70000\r\n\r\n" + b"{" * 70000,
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 30000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n",
    b"GET /api/v1/articles/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /\x00/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/v1/search?q=%zz%G0 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"POST /api/v1/diagnose HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"GET /wizard?problem=bluetooth-call-audio HTTP/1.1\r\nHo",  # cut short
]


def one(req):
    """Sends req on a new connection; returns the reply's status, or None."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    try:
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while len(data) < 64:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"HTTP/1.") and len(data) >= 12:
            return int(data[9:12])
        return None
    finally:
        s.close()


def main():
    sent = replies = closed = c4 = c505 = c5 = other = 0
    end = time.monotonic() + SECONDS
    i = 0
    while time.monotonic() < end:
        req = BAD[i % len(BAD)]
        i += 1
        sent += 1
        try:
            status = one(req)
        except OSError:
            closed += 1
            continue
        if status is None:
            closed += 1
            continue
        replies += 1
        if 400 <= status < 500:
            c4 += 1
        elif status == 505 and b"HTTP/9.9" in req:
            c505 += 1
        elif status >= 500:
            c5 += 1
            print("BAD 5xx reply %d to %r" % (status, req[:60]), file=sys.stderr)
        else:
            other += 1
        time.sleep(0.002)
    print("BAD sent=%d replies=%d closed=%d 4xx=%d 505=%d 5xx=%d other=%d"
          % (sent, replies, closed, c4, c505, c5, other))
    return 1 if c5 else 0


if __name__ == "__main__":
    sys.exit(main())
