#!/bin/bash
# End to end: 100,000 generated events of all 14 types -> kprod -> a 4-partition topic -> two
# scripts/stream-pipeline instances in one group (kcat-split -> FIFOs -> ev2tsv | chload) ->
# ClickHouse, whose per-table counts and Decimal sums must equal scripts/tally of the input.
# Then: a second run reads nothing new; one kcat-split is kill -9'd and restarted as
# kcat-split(1) says (nothing lost, the duplicates counted); the spool variant.
. "$(dirname "$0")/lib.sh"
under_kafka 1 "$@"	# the body runs under a private broker
[ -n "${CLICKHOUSE_URL:-}" ] || skip_all "no ClickHouse: run under scripts/with-clickhouse"
N=100000
KX=(-X session.timeout.ms=6000 -P 1 --commit-ms 200)	# a dead member is noticed in seconds

truncate_stream() { for t in $(ddl tables stream); do ch "TRUNCATE TABLE $t" || return 1; done; }
# per table: rows, and distinct rows (a repeated message is a repeated row)
rows() { for t in $(ddl tables stream); do printf '%s\t%s\t%s\n' "$t" "$(ch "SELECT count() FROM $t")" \
	"$(ch "SELECT count() FROM (SELECT DISTINCT * FROM $t)")"; done; }
# the messages kcat-split has counted so far in a pipeline's work dir
consumed() { sed -n 's/.*"count":\([0-9]*\),.*/\1/p' "$1/log/kcat-split.stats" 2>/dev/null || echo 0; }
assigned() { grep -q '"lag":{"' "$1/log/kcat-split.stats" 2>/dev/null; }
both_assigned() { assigned "$T/wa" && assigned "$T/wb"; }
all_consumed() { [ $(($(consumed "$T/wa") + $(consumed "$T/wb"))) -ge "$N" ]; }
a_is_busy() { [ "$(consumed "$T/wa")" -gt 5000 ]; }

# events of every type: the real mix, and a uniform batch so that the rare types are there too
{ gen-events -n $((N - 1400)) -s 5; gen-events -n 1400 -s 6 --uniform; } >"$T/ev.jsonl"
tally "$T/ev.jsonl" >"$T/want"
is "$(cut -f1 "$T/want" | grep -v '^_reject$' | sort -u | wc -l)" 14 "the $N events cover all 14 types"
truncate_stream || { echo "Bail out! cannot truncate the stream tables"; exit 1; }

# ---- two pipelines in one group share the partitions while kprod fills the topic
kafka-server topic "$KAFKA_RUN_DIR" ev 4 >/dev/null
stream-pipeline -G g1 -w "$T/wa" --follow "${KX[@]}" ev 2>"$T/a.err" &
pa=$!
stream-pipeline -G g1 -w "$T/wb" --follow "${KX[@]}" ev 2>"$T/b.err" &
pb=$!
wait_for 60 both_assigned
ok $? "two kcat-split instances joined group g1"
s=$(date +%s%N)
kprod -q -t ev -k uid --rate 40000 "$T/ev.jsonl"
is "$?" 0 "kprod: all $N events delivered"
wait_for 120 all_consumed
ok $? "the two instances consumed them all"
diag "$(consumed "$T/wa") + $(consumed "$T/wb") messages in $((($(date +%s%N) - s) / 1000000)) ms (kprod at --rate 40000)"
kill -TERM $pa $pb
wait $pa; ra=$?
wait $pb; rb=$?
is "$ra/$rb" 0/0 "SIGTERM: both pipelines flush, commit and end cleanly"
check "each instance got partitions" test "$(consumed "$T/wa")" -gt 0 -a "$(consumed "$T/wb")" -gt 0
tally --clickhouse >"$T/got"
same_file "$T/got" "$T/want" "ClickHouse holds what tally computes from the input: counts, Decimal sums, NULLs"
grep -q 'sa *stream.dm_v_tr_sa_mx' "$T/a.err"; ok $? "the pipeline prints per-table counts"
rows >"$T/rows1"

stream-pipeline -G g1 -w "$T/wc" ev 2>"$T/c.err"
is "$?" 0 "a second run of the group (-e): exit 0"
grep -q '^stream-pipeline: 0 rows loaded' "$T/c.err"; ok $? "and it reads nothing new"
tally --clickhouse | cmp -s - "$T/want"; ok $? "ClickHouse is unchanged"

# ---- one kcat-split killed (-9) in the middle and restarted: nothing lost, duplicates counted
truncate_stream
kafka-server topic "$KAFKA_RUN_DIR" ev2 4 >/dev/null
rm -rf "$T/wa" "$T/wb"
# (the one to be killed commits rarely: what it wrote since its last commit will come again)
stream-pipeline -G g2 -w "$T/wa" --follow "${KX[@]}" --commit-ms 3000 ev2 2>"$T/a.err" &
pa=$!
stream-pipeline -G g2 -w "$T/wb" --follow "${KX[@]}" ev2 2>"$T/b.err" &
pb=$!
wait_for 60 both_assigned
ok $? "two kcat-split instances joined group g2"
kprod -q -t ev2 -k uid --rate 25000 "$T/ev.jsonl" &
kp=$!
wait_for 30 a_is_busy
kill -KILL "$(cat "$T/wa/kcat-split.pid")"
wait $pa
is "$?" 2 "the pipeline whose kcat-split was killed exits 2"
diag "killed after $(consumed "$T/wa") messages; $(sed -n 's/^stream-pipeline: \([0-9]*\) rows loaded.*/\1/p' "$T/a.err") rows were loaded"
# the restart is the same command (kcat-split(1), "After a crash")
stream-pipeline -G g2 -w "$T/wa" --follow "${KX[@]}" ev2 2>"$T/a2.err" &
pa=$!
wait $kp
is "$?" 0 "kprod delivered everything meanwhile"
sleep 3
kill -TERM $pa $pb
wait $pa; ra=$?
wait $pb; rb=$?
is "$ra/$rb" 0/0 "the restarted instance and the other one end cleanly"
stream-pipeline -G g2 -w "$T/wd" ev2 2>"$T/d.err"	# what neither had read yet
is "$?" 0 "a last run of the group reads the rest"
rows >"$T/rows2"
cut -f1,3 "$T/rows2" >"$T/distinct2"
cut -f1,3 "$T/rows1" >"$T/distinct1"
same_file "$T/distinct2" "$T/distinct1" "nothing lost: every table has every distinct row of the clean run"
dups=$(paste "$T/rows2" "$T/rows1" | awk -F'\t' '{d += $2 - $5} END {print d + 0}')
diag "$dups rows loaded twice (read again after the crash, from the last commit on)"
check "duplicates are only rows read again ($dups)" test "$dups" -ge 0

# ---- the spool variant: files, loaded and removed once loaded
truncate_stream
stream-pipeline -G g3 --spool "$T/spool" ev 2>"$T/s.err"
is "$?" 0 "--spool: exit 0"
tally --clickhouse | cmp -s - "$T/want"; ok $? "--spool: ClickHouse holds what tally computes"
is "$(find "$T/spool/new" "$T/spool/ready" -name '*.jsonl' | wc -l)" 0 "--spool: every spool file loaded and removed"

done_testing
