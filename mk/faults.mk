# mk/faults.mk: the fault-injection suite (tests/faults/run, TAP in tests/faults.t).
#	make check-faults		the default run (22 faults, about 5 minutes; also in make check)
#	make check-faults-long		FAULTS_LONG=1: 105 faults over more data (25-30 minutes)
#	make check-faults FAULTS_SEED=N	replay a run: the seed is printed at the start of each
#	make check-faults FAULTS_SCENARIOS=batch,mock	only these (stream stages batch mock; fifo:
#					stream-pipeline's FIFO mode, which loses rows by design)
# Each runs the tools against a private ClickHouse (and a private Kafka broker for stream and
# stages), kills stages, servers and brokers at random moments, recovers as the man pages say,
# and compares what landed with scripts/tally / the batch source: no row may be lost; the
# duplicates are counted per fault.  Logs, report and evidence stay in $(FAULTS_DIR)/<run>/
# ($(FAULTS_DIR)/latest: the newest run).
FAULTS_DIR ?= run/faults
FAULTS_SEED ?=
FAULTS_SCENARIOS ?=
FAULTS_LONG ?=
export FAULTS_DIR FAULTS_SEED FAULTS_SCENARIOS FAULTS_LONG

tests/bin/kmock: tests/faults/kmock.c
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) -o $@ $< -lrdkafka

# make check builds the units before it runs tests/*.t: the mock cluster too
units: tests/bin/kmock

check-faults:
	sh scripts/deps all
	$(MAKE) all tests/bin/kmock
	FAULTS_VERBOSE=$${FAULTS_VERBOSE:-1} prove -v tests/faults.t

check-faults-long:
	$(MAKE) check-faults FAULTS_LONG=1

.PHONY: check-faults check-faults-long
