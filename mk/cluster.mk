# mk/cluster.mk: the stream tables on a ClickHouse cluster on loopback: scripts/ch-cluster starts
# ZooKeeper and 2 shards x 2 replicas (cluster "bank"), with stream.T_local ReplicatedMergeTree
# under stream.T Distributed on every node.
#	make demo-cluster	generated events -> kcat-split (file mode) -> ev2tsv -> chload --shards
#				(each shard's own table), then rows per table through the Distributed
#				tables (and per shard), checked against scripts/tally; the cluster is
#				thrown away at the end, the files stay in $(CLUSTER_DEMO_DIR)
# CLUSTER_EVENTS (default 100000) events; CLUSTER_ROWS rows per chload round (default 20000).
CLUSTER_DEMO_DIR ?= run/demo-cluster
CLUSTER_EVENTS ?= 100000
CLUSTER_ROWS ?= 20000
CLUSTER_TOOLS := bin/kcat-split bin/ev2tsv bin/chload
export CLUSTER_DEMO_DIR CLUSTER_ROWS

demo-cluster: $(CLUSTER_TOOLS)
	@mkdir -p $(CLUSTER_DEMO_DIR) && rm -f $(CLUSTER_DEMO_DIR)/*
	scripts/gen-events -n $(CLUSTER_EVENTS) -s 1 >$(CLUSTER_DEMO_DIR)/events.jsonl
	bin/kcat-split -q -o '$(CLUSTER_DEMO_DIR)/%s.jsonl' $(CLUSTER_DEMO_DIR)/events.jsonl
	scripts/with-ch-cluster $(MAKE) -s --no-print-directory cluster-load-demo

# inside scripts/with-ch-cluster: one chload --shards per event type, then the counts
cluster-load-demo:
	@test -n "$$CH_CLUSTER_DIR" || { echo "$@: run it under scripts/with-ch-cluster" >&2; exit 2; }
	@d=$(CLUSTER_DEMO_DIR); start=$$(date +%s.%N); \
	awk -F'\t' 'NR > 1 { print $$1, $$2 }' sql/event-types.tsv | while read -r type table; do \
		[ -s $$d/$$type.jsonl ] || continue; \
		scripts/ddl describe stream.$$table >$$d/$$type.schema || exit 2; \
		bin/ev2tsv -q -s $$d/$$type.schema -r $$d/ev2tsv.rejects $$d/$$type.jsonl >$$d/$$type.tsv || exit 2; \
		bin/chload -q -n $(CLUSTER_ROWS) --shards $$CH_CLUSTER_DIR/nodes --state $$d/$$type.state \
			-r $$d/chload.rejects -t stream.$${table}_local $$d/$$type.tsv || exit 2; \
	done || exit 2; \
	scripts/ch-cluster sync $$CH_CLUSTER_DIR || exit 2; \
	echo "cluster-demo: $$(cat $$d/*.tsv | wc -l) rows loaded in $$(echo "$$(date +%s.%N) - $$start" | bc) s (ev2tsv and chload, 14 tables)"; \
	node() { awk -v n=$$1 'NR == n { print $$3 }' $$CH_CLUSTER_DIR/nodes; }; \
	q() { curl -sS --fail "$$1" --data-binary "$$2"; }; \
	printf '%-34s %10s %10s %10s\n' table rows shard1 shard2; \
	for t in $$(scripts/ddl tables stream); do \
		printf '%-34s %10s %10s %10s\n' $$t "$$(q $$CLICKHOUSE_URL "SELECT count() FROM $$t")" \
			"$$(q $$(node 1) "SELECT count() FROM $${t}_local")" "$$(q $$(node 3) "SELECT count() FROM $${t}_local")"; \
	done; \
	scripts/tally $$d/events.jsonl | grep -v '^_reject' >$$d/tally.input; \
	scripts/tally --clickhouse >$$d/tally.clickhouse; \
	if cmp -s $$d/tally.input $$d/tally.clickhouse; then \
		echo "cluster-demo: OK: $$(grep -c . $$d/tally.input) metrics (rows, Decimal sums, NULLs) read through the Distributed tables equal the input's"; \
	else diff $$d/tally.input $$d/tally.clickhouse | head; echo "cluster-demo: content check FAILED" >&2; exit 1; fi

.PHONY: demo-cluster cluster-load-demo
