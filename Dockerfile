# Clew in a container: `docker build -t clew .` then `docker run -p 8080:8080 clew`.
# Two stages on Debian 12 slim: the build stage has the -dev packages, builds
# clew, runs the C unit tests and compiles kb/; the runtime stage has only the
# shared libraries the binary links (found with ldd), the binary, the KB file,
# templates/ and static/. Running it: docs/deploy.md.

ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# The packages come from scripts/install-deps, kept current with the
# Makefile: what the build and the C unit suite (make check-unit) need. Node.js
# is only for the API tests, which are not run here: a stand-in `node` keeps
# install-deps from installing it.
COPY scripts/install-deps scripts/install-deps
RUN apt-get update -q \
 && ln -s /bin/true /usr/local/bin/node \
 && scripts/install-deps test \
 && rm /usr/local/bin/node \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# The unit suite runs on what the build context has: the repository alone.
RUN make -j"$(nproc)" \
 && make check-unit \
 && build/clew compile -o build/kb.sqlite kb \
 && strip build/clew \
 && docker/runtime-packages build/clew > build/runtime-packages \
 && echo "runtime packages:" $(cat build/runtime-packages)

FROM ${DEBIAN_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
COPY --from=build /src/build/runtime-packages /tmp/runtime-packages
RUN apt-get update -q \
 && xargs apt-get install -y -q --no-install-recommends < /tmp/runtime-packages \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/runtime-packages \
 && groupadd --system --gid 10001 clew \
 && useradd --system --uid 10001 --gid clew --no-create-home \
	--home-dir /nonexistent --shell /usr/sbin/nologin clew
COPY --from=build /src/build/clew /usr/local/bin/clew
COPY --from=build /src/build/kb.sqlite /usr/share/clew/kb.sqlite
COPY --from=build /src/templates /usr/share/clew/templates
COPY --from=build /src/static /usr/share/clew/static
COPY --from=build /src/i18n /usr/share/clew/i18n
COPY --from=build /src/docker/entrypoint.sh /usr/local/bin/clew-entrypoint
COPY --from=build /src/docker/healthcheck.sh /usr/local/bin/clew-healthcheck

# The host's Bluetooth is not in the container: the probe is off unless the
# host's system bus is mounted in (docs/deploy.md).
ENV CLEW_LISTEN=0.0.0.0:8080 \
    CLEW_PROBE=off \
    CLEW_TEMPLATES=/usr/share/clew/templates \
    CLEW_STATIC=/usr/share/clew/static \
    CLEW_I18N=/usr/share/clew/i18n
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
	CMD ["/usr/local/bin/clew-healthcheck"]
ENTRYPOINT ["/usr/local/bin/clew-entrypoint"]
CMD []
