# ar_credit: accounts-receivable credit management inside PostgreSQL (PGXS build)

PG_CONFIG   ?= pg_config
# Source directory: "." for an in-tree build; pg_buildext (Debian packaging)
# builds in build-<version>/ with VPATH=<source dir>.  ar_src_wildcard lists
# source files by their path relative to it, which make then finds via VPATH.
ar_srcdir       := $(or $(VPATH),$(patsubst %/,%,$(dir $(firstword $(MAKEFILE_LIST)))))
ar_src_wildcard  = $(sort $(patsubst $(ar_srcdir)/%,%,$(wildcard $(addprefix $(ar_srcdir)/,$(1)))))
EXTENSION    = ar_credit
EXTVERSION   = $(shell grep default_version $(ar_srcdir)/$(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")
MODULE_big   = ar_credit
PGFILEDESC   = "ar_credit - payment terms, aging, scores, late interest and dunning"

# Every capability is a pair src/<area>.c (pure C, no PostgreSQL headers) and
# src/<area>_sql.c (fmgr glue); all of them are linked into one module.
SRCS         = $(call ar_src_wildcard,src/*.c)
OBJS         = $(SRCS:.c=.o)

# The install script is assembled from one section per area (scripts/NN_area.sql),
# in file-name order, so each area keeps its SQL next to nothing else's.
SCRIPT_PARTS = $(call ar_src_wildcard,scripts/[0-9][0-9]_*.sql)
DATA_built   = $(EXTENSION)--$(EXTVERSION).sql
# Released install scripts are frozen verbatim in upgrade/, next to the update
# scripts that lead from each release to the next (ALTER EXTENSION ... UPDATE).
DATA         = $(call ar_src_wildcard,upgrade/$(EXTENSION)--*.sql)
DOCS         = README.md

# pg_regress (sql/, expected/) and isolation specs (specs/, expected/)
REGRESS      = $(patsubst sql/%.sql,%,$(call ar_src_wildcard,sql/*.sql))
# tests named *_pg16 need PostgreSQL 16 or later (soft input errors)
PG_MAJOR    := $(shell $(PG_CONFIG) --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
ifneq ($(shell test "$(PG_MAJOR)" -ge 16 2>/dev/null && echo yes),yes)
REGRESS     := $(filter-out %_pg16,$(REGRESS))
endif
REGRESS_OPTS = --inputdir=$(ar_srcdir) --load-extension=plpgsql
ifneq ($(call ar_src_wildcard,specs/*.spec),)
ISOLATION    = $(patsubst specs/%.spec,%,$(call ar_src_wildcard,specs/*.spec))
ISOLATION_OPTS = --inputdir=$(ar_srcdir)
endif

PG_CPPFLAGS  = -I$(srcdir)/src -Wall -Wextra -Werror -Wno-unused-parameter \
               -Wno-missing-field-initializers -Wno-sign-compare
# Set SANITIZE=1 to build the module and the unit tests with ASan+UBSan.
SANITIZER_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
ifdef SANITIZE
PG_CPPFLAGS += $(SANITIZER_FLAGS)
SHLIB_LINK  += $(SANITIZER_FLAGS)
UNIT_SAN     = $(SANITIZER_FLAGS)
endif

EXTRA_CLEAN  = $(DATA_built) test/unit/*.bin fuzz/*.bin tmp_install

PGXS        := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: every object depends on every header
$(OBJS): $(wildcard $(ar_srcdir)/src/*.h)

# A VPATH build writes src/*.o under the build directory: create it first.
ifneq ($(ar_srcdir),.)
$(OBJS): | ar_objdirs
ar_objdirs:
	@mkdir -p $(sort $(dir $(OBJS)))
.PHONY: ar_objdirs
endif

$(DATA_built): $(SCRIPT_PARTS) $(EXTENSION).control
	@{ printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	   for f in $(SCRIPT_PARTS); do echo; echo "-- ===== $$f ====="; \
	     grep -v '^\\echo Use "CREATE EXTENSION' $(ar_srcdir)/$$f; done; } > $@

# ---- pure-C unit tests and fuzzers (no server needed) ----------------------
# pure C: the sources that do not include PostgreSQL's headers
PURE_SRCS    = $(shell cd $(ar_srcdir) && grep -L '"postgres.h"' $(SRCS))
UNIT_CFLAGS  = -std=c99 -O1 -g -Wall -Wextra -Werror -Isrc
unit_tests   = $(patsubst test/unit/%.c,test/unit/%.bin,$(wildcard test/unit/test_*.c))

test/unit/%.bin: test/unit/%.c test/unit/unit.h $(PURE_SRCS) $(wildcard src/*.h)
	$(CC) $(UNIT_CFLAGS) $(UNIT_SAN) \
	    -o $@ $< $(PURE_SRCS) -lm

# with SANITIZE=1 a UBSan report fails the test instead of scrolling by
unittest: $(unit_tests)
	@set -e; for t in $(unit_tests); do \
	  UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} ./$$t; done

# The unit tests under valgrind's memcheck.  valgrind cannot run ASan
# binaries, so the tests are rebuilt without SANITIZE first.
VALGRIND     ?= valgrind
VALGRIND_OPTS = --tool=memcheck --error-exitcode=1 --leak-check=full -q
valgrind:
	@$(MAKE) -s -B SANITIZE= $(unit_tests)
	@set -e; for t in $(unit_tests); do \
	  if out=$$($(VALGRIND) $(VALGRIND_OPTS) ./$$t 2>&1); then \
	    echo "$$t: $$(echo "$$out" | grep -c '^ok ') ok, memcheck clean"; \
	  else echo "$$out" | grep -v '^ok '; echo "$$t: FAILED under memcheck"; exit 1; fi; done

# libFuzzer targets, one per input the pure-C core parses (fuzz/README.md):
#   make fuzz FUZZ_RUNS=10000000 [FUZZ_TARGETS="terms dates"]
# New units go to fuzz/work/<target> (ignored), seeds stay in fuzz/corpus/<target>;
# a finding is saved as fuzz/work/<target>-crash-* and fails the target.
FUZZ_RUNS    ?= 100000
FUZZ_MAX_LEN ?= 1024
FUZZ_TIMEOUT ?= 60
FUZZ_TARGETS ?= $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
fuzzers      = $(patsubst %,fuzz/fuzz_%.bin,$(FUZZ_TARGETS))
fuzz/%.bin: fuzz/%.c fuzz/fuzz.h $(PURE_SRCS) $(wildcard src/*.h)
	clang -g -O1 -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $< $(PURE_SRCS) -lm

fuzz: $(fuzzers)
	@set -e; for n in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$n fuzz/work/$$n; echo "== fuzz_$$n ($(FUZZ_RUNS) runs)"; \
	  start=$$(date +%s); \
	  if ! ./fuzz/fuzz_$$n.bin -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAX_LEN) -timeout=$(FUZZ_TIMEOUT) \
	      -print_final_stats=1 -artifact_prefix=fuzz/work/$$n- \
	      fuzz/work/$$n fuzz/corpus/$$n > fuzz/work/$$n.log 2>&1; then \
	    grep -E '^(==[0-9]+==|SUMMARY|invariant|.*runtime error)' fuzz/work/$$n.log; \
	    echo "fuzz_$$n: FINDING (log fuzz/work/$$n.log, input fuzz/work/$$n-*)"; exit 1; fi; \
	  grep -E '(DONE|^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb)' fuzz/work/$$n.log; \
	  echo "wall $$(( $$(date +%s) - start )) s; fuzz/work/$$n holds $$(ls fuzz/work/$$n | wc -l) units, fuzz/corpus/$$n $$(ls fuzz/corpus/$$n | wc -l) seeds"; \
	done

.PHONY: unittest valgrind fuzz
