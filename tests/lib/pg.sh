#!/bin/sh
# pg.sh: a throwaway PostgreSQL for the tests (Debian's postgresql): a new
# cluster made with initdb in a temporary folder, owned and run by an
# unprivileged user (nobody, when started as root), listening only on
# 127.0.0.1 on a free port. Nothing of the machine's own clusters is used.
#
#   pg.sh run CMD [ARG...]  start one, run CMD with CLEW_TEST_PG (its DSN) and
#                           CLEW_TEST_PG_DIR set, then stop and remove it;
#                           exits with CMD's status
#   pg.sh start DIR         make (if new) and start a cluster in DIR (an empty
#                           or missing folder); prints its DSN
#   pg.sh pause DIR         stop the server, keeping its data (fault tests)
#   pg.sh resume DIR        start it again on the same port
#   pg.sh stop DIR          stop it and remove DIR
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || {
	echo "pg.sh: PostgreSQL's server is not installed (apt-get install postgresql)" >&2
	exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
	# From /: the owner may not enter the caller's folder (paths given
	# are absolute).
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@")
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
	dir=$1
	mkdir -p "$dir"
	if [ ! -f "$dir/port" ]; then
		[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$dir"
		chmod 700 "$dir"
		as_owner "$bindir/initdb" -D "$dir/data" -U clew --auth=trust \
			-E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
		free_port >"$dir/port"
	fi
	resume "$dir"
	port=$(cat "$dir/port")
	if [ ! -f "$dir/created" ]; then
		as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U clew clew
		: >"$dir/created"
	fi
	echo "postgresql://clew@127.0.0.1:$port/clew"
}

resume() {
	dir=$1
	port=$(cat "$dir/port")
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
		start >/dev/null || {
		tail -n 20 "$dir/server.log" >&2
		exit 1
	}
}

pause() {
	as_owner "$bindir/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

stop() {
	dir=$1
	[ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate \
		-w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
start) start "$1" ;;
pause) pause "$1" ;;
resume) resume "$1" ;;
stop) stop "$1" ;;
run)
	dir=$(mktemp -d /tmp/clew-pg.XXXXXX)
	trap 'stop "$dir"' EXIT INT TERM
	CLEW_TEST_PG=$(start "$dir")
	CLEW_TEST_PG_DIR=$dir
	export CLEW_TEST_PG CLEW_TEST_PG_DIR
	status=0
	"$@" || status=$?
	exit $status
	;;
*)
	echo "usage: pg.sh run CMD... | start|pause|resume|stop DIR" >&2
	exit 2
	;;
esac
