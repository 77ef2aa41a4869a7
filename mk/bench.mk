# mk/bench.mk: the benchmark suite, the tools side by side with the alternatives (never part of
# `make check`).  bench/bench.py does the work; bench/out/ holds data, results and logs.
#	make bench			default scale (about 10 minutes on 2 cores)
#	make bench BENCH_SCALE=4	4x the data; BENCH_SCALE=full adds the full day (26M events)
#					and the full batch, and runs end to end at 2.6M events
#	make bench BENCH_ONLY=ev2tsv,chload	only these (ev2tsv chload kcat-split kprod hive2tsv
#					contact-merge e2e day batch)
#	make bench BENCH_ROUNDS=3	rounds per measurement (default 5)
#	make bench-profile		hot spots of the filters (perf, or callgrind) -> bench/out/profile.txt
#	make bench-refs			only the reference programs and the timer (bench/bin/)
# The reference programs are for comparison only, not part of the suite: a simdjson converter
# doing ev2tsv's job, and a bare ODBC fetch loop (hive2tsv's lower bound).
BENCH_SCALE ?= 1
BENCH_ONLY ?=
BENCH_ROUNDS ?= 5
CXX ?= c++
BENCH_CXXFLAGS ?= -O3 -march=native -std=c++17 -Wall -Wextra
BENCH_REFS := bench/bin/simdjson-ev2tsv bench/bin/odbc-fetch bench/bin/rstime

bench-refs: $(BENCH_REFS)

bench/bin/simdjson-ev2tsv: bench/simdjson-ev2tsv.cpp
	@mkdir -p bench/bin
	$(CXX) $(BENCH_CXXFLAGS) -o $@ $< -lsimdjson

bench/bin/odbc-fetch: bench/odbc-fetch.c
	@mkdir -p bench/bin
	$(CC) $(CFLAGS) -o $@ $< -lodbc

bench/bin/rstime: bench/rstime.c
	@mkdir -p bench/bin
	$(CC) $(CFLAGS) -o $@ $<

# deps first: a fresh machine has neither simdjson nor the tools compared with
bench:
	sh scripts/deps bench
	$(MAKE) all bench-refs
	BENCH_SCALE='$(BENCH_SCALE)' BENCH_ONLY='$(BENCH_ONLY)' BENCH_ROUNDS='$(BENCH_ROUNDS)' bench/bench.py

bench-profile:
	sh scripts/deps bench
	$(MAKE) all bench-refs
	bench/profile

.PHONY: bench bench-refs bench-profile
