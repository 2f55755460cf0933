# tests/lib/podman.sh: podman for the container and fresh-system tests, with
# no Docker engine and no registry: rootful podman with runc, its state kept
# apart, and the base image made with debootstrap. Sourced by
# tests/container/run and tests/fresh/run; bash only.
#
#   podman_setup          podman's state in $CLEW_CONTAINER_STATE (default
#                         /var/tmp/clew-containers), through
#                         CONTAINERS_STORAGE_CONF and CONTAINERS_CONF; installs
#                         podman, debootstrap, runc and curl when missing (as
#                         root).
#   podman_base_image     makes debian:bookworm-slim with debootstrap from the
#                         mirror apt uses, once, and keeps it.
#   apt_sources           prints apt's sources (deb822 debian.sources and the
#                         classic sources.list) as "URI SUITE COMPONENTS".
#
# Not under build/: the Makefile reads every *.d there (an image has etc/rc2.d).

say() { printf '== %s\n' "$*"; }
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

podman_setup() {
	local want="podman debootstrap runc curl" missing= p
	[ "$(id -u)" -eq 0 ] || fail "run as root: debootstrap and rootful podman need it"
	for p in $want; do
		case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		DEBIAN_FRONTEND=noninteractive apt-get update -q
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
	fi

	local state=${CLEW_CONTAINER_STATE:-/var/tmp/clew-containers}
	local nofile nproc
	mkdir -p "$state"
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nofile" = unlimited ] && nofile=1048576
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
	cat >"$state/storage.conf" <<EOC
[storage]
driver = "overlay"
graphroot = "$state/storage"
runroot = "$state/run"
EOC
	cat >"$state/containers.conf" <<EOC
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
EOC
	export CONTAINERS_STORAGE_CONF=$state/storage.conf
	export CONTAINERS_CONF=$state/containers.conf
}

# Podman runs an image's HEALTHCHECK on a systemd timer; without systemd it
# logs an error for each container and runs it all the same. Hide just that
# message.
podman() {
	command podman "$@" 2> >(grep -v 'unable to get systemd connection' >&2)
}

apt_sources() {
	local deb822=/etc/apt/sources.list.d/debian.sources classic=/etc/apt/sources.list
	[ -r "$deb822" ] && awk '
	function flush() {
		if (uris != "" && suites != "") {
			nu = split(uris, u, " "); ns = split(suites, s, " ")
			for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
				print u[i], s[j], comps
		}
		uris = suites = comps = ""
	}
	/^[ \t]*#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
	/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
	/^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
	END { flush() }' "$deb822"
	# "deb [options] URI SUITE COMPONENTS..."
	[ -r "$classic" ] && awk '$1 == "deb" {
		i = 2
		if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
		comps = ""
		for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
		print $i, $(i + 1), comps
	}' "$classic"
	return 0
}

# podman_base_image WORKDIR: debian:bookworm-slim, as Debian's own slim image
# (minbase, no documentation, manual pages or translations), made once.
podman_base_image() {
	local work=$1 mirror rootfs
	podman image exists debian:bookworm-slim && return 0
	mirror=$(apt_sources | awk '$2 == "bookworm" { print $1; exit }')
	[ -n "$mirror" ] || fail "no bookworm mirror in apt's sources (/etc/apt/sources.list.d/debian.sources, /etc/apt/sources.list)"
	say "making debian:bookworm-slim with debootstrap from $mirror"
	rootfs=$work/rootfs
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap"; }
	cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOC
	find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
	find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "$rootfs"/usr/share/{man,info,groff,lintian,linda,locale}/*
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
		"$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
	apt_sources | awk '{ print "deb " $0 }' >"$rootfs/etc/apt/sources.list"
	tar -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
	podman tag debian:bookworm-slim docker.io/library/debian:bookworm-slim
	rm -rf "$rootfs"
}
