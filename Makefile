# Clew: one non-recursive Makefile. `make` builds build/clew; `make check`
# runs every test; `make run` compiles kb/ and serves it. SANITIZE=1 builds
# everything with ASan + UBSan under build/sanitize/.

VERSION := 0.1.0
PKGS := libcmark libcjson sqlite3 yaml-0.1 libmicrohttpd libsystemd bluez libpq libxml-2.0 libbrotlienc zlib
TEST_PKGS := check libcurl libbrotlidec

CC ?= cc
ifeq ($(SANITIZE),1)
BUILD := build/sanitize
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD := build
SAN_FLAGS :=
endif

CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wstrict-prototypes -Wshadow -Werror
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DCLEW_VERSION='"$(VERSION)"'
DEP_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
DEP_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN_FLAGS) $(DEP_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

LIB_SRC := $(sort $(wildcard server/base/*.c server/content/*.c server/compiler/*.c server/engine/*.c \
	server/store/*.c server/events/*.c server/learn/*.c server/stats/*.c server/cmd/*.c server/http/*.c server/probe/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/schema.o
TEST_SRC := $(sort $(wildcard tests/check_*.c)) tests/testutil.c tests/runner.c
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

KB_DB := $(BUILD)/kb.sqlite

.PHONY: all deps deps-test run check check-unit check-api check-browser check-container check-fresh bench clean

all: $(BUILD)/clew

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

# kb.sqlite.sql is embedded as a C string.
$(BUILD)/gen/schema.c: kb.sqlite.sql scripts/embed-text
	@mkdir -p $(dir $@)
	scripts/embed-text clew_schema_sql < $< > $@

$(BUILD)/obj/gen/schema.o: $(BUILD)/gen/schema.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libclew.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/clew: $(BUILD)/obj/server/main.o $(BUILD)/libclew.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/check_clew: $(TEST_OBJ) $(BUILD)/libclew.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(DEP_LIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libclew.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libclew.a $(ALL_LDFLAGS) $(DEP_LIBS)

deps:
	scripts/install-deps build

deps-test:
	scripts/install-deps test

$(KB_DB): $(BUILD)/clew $(wildcard kb/*.md)
	$(BUILD)/clew compile -o $@ kb

run: deps
	$(MAKE) all
	$(BUILD)/clew compile -o $(KB_DB) kb
	$(BUILD)/clew serve --db $(KB_DB) --listen $(or $(LISTEN),127.0.0.1:8080)

check: deps-test
	$(MAKE) check-unit check-api check-browser check-fuzz check-soak

# Node tools for the tests, pinned by package-lock.json, each chosen to run
# on Debian 12's own Node.js (18) and npm (9): --engine-strict refuses a
# package whose "engines" does not accept the Node.js or npm at hand.
node_modules/.installed: package.json package-lock.json
	npm ci --engine-strict --no-audit --no-fund --loglevel=error
	touch $@

# docs/openapi.yaml is linted (Redocly's recommended rules), then checked
# against a live server.
check-api: $(BUILD)/clew node_modules/.installed
	node tests/api/lint-openapi.mjs docs/openapi.yaml
	CLEW_BIN=$(BUILD)/clew tests/lib/pg.sh run node --test tests/api/

# The pages in a real Chromium (Debian's chromium, driven by playwright-core;
# no browser is downloaded). Screenshots go to build/screenshots/.
check-browser: $(BUILD)/clew node_modules/.installed
	CLEW_BIN=$(BUILD)/clew node --test tests/browser/

# The suites run from the repository root (fixtures are under tests/data),
# with a throwaway PostgreSQL for the events store's tests (tests/lib/pg.sh).
check-unit: $(BUILD)/check_clew $(BUILD)/clew
	CLEW_BIN=$(BUILD)/clew tests/lib/pg.sh run $(BUILD)/check_clew

# The Docker image, built and run for real with podman (as root; installs
# podman, buildah, debootstrap, runc when missing), and deploy/kubernetes/
# validated offline. See tests/container/run.
check-container:
	tests/container/run

# The README's first lines on a fresh Debian 12 system: a debootstrap'd
# root in a podman container, a clean clone of HEAD, the README's install
# line, make run until /healthz answers, then make check. See tests/fresh/run.
check-fresh:
	tests/fresh/run

# mhd_floor is a server that bench/http runs, not a benchmark of its own.
bench: $(BUILD)/clew $(BENCH_BIN)
	@for b in $(filter-out %/mhd_floor,$(BENCH_BIN)); do echo "== $$b"; $$b || exit 1; done
	@echo "== bench/http"; CLEW_BIN=$(BUILD)/clew bench/http

clean:
	rm -rf build

# Hardening: libFuzzer harnesses (make fuzz, check-fuzz) and the soak and
# fault tests (make soak, check-soak).
-include tests/fuzz/fuzz.mk
-include tests/soak/soak.mk

-include $(shell find build -name '*.d' -type f 2>/dev/null)
