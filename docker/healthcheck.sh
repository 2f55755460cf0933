#!/bin/bash
# The image's HEALTHCHECK without curl: GET /healthz over bash's /dev/tcp at
# the address in CLEW_LISTEN (a wildcard address means loopback); healthy on
# a 200 status line.
listen=${CLEW_LISTEN:-0.0.0.0:8080}
port=${listen##*:}
host=${listen%:*}
host=${host#[}
host=${host%]}
case $host in
"" | 0.0.0.0) host=127.0.0.1 ;;
::) host=::1 ;;
esac
if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
	echo "healthz: nothing answers on $host port $port" >&2
	exit 1
fi
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || exit 1
case $status in
"HTTP/1."?" 200 "*) exit 0 ;;
*) echo "healthz: $status" >&2; exit 1 ;;
esac
