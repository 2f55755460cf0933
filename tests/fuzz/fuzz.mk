# tests/fuzz/fuzz.mk: libFuzzer harnesses, one per input surface
# (included by the Makefile). Built with clang, -fsanitize=fuzzer,address,
# undefined, against the server's sources compiled again with coverage.
#
#   make fuzz [FUZZ_SECONDS=60]   each harness for FUZZ_SECONDS, new inputs
#                                 kept under build/fuzz/found/<harness>/
#   make check-fuzz               each harness over its committed corpus, then
#                                 FUZZ_RUNS more inputs from a fixed seed: a
#                                 regression run, quick enough for make check
#
# Seeds: tests/fuzz/corpus/<harness>/ (committed, small, written by us).
# Dictionaries: tests/fuzz/<harness>.dict where there is one. A crash is
# saved as build/fuzz/crash-<harness>-*; commit it to the harness's corpus
# with the fix, so check-fuzz replays it from then on.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 10000
FUZZ_DIR := build/fuzz
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1 -g
FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Wstrict-prototypes -Werror \
	$(FUZZ_FLAGS) $(DEP_CFLAGS)

FUZZ_HARNESSES := $(sort $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/%)
# The server once more, instrumented for coverage (not main.c).
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/gen/schema.o
FUZZ_UTIL_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fuzzutil.o

.PHONY: fuzz check-fuzz fuzz-build

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/gen/schema.o: $(BUILD)/gen/schema.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/libclew.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_UTIL_OBJ) $(FUZZ_DIR)/libclew.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(DEP_LIBS)

fuzz-build: $(FUZZ_BINS)

# One harness run: $(1) harness, $(2) libFuzzer options, $(3) the folder
# for new inputs: first in the list, so the committed corpus is only read.
# The HTTP harnesses compile kb/ and load templates/ and static/ from here.
define fuzz_run
	@mkdir -p $(3) tests/fuzz/corpus/$(1)
	@echo "== $(1)"
	@$(FUZZ_DIR)/$(1) $(2) -artifact_prefix=$(FUZZ_DIR)/crash-$(1)- \
		$(if $(wildcard tests/fuzz/$(1).dict),-dict=tests/fuzz/$(1).dict) \
		$(3) tests/fuzz/corpus/$(1) 2>$(FUZZ_DIR)/$(1).log \
		|| { tail -n 60 $(FUZZ_DIR)/$(1).log; exit 1; }
	@grep -E '^(Done|#[0-9]+ +DONE)' $(FUZZ_DIR)/$(1).log | tail -n 1

endef

check-fuzz: $(FUZZ_BINS)
	@rm -rf $(FUZZ_DIR)/check
	$(foreach h,$(FUZZ_HARNESSES),$(call fuzz_run,$(h),-runs=$(FUZZ_RUNS) -seed=1 -max_len=65536 -timeout=10,$(FUZZ_DIR)/check/$(h)))
	@echo "fuzz: $(words $(FUZZ_HARNESSES)) harnesses, corpus and $(FUZZ_RUNS) runs each, no crash"

fuzz: $(FUZZ_BINS)
	$(foreach h,$(FUZZ_HARNESSES),$(call fuzz_run,$(h),-max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -print_final_stats=1,$(FUZZ_DIR)/found/$(h)))
	@echo "fuzz: $(words $(FUZZ_HARNESSES)) harnesses, $(FUZZ_SECONDS) s each, no crash"

# The objects stay, so that a second build links only what changed.
.SECONDARY: $(FUZZ_UTIL_OBJ) $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.o)
