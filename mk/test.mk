# Tests, demo and friends.  `make check` is what CI runs (see .ci/run).
UNITSRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNITSRC:tests/unit/%.c=tests/bin/%)
TESTS ?= tests/*.t

tests/bin/%: tests/unit/%.c tests/unit/tap.h $(LIBA) $(wildcard lib/*.h)
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBA) -lm

units: $(UNITS)

# deps first: a fresh machine has no compiler libraries yet
check:
	sh scripts/deps all
	$(MAKE) all units
	scripts/with-clickhouse prove -f $(UNITS) $(TESTS)

demo:
	sh scripts/deps all
	$(MAKE) all
	scripts/demo

.PHONY: units check demo
