# mk/stream.mk: the stream path from Makefile targets.
#	make stream			Kafka topic $(TOPIC) -> 14 stream tables (FIFO mode)
#	make stream-spool		the same through the spool directory $(SPOOL)
#	make load-dm_v_tr_sa_mx		one stream table from the spool's finished files (no Kafka)
GROUP ?= etl
TOPIC ?= events
SPOOL ?= run/spool
STREAM_TABLES := $(shell awk -F'\t' 'NR > 1 { print $$2 }' sql/event-types.tsv)
STREAM_TOOLS := bin/kcat-split bin/ev2tsv bin/chload

stream: $(STREAM_TOOLS)
	scripts/stream-pipeline -G $(GROUP) -w run/stream $(TOPIC)

stream-spool: $(STREAM_TOOLS)
	scripts/stream-pipeline -G $(GROUP) --spool $(SPOOL) $(TOPIC)

$(STREAM_TABLES:%=load-%): load-%: bin/ev2tsv bin/chload
	scripts/stream-pipeline --spool $(SPOOL) --load-only \
	    $$(awk -F'\t' '$$2 == "$*" { print $$1 }' sql/event-types.tsv)

.PHONY: stream stream-spool $(STREAM_TABLES:%=load-%)
