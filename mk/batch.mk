# mk/batch.mk: the batch path, Hive tables to ClickHouse dm.* (scripts/batch-load does the work;
# sql/batch-etl.tsv says what it does to each table).
#	make batch		every table of sql/batch-etl.tsv, BATCH_JOBS (2) at a time
#	make load-TABLE		one table
#	make hive-source	the embedded SQLite stand-in for Hive ($(HIVE_SOURCE))
# From cron (no terminal needed; progress lines are plain, every BATCH_PROGRESS seconds):
#	30 2 * * *  make -s -C /srv/etl batch HIVE_CONN=DSN=hive >>/var/log/etl-batch.log 2>&1
# With none of HIVE_CONN, HIVE2TSV_CONN, HIVE2TSV_CONFIG set the source is the embedded one,
# made on first use.  The exit status is batch-load's: 0 all loaded, 1 rejects, 2 failed, 3 retry.
BATCH_DIR ?= run/batch
HIVE_SOURCE ?= $(BATCH_DIR)/hive-source.sqlite
BATCH_TABLES := $(shell awk -F'\t' '!/^\#/ && $$1 != "table" { print $$1 }' sql/batch-etl.tsv)
BATCH_TOOLS := bin/hive2tsv bin/tsv-uniq bin/contact-merge bin/chload
export BATCH_DIR HIVE_SOURCE

ifeq ($(strip $(HIVE_CONN)$(HIVE2TSV_CONN)$(HIVE2TSV_CONFIG)),)
BATCH_SOURCE := $(HIVE_SOURCE)
endif

hive-source: $(HIVE_SOURCE)

$(HIVE_SOURCE): scripts/gen-hive-source sql/hive-source.tsv sql/volumes.tsv
	@mkdir -p $(@D)
	scripts/gen-hive-source $@

batch: $(BATCH_TOOLS) $(BATCH_SOURCE)
	scripts/batch-load $(BATCH_TABLES)

$(BATCH_TABLES:%=load-%): load-%: $(BATCH_TOOLS) $(BATCH_SOURCE)
	scripts/batch-load $*

.PHONY: hive-source batch $(BATCH_TABLES:%=load-%)
