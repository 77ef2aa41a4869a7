#!/bin/bash
# cluster-exactly-once: chload --shards --state killed with kill -9 at 20 random moments of a
# load into the shards' Replicated tables, each time simply run again: the state file says
# where to go on (the start of the first round not known to be in), the rounds are cut where
# the first run cut them, and a block that was in already is dropped by ClickHouse.  In the
# end no row is lost and none is there twice (count, uniqExact of a line id, exact sums).
# Runs its own cluster (scripts/with-ch-cluster).
if [ -z "${CH_CLUSTER_DIR:-}" ]; then
	[ -r /usr/share/java/zookeeper.jar ] || { echo "1..0 # SKIP no ZooKeeper (scripts/deps test installs it)"; exit 0; }
	exec "$(dirname "$0")/../scripts/with-ch-cluster" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
NODES=$CH_CLUSTER_DIR/nodes
TABLE=stream.dm_v_tr_sa_mx
KILLS=${CLUSTER_KILLS:-20}

# 100,000 sa events, tran_log_no made the line's own id; in 4 files loaded one after the
# other, so that however fast the machine, the kills fall on a load in progress
gen-events -t sa -n 100000 -s 9 --nasty 0.01 >"$T/sa.jsonl"
ddl describe $TABLE >"$T/sa.schema"
col=$(awk -F'\t' '$1 == "tran_log_no" { print NR }' "$T/sa.schema")
ev2tsv -q -s "$T/sa.schema" "$T/sa.jsonl" | awk -F'\t' -v OFS='\t' -v c="$col" '{ $c = "L" NR; print }' >"$T/sa.tsv"
split -d -n l/4 "$T/sa.tsv" "$T/part"
lines=$(wc -l <"$T/sa.tsv")
is "$lines" 100000 "100,000 rows to load"

# chload on part P, in the background: $! is chload itself, which kill -9 must hit
load() { exec chload -q -n 1000 --state "$T/$1.state" --shards "$NODES" -t ${TABLE}_local "$T/$1" 2>>"$T/err"; }
# the kill falls a random 0-40 ms after the state file shows a new round in: however fast
# the machine, the run is in the middle of its load and has done some of it
done_line() { sed -n 's/^done_line = //p' "$T/$1.state" 2>/dev/null; }
wait_progress() {	# part, pid, line the run started from
	local i=0
	while [ $i -lt 2000 ] && kill -0 "$2" 2>/dev/null; do
		[ "$(done_line "$1")" != "$3" ] && return 0
		sleep 0.005; i=$((i + 1))
	done
	return 1
}
kills=0 runs=0 resumed_at=
for p in part00 part01 part02 part03; do
	while :; do
		runs=$((runs + 1))
		start=$(done_line $p)
		[ -n "$start" ] && resumed_at="$resumed_at $start"
		(load $p) &
		pid=$!
		if [ "$kills" -lt "$KILLS" ] && wait_progress $p $pid "$start"; then
			sleep "0.0$(printf '%02d' $((RANDOM % 40)))"
			kill -9 $pid 2>/dev/null && kills=$((kills + 1))
		fi
		wait $pid 2>/dev/null	# no "Killed" from bash
		st=$?
		[ "$st" = 137 ] && continue
		break
	done
	is "$st" 0 "$p loaded in the end"
done
diag "$kills kills in $runs runs; the runs after a kill went on after lines:$resumed_at"
is "$kills" "$KILLS" "chload was killed $KILLS times in the middle of the load"
grep -v 'going on after input line' "$T/err" | head -5 | sed 's/^/# /'
dropped=$(cat "$CH_CLUSTER_DIR"/node*/log/clickhouse-server.log | grep -c 'dm_v_tr_sa_mx_local.*Block with ID .* already exists')
check "blocks sent again after a kill were dropped by ClickHouse ($dropped)" test "$dropped" -gt 0

ch-cluster sync "$CH_CLUSTER_DIR"
is "$(ch "SELECT count(), uniqExact(tran_log_no), min(tran_log_no), max(tran_log_no) FROM $TABLE")" \
	"$lines	$lines	L1	L99999" "every line is in the table once: count and distinct line ids are $lines"
tally -t sa "$T/sa.jsonl" >"$T/want"
tally -t sa --clickhouse >"$T/got"
same_file "$T/got" "$T/want" "rows, exact sums of the 4 Decimal columns and NULL counts equal the input's"

# the state file keeps a rerun from cutting other batches
(load part00)
is "$?" 0 "run again when all is done: nothing to do"
chload -q -n 500 --state "$T/part00.state" --shards "$NODES" -t ${TABLE}_local "$T/part00" 2>"$T/err2"
is "$?" 2 "a rerun with another -n is refused"
grep -q 'rows = 1000, this one has 500' "$T/err2"; ok $? "and says why"
is "$(ch "SELECT count() FROM $TABLE")" "$lines" "still every line once"
done_testing
