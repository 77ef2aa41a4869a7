#!/bin/bash
# cluster-load: demo events of all 14 types into a cluster of 2 shards x 2 replicas.  Loaded
# with chload --shards (rows placed by FNV-1a of uid, straight into each shard's Replicated
# table), the Distributed tables hold exactly the input: per-table counts, exact Decimal sums
# and NULL counts equal scripts/tally's of the events; again with the first replica of each
# shard killed in the middle of the load (chload fails over to the second); and loaded
# through the Distributed tables themselves, async and --sync.  Runs its own cluster.
if [ -z "${CH_CLUSTER_DIR:-}" ]; then
	[ -r /usr/share/java/zookeeper.jar ] || { echo "1..0 # SKIP no ZooKeeper (scripts/deps test installs it)"; exit 0; }
	exec "$(dirname "$0")/../scripts/with-ch-cluster" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
node() { awk -v n="$1" 'NR == n { print $3 }' "$CH_CLUSTER_DIR/nodes"; }
chn() { curl -sS --fail-with-body "$(node "$1")" --data-binary "$2"; }
NODES=$CH_CLUSTER_DIR/nodes

# 25,000 events of the day's mix (a few awkward ones) and 1,400 of all 14 types alike
gen-events -n 24000 -s 3 --nasty 0.02 >"$T/events.jsonl"
gen-events -n 1400 -s 4 --uniform >>"$T/events.jsonl"
kcat-split -q -o "$T/%s.jsonl" "$T/events.jsonl"
tally "$T/events.jsonl" >"$T/want"
grep -q _reject "$T/want"; ok $((!$?)) "the input has no rejects"
types=$(awk -F'\t' 'NR > 1 { print $1 }' "$TOP/sql/event-types.tsv")
table_of() { awk -F'\t' -v t="$1" '$1 == t { print $2 }' "$TOP/sql/event-types.tsv"; }
for t in $types; do
	ddl describe "stream.$(table_of "$t")" >"$T/$t.schema"
	ev2tsv -q -s "$T/$t.schema" "$T/$t.jsonl" >"$T/$t.tsv"
done
is "$(cat "$T"/*.tsv | wc -l)" 25400 "14 tables' worth of rows: $(for t in $types; do printf '%s %s ' "$t" "$(wc -l <"$T/$t.tsv")"; done)"

# each part loads its own copy of the 14 tables (TRUNCATE of a Replicated table can hang in 18.16)
new_db() {	# DB: the stream tables again, as DB.T_local and DB.T, on every node
	local n
	for n in 1 2 3 4; do CLICKHOUSE_URL=$(node $n) ddl apply --cluster bank --rename "stream=$1" || return 1; done
}
content_is_input() {	# NAME DB: wait for the queues and replicas, then tally through the Distributed tables
	ch-cluster sync "$CH_CLUSTER_DIR" || diag "ch-cluster sync failed"
	tally --clickhouse -d "$2" >"$T/got"
	same_file "$T/got" "$T/want" "$1: per table, rows, Decimal sums and NULLs equal the input's"
}

# what --shards refuses, before it sends a row
refused() {	# NAME EXPECTED-MESSAGE chload-args...
	local name=$1 want=$2
	shift 2
	chload "$@" "$T/dsf.tsv" 2>"$T/err"
	is "$?" 2 "refused: $name (exit 2)"
	grep -q -- "$want" "$T/err" || { diag "$(cat "$T/err")"; ok 1 "refused: $name: says '$want'"; return; }
	ok 0 "refused: $name: says '$want'"
}
printf '1 1 %s\n1 x %s\n' "$(node 1)" "$(node 2)" >"$T/bad-nodes"
refused "a nodes line with a bad number" "bad-nodes:2: replica 'x': not a number" --shards "$T/bad-nodes" -t stream.dm_v_tr_dsf_mx_local
printf '# two shards\n\n1 1 %s\n1 1 %s\n' "$(node 1)" "$(node 2)" >"$T/bad-nodes"
refused "a replica given twice" "bad-nodes:4: shard 1 replica 1 given twice" --shards "$T/bad-nodes" -t stream.dm_v_tr_dsf_mx_local
refused "the Distributed table" "is a Distributed table" --shards "$NODES" -t stream.dm_v_tr_dsf_mx
refused "a key column the table lacks" "--shard-key nosuch: stream.dm_v_tr_dsf_mx_local has no such column" \
	--shards "$NODES" --shard-key nosuch -t stream.dm_v_tr_dsf_mx_local
refused "batches cut by time" "does not apply" --shards "$NODES" -T 5 -t stream.dm_v_tr_dsf_mx_local
is "$(ch "SELECT count() FROM stream.dm_v_tr_dsf_mx")" 0 "nothing was loaded by those"

# --shards: every table straight into its shards
st=0
for t in $types; do
	chload -q -n 2000 --shards "$NODES" -t "stream.$(table_of "$t")_local" "$T/$t.tsv" || st=1
done
is "$st" 0 "--shards: 14 loads, all exit 0"
content_is_input "--shards" stream
is "$(chn 1 "SELECT count() FROM stream.dm_v_tr_sa_mx_local")" "$(chn 2 "SELECT count() FROM stream.dm_v_tr_sa_mx_local")" \
	"shard 1: both replicas hold the same rows"
check "both shards hold rows" test "$(chn 3 "SELECT count() FROM stream.dm_v_tr_sa_mx_local")" -gt 0 -a \
	"$(chn 1 "SELECT count() FROM stream.dm_v_tr_sa_mx_local")" -gt 0
# the placement is the documented one: shard i (from 0) holds the uids with FNV-1a 64 % 2 == i
fnv_shards() { python3 -c '
import sys
for line in sys.stdin.buffer:
    h = 14695981039346656037
    for b in line.rstrip(b"\n"):
        h = ((h ^ b) * 1099511628211) % 2**64
    print(h % 2)' | sort -u | tr '\n' ' '; }
is "$(chn 1 "SELECT DISTINCT uid FROM stream.dm_v_tr_sa_mx_local" | fnv_shards)" "0 " "shard 1 holds the uids FNV-1a puts there"
is "$(chn 3 "SELECT DISTINCT uid FROM stream.dm_v_tr_sa_mx_local" | fnv_shards)" "1 " "shard 2 holds the uids FNV-1a puts there"

# the first replica of each shard killed (kill -9) in the middle of the load of sa
check "a second copy of the tables" new_db failover
mkfifo "$T/fifo"
chload -q -n 500 --state "$T/sa.state" --shards "$NODES" -t failover.dm_v_tr_sa_mx_local "$T/fifo" 2>"$T/err" &
loader=$!
exec 7>"$T/fifo"
half=$(( $(wc -l <"$T/sa.tsv") / 2 ))
head -n "$half" "$T/sa.tsv" >&7
for _ in $(seq 300); do	# until chload has sent what it could: its last whole round
	done_line=$(sed -n 's/^done_line = //p' "$T/sa.state" 2>/dev/null)
	[ "${done_line:-0}" -ge $((half / 500 * 500 - 500)) ] && break
	sleep 0.1
done
diag "sa: $done_line of $((2 * half)) lines in when nodes 1 and 3 are killed"
ch-cluster kill "$CH_CLUSTER_DIR" 1 && ch-cluster kill "$CH_CLUSTER_DIR" 3
tail -n +$((half + 1)) "$T/sa.tsv" >&7
exec 7>&-
wait $loader
is "$?" 0 "sa: chload loads on through the second replicas"
grep -q 'shard 1 replica 1 .*trying replica 2' "$T/err" && grep -q 'shard 2 replica 1 .*trying replica 2' "$T/err"
ok $? "it says it failed over, on both shards"
st=0
for t in $types; do
	[ "$t" = sa ] && continue
	chload -q -n 2000 --shards "$NODES" -t "failover.$(table_of "$t")_local" "$T/$t.tsv" 2>"$T/err" || st=1
done
is "$st" 0 "the other 13 tables load with a replica of each shard down"
ch-cluster resume "$CH_CLUSTER_DIR" 1 >/dev/null && ch-cluster resume "$CH_CLUSTER_DIR" 3 >/dev/null
content_is_input "failover" failover

# through the Distributed tables of node 2: async (the rows wait in node 2's queue), and --sync
check "a third copy" new_db dist
st=0
for t in $types; do
	sync=; case $t in s*) sync=--sync ;; esac
	chload -q -n 2000 $sync --url "$(node 2)" -t "dist.$(table_of "$t")" "$T/$t.tsv" || st=1
done
is "$st" 0 "Distributed: 14 loads (5 with --sync), all exit 0"
content_is_input "Distributed" dist	# ch-cluster sync waits for node 2's queues too
done_testing
