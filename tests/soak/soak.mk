# tests/soak/soak.mk: the soak, fault and valgrind runs (included by the
# Makefile).
#
#   make soak [SOAK_SECONDS=60]   the full soak: SOAK_SECONDS of mixed load
#                                 with reloads, 500 slow clients (normal
#                                 requests' p99 must stay under 20 ms), then
#                                 the fault injection and valgrind runs
#   make check-soak               the short form for make check: 10 s of
#                                 load, the slow clients (p99 printed, not
#                                 checked: tests do not time), the faults,
#                                 and valgrind where the build is not a
#                                 sanitizer build; the events store's
#                                 faults (tests/soak/events-faults)
#
# Each script says what it checks at its top: tests/soak/soak,
# tests/soak/faults, tests/soak/events-faults, tests/soak/valgrind.

SOAK_SECONDS ?= 60

.PHONY: soak check-soak check-valgrind

soak: $(BUILD)/clew
	CLEW_BIN=$(BUILD)/clew tests/soak/soak --seconds $(SOAK_SECONDS) --p99-ms 20
	CLEW_BIN=$(BUILD)/clew tests/soak/faults
	CLEW_BIN=$(BUILD)/clew tests/soak/events-faults
	$(MAKE) check-valgrind

check-soak: $(BUILD)/clew
	CLEW_BIN=$(BUILD)/clew tests/soak/soak --seconds 10
	CLEW_BIN=$(BUILD)/clew tests/soak/faults
	CLEW_BIN=$(BUILD)/clew tests/soak/events-faults
ifneq ($(SANITIZE),1)
	$(MAKE) check-valgrind
endif

# Valgrind runs the plain build, also when called from a SANITIZE=1 make.
check-valgrind:
	$(MAKE) SANITIZE= build/clew
	CLEW_BIN=build/clew tests/soak/valgrind
