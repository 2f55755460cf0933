#!/bin/sh
# The image's entrypoint: picks the knowledge base, then execs `clew serve`
# (so the server is PID 1 and gets SIGTERM itself).
#
#   a folder of Markdown mounted at /kb    compiled now into /tmp/clew (the
#                                          root filesystem may be read-only);
#                                          compile errors stop the container
#   else /data/kb.sqlite mounted           served as it is
#   else                                   the KB built into the image
#
# CLEW_DB set by the user wins over all three.
#
# Where events go (docs/outcomes.md), unless CLEW_EVENTS is set:
#   /run/secrets/clew-events/dsn (a Secret)  PostgreSQL, the DSN read from it
#   else /data writable (a volume)           /data/events.sqlite
#   else                                     not recorded, said on stderr
# and /run/secrets/clew-events/admin-token, when there, is the admin token.
#
# Arguments that start with '-'
# go to `clew serve`; any other command runs as given (`docker run clew clew
# diagnose problem=...`), with CLEW_DB pointing at the same KB.
set -eu

kb_dir=${CLEW_KB_DIR:-/kb}
kb_out=${CLEW_KB_OUT:-/tmp/clew/kb.sqlite}
data_db=/data/kb.sqlite
image_db=/usr/share/clew/kb.sqlite

serve=1
case ${1:-} in
"" | -*) ;;
serve) shift ;;
*) serve=0 ;;
esac

# A folder with at least one article in it (ConfigMap volumes hold links).
has_articles() {
	[ -d "$1" ] && [ -n "$(find -L "$1" -type f \( -name '*.md' -o -name '*.markdown' \) -print 2>/dev/null | head -n 1)" ]
}

if [ -z "${CLEW_DB:-}" ]; then
	if [ "$serve" = 1 ] && has_articles "$kb_dir"; then
		echo "clew-entrypoint: compiling $kb_dir into $kb_out" >&2
		mkdir -p "$(dirname "$kb_out")"
		if ! clew compile -o "$kb_out" "$kb_dir"; then
			echo "clew-entrypoint: the articles in $kb_dir do not compile (errors above); not starting" >&2
			exit 1
		fi
		CLEW_DB=$kb_out
	elif [ -f "$data_db" ]; then
		CLEW_DB=$data_db
	else
		CLEW_DB=$image_db
	fi
	export CLEW_DB
fi

if [ "$serve" = 0 ]; then
	exec "$@"
fi
secrets=${CLEW_SECRETS_DIR:-/run/secrets/clew-events}
if [ -z "${CLEW_EVENTS:-}" ]; then
	if [ -f "$secrets/dsn" ]; then
		CLEW_EVENTS=@$secrets/dsn
		echo "clew-entrypoint: events go to PostgreSQL (the DSN in $secrets/dsn)" >&2
	elif [ -d /data ] && [ -w /data ]; then
		CLEW_EVENTS=/data/events.sqlite
		echo "clew-entrypoint: events go to /data/events.sqlite" >&2
	else
		CLEW_EVENTS=off
		echo "clew-entrypoint: events are NOT recorded: /data is not a writable" \
			"volume and no DSN is in $secrets. Mount a volume at /data, or set" \
			"CLEW_EVENTS (docs/outcomes.md)" >&2
	fi
	export CLEW_EVENTS
fi
if [ -z "${CLEW_ADMIN_TOKEN:-}" ] && [ -f "$secrets/admin-token" ]; then
	CLEW_ADMIN_TOKEN=@$secrets/admin-token
	export CLEW_ADMIN_TOKEN
fi
echo "clew-entrypoint: serving $CLEW_DB" >&2
exec clew serve "$@"
