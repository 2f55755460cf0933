#!/usr/bin/env python3
"""slowloris.py PORT CONNS SECONDS: slow clients for the soak.

Opens CONNS connections to 127.0.0.1:PORT, spread over several loopback
source addresses (127.0.1.1, 127.0.1.2, ...; 100 a source, as a few hosts
would), and on each sends one byte of a request header a second, never
finishing it. Watches for the server closing them, for up to SECONDS.
Prints one line:
  SLOW opened=N closed=N open=N first_close_s=F last_close_s=F
where the times are seconds from the connection's opening."""
import select
import socket
import sys
import time

PORT = int(sys.argv[1])
CONNS = int(sys.argv[2])
SECONDS = float(sys.argv[3])
PER_SOURCE = 100
HEADER = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096

socks = {}      # fileno -> [socket, opened_at, bytes_sent]
lifetimes = []
failed = 0

for n in range(CONNS):
    src = "127.0.1.%d" % (1 + n // PER_SOURCE)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", PORT))
    except OSError as e:
        print("SLOW cannot open connection %d from %s: %s" % (n, src, e), file=sys.stderr)
        s.close()
        failed += 1
        continue
    s.setblocking(False)
    socks[s.fileno()] = [s, time.monotonic(), 0]

opened = len(socks)
start = time.monotonic()
next_byte = start
while socks and time.monotonic() - start < SECONDS:
    now = time.monotonic()
    if now >= next_byte:
        next_byte = now + 1.0
        for fd, st in list(socks.items()):
            s, t0, sent = st
            try:
                s.send(HEADER[sent % len(HEADER):sent % len(HEADER) + 1])
                st[2] = sent + 1
            except OSError:
                lifetimes.append(now - t0)
                s.close()
                del socks[fd]
    ready, _, _ = select.select(list(socks.keys()), [], [], max(0.0, min(0.2, next_byte - time.monotonic())))
    for fd in ready:
        s, t0, _ = socks[fd]
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:  # closed by the server (a reply before that is read and dropped)
            lifetimes.append(time.monotonic() - t0)
            s.close()
            del socks[fd]

for s, _, _ in socks.values():
    s.close()
print("SLOW opened=%d closed=%d open=%d failed=%d first_close_s=%.1f last_close_s=%.1f"
      % (opened, len(lifetimes), len(socks), failed,
         min(lifetimes) if lifetimes else -1, max(lifetimes) if lifetimes else -1))
