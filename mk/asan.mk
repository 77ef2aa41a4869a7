# mk/asan.mk: the whole test suite with the tools built under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer.
#	make check-asan			every test of make check (TESTS=... for fewer)
# A sanitizer report goes to $(ASAN_DIR)/asan.PID (or ubsan.PID), not to the tool's stderr, so
# that a test which expects a tool to fail cannot hide one; the run fails when any such file
# exists, even if every test passed.  The tools are rebuilt normally at the end: bin/ never keeps
# sanitized binaries.
ASAN_DIR ?= run/asan
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
ASAN_ABS = $(abspath $(ASAN_DIR))
# not make clean, which takes run/ (and these reports) with it
ASAN_CLEAN = rm -rf bin lib/*.o $(LIBA) tests/bin

check-asan:
	sh scripts/deps all
	$(ASAN_CLEAN)
	$(MAKE) all units tests/bin/kmock CFLAGS='$(ASAN_CFLAGS)' LDFLAGS='-fsanitize=address,undefined'
	rm -rf $(ASAN_DIR) && mkdir -p $(ASAN_DIR)
	@st=0; \
	ASAN_OPTIONS=detect_leaks=1:log_path=$(ASAN_ABS)/asan:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(ASAN_ABS)/ubsan \
		scripts/with-clickhouse prove -f $(UNITS) $(TESTS) || st=1; \
	$(ASAN_CLEAN) && $(MAKE) -s all units tests/bin/kmock >/dev/null || st=1; \
	n=$$(ls $(ASAN_DIR) | wc -l) || n=1; \
	if [ "$$n" -gt 0 ]; then \
		echo "check-asan: $$n sanitizer report(s) in $(ASAN_DIR):"; head -30 $(ASAN_DIR)/*; st=1; \
	else echo "check-asan: no sanitizer reports (leaks, memory errors, undefined behaviour)"; fi; \
	exit $$st

.PHONY: check-asan
