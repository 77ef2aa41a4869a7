# mk/fuzz.mk: libFuzzer harnesses for every parser (tests/fuzz/*.c), under ASan and UBSan.
# Works included from the Makefile or alone (make -f mk/fuzz.mk fuzz).  Needs clang with
# libFuzzer (Debian: clang, libclang-rt-14-dev) and libjansson-dev for the JSON oracle.
#	make fuzz			build tests/fuzz/bin/fuzz_* (own objects: the normal build is untouched)
#	make fuzz-run [FUZZ_SECONDS=30]	fuzz each harness that long, two at a time; fails on any crash,
#					then a short run with lines of several MB for the line-oriented ones
#	make fuzz-regress		each harness once over its seeds and its tests/fuzz/crashers/ files
#	make fuzz-cov			line and branch coverage of the code each harness is for, by the
#					inputs of the runs so far (run/fuzz/corpus*) and the seeds
#	make fuzz-clean
# Inputs libFuzzer finds go to run/fuzz/corpus/NAME (tests/fuzz/corpus/NAME is read, not written),
# crashes to run/fuzz/artifacts/.  FUZZ_KNOWN lets a run pass over the open bugs listed in
# tests/fuzz/known-bugs (the harnesses still check them when it is not set).
FUZZ_CC ?= clang
FUZZ_SAN ?= address,undefined
FUZZ_SECONDS ?= 30
FUZZ_JOBS ?= 2
FUZZ_BIGLEN ?= 4194304
FUZZ_BIGSECONDS ?= 20
FUZZ_DIR := tests/fuzz
FUZZ_BIN := $(FUZZ_DIR)/bin
FUZZ_OBJ := $(FUZZ_BIN)/obj
FUZZ_RUN ?= run/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-fsanitize=$(FUZZ_SAN) -fno-sanitize-recover=all -Ilib -I$(FUZZ_DIR) -I$(FUZZ_OBJ)

FUZZ_NAMES := fuzz_evrow fuzz_json_oracle fuzz_numconv fuzz_tsvrow fuzz_schema fuzz_route \
	fuzz_contact fuzz_lineread fuzz_rowset
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_BIN)/%)
# the libFuzzer runs with lines of several MB (-max_len=$(FUZZ_BIGLEN))
FUZZ_BIG := fuzz_lineread fuzz_evrow fuzz_json_oracle fuzz_tsvrow
# lib/ sources the harnesses use (the others need curl, ODBC or librdkafka headers)
FUZZ_LIBSRC := $(addprefix lib/,json.c evrow.c numconv.c tsvrow.c schema.c tsv.c lineread.c err.c \
	sig.c outbuf.c contact.c contactmap.c contactmerge.c kafkaevent.c kafkastop.c rowset.c)
FUZZ_LIBOBJ := $(FUZZ_LIBSRC:lib/%.c=$(FUZZ_OBJ)/%.o)
FUZZ_LIBA := $(FUZZ_OBJ)/libetl-fuzz.a
FUZZ_LIBS_fuzz_json_oracle := -ljansson
FUZZ_LIBS_fuzz_route := -ljansson
# fuzz_route compiles kcat-split's route.c into itself (#include) to reach its static helpers
FUZZ_DEPS_fuzz_route := cmd/kcat-split/route.c cmd/kcat-split/route.h $(FUZZ_DIR)/jansson_diff.h
FUZZ_DEPS_fuzz_evrow := $(FUZZ_OBJ)/sa_describe.h
FUZZ_DEPS_fuzz_json_oracle := $(FUZZ_OBJ)/sa_describe.h $(FUZZ_DIR)/jansson_diff.h

fuzz: $(FUZZ_BINS)

$(FUZZ_OBJ)/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIBA): $(FUZZ_LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

# the sa table's DESCRIBE output as a C string, for the harnesses that need a realistic schema
$(FUZZ_OBJ)/sa_describe.h: testdata/events/sa.describe.tsv
	@mkdir -p $(@D)
	{ echo '#define SA_DESCRIBE \'; sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g; s/.*/	"&\\n" \\/' $<; \
	  echo '	""'; } >$@

.SECONDEXPANSION:
$(FUZZ_BIN)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz.h $(FUZZ_LIBA) $(wildcard lib/*.h) $$(FUZZ_DEPS_fuzz_$$*)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBA) $(FUZZ_LIBS_fuzz_$*) -lm -lpthread

# Seeds made at run time (too big, or generated): run/fuzz/seeds/NAME
$(FUZZ_RUN)/seeds/.done: $(FUZZ_DIR)/mkseeds scripts/gen-events
	sh $(FUZZ_DIR)/mkseeds $(FUZZ_RUN)/seeds
	@touch $@

fuzz-seeds: $(FUZZ_RUN)/seeds/.done

# FUZZ_KNOWN: the names of tests/fuzz/known-bugs, for the runs only
FUZZ_KNOWN_LIST = $(shell sed -n 's/^\([a-z0-9-][a-z0-9-]*\)[	 ].*/\1/p' $(FUZZ_DIR)/known-bugs 2>/dev/null | tr '\n' ',')

fuzz-run: fuzz fuzz-seeds
	FUZZ_KNOWN='$(FUZZ_KNOWN_LIST)' sh $(FUZZ_DIR)/run $(FUZZ_RUN) $(FUZZ_SECONDS) $(FUZZ_JOBS) \
		$(FUZZ_BIGLEN) $(FUZZ_BIGSECONDS) '$(FUZZ_BIG)' $(FUZZ_NAMES)

fuzz-regress: fuzz fuzz-seeds
	@st=0; known=',$(FUZZ_KNOWN_LIST)'; for h in $(FUZZ_NAMES); do \
		FUZZ_KNOWN="$$known" $(FUZZ_BIN)/$$h -runs=0 -max_len=$(FUZZ_BIGLEN) -rss_limit_mb=4096 \
			$(FUZZ_DIR)/corpus/$$h $(FUZZ_RUN)/seeds/$$h $(FUZZ_RUN)/seeds/big/$$h \
			>$(FUZZ_RUN)/$$h.regress.log 2>&1 && echo "$$h: seeds pass" || \
			{ echo "$$h: seeds FAIL ($(FUZZ_RUN)/$$h.regress.log)"; st=1; }; \
		for c in $(FUZZ_DIR)/crashers/$$h-*; do \
			[ -f "$$c" ] || continue; \
			bug=$${c##*/$$h-}; bug=$${bug%%.*}; \
			if $(FUZZ_BIN)/$$h -rss_limit_mb=4096 "$$c" >/dev/null 2>&1; then echo "$$c: passes"; \
			else case "$$known," in *",$$bug,"*) echo "$$c: fails (open bug $$bug)";; \
				*) echo "$$c: FAILS"; st=1;; esac; fi; \
		done; \
	done; exit $$st

# Coverage: the harnesses again with clang's source-based coverage (no sanitizers), over the
# corpora; a report per harness on the files it is for (FUZZ_COV_NAME).
FUZZ_COVBIN := $(FUZZ_BIN)/cov
FUZZ_COV_fuzz_evrow := lib/evrow.c lib/json.c
FUZZ_COV_fuzz_json_oracle := lib/json.c lib/evrow.c
FUZZ_COV_fuzz_numconv := lib/numconv.c
FUZZ_COV_fuzz_tsvrow := lib/tsvrow.c lib/tsv.c
FUZZ_COV_fuzz_schema := lib/schema.c
FUZZ_COV_fuzz_route := lib/kafkaevent.c cmd/kcat-split/route.c
FUZZ_COV_fuzz_contact := lib/contact.c lib/contactmap.c lib/contactmerge.c
FUZZ_COV_fuzz_lineread := lib/lineread.c
FUZZ_COV_fuzz_rowset := lib/rowset.c

$(FUZZ_COVBIN)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz.h $(FUZZ_LIBSRC) $(wildcard lib/*.h) $$(FUZZ_DEPS_fuzz_$$*)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(FUZZ_CFLAGS)) -fsanitize=fuzzer \
		-fprofile-instr-generate -fcoverage-mapping -o $@ $< $(FUZZ_LIBSRC) $(FUZZ_LIBS_fuzz_$*) -lm -lpthread

# fuzz_cov_one NAME: the shell commands for one harness
define fuzz_cov_one
rm -f $(FUZZ_RUN)/cov/$(1).*; \
dirs=; for d in $(FUZZ_DIR)/corpus/$(1) $(FUZZ_RUN)/seeds/$(1) $(FUZZ_RUN)/seeds/big/$(1) \
	$(FUZZ_RUN)/corpus/$(1) $(FUZZ_RUN)/corpus-big/$(1); do [ -d $$d ] && dirs="$$dirs $$d"; done; \
LLVM_PROFILE_FILE=$(FUZZ_RUN)/cov/$(1).profraw FUZZ_KNOWN=',$(FUZZ_KNOWN_LIST)' \
	$(FUZZ_COVBIN)/$(1) -runs=0 -max_len=$(FUZZ_BIGLEN) $$dirs >$(FUZZ_RUN)/cov/$(1).log 2>&1; \
llvm-profdata merge -o $(FUZZ_RUN)/cov/$(1).profdata $(FUZZ_RUN)/cov/$(1).profraw && \
echo "== $(1)" && llvm-cov report $(FUZZ_COVBIN)/$(1) -instr-profile=$(FUZZ_RUN)/cov/$(1).profdata \
	$(FUZZ_COV_$(1)) | grep -v '^-'
endef

fuzz-cov: $(FUZZ_NAMES:%=$(FUZZ_COVBIN)/%) fuzz-seeds
	@mkdir -p $(FUZZ_RUN)/cov
	@$(foreach h,$(FUZZ_NAMES),$(call fuzz_cov_one,$(h));)

fuzz-clean:
	rm -rf $(FUZZ_BIN) $(FUZZ_RUN)

.PHONY: fuzz fuzz-seeds fuzz-run fuzz-regress fuzz-cov fuzz-clean
