#!/bin/bash
# Scale out on a Kafka cluster: three real brokers (KRaft), a topic of 12 partitions with
# replication factor 3, kprod with acks=all and the idempotent producer, four kcat-split routers
# in one group on one chunk spool (stream-pipeline --spool --route-only), one loader
# (stream-pipeline --spool --load-only all).  The four split the 12 partitions, 3 each; mid-stream
# one broker is killed (-9) and started again later, and one router is killed (-9) and not
# restarted: the other three take over its partitions.  In the end tally of the input equals
# tally --clickhouse, and the spool's chunks tile every partition exactly.
OWN_CLICKHOUSE=1	# it truncates the stream tables
. "$(dirname "$0")/lib.sh"
under_kafka 3 "$@"	# the body runs under a private cluster of three brokers
[ -n "${CLICKHOUSE_URL:-}" ] || skip_all "no ClickHouse: run under scripts/with-clickhouse"
[ -n "${KEEP_TMP:-}" ] && trap 'echo "# kept $T"' EXIT	# for a post-mortem
N=40000
S=$T/spool
KX=(-X session.timeout.ms=6000 -P 1 --commit-ms 3000)	# a dead member is noticed in seconds

for t in $(ddl tables stream); do ch "TRUNCATE TABLE $t" || { echo "Bail out! cannot truncate $t"; exit 1; }; done
{ gen-events -n $((N - 1400)) -s 31; gen-events -n 1400 -s 32 --uniform; } >"$T/ev.jsonl"
tally "$T/ev.jsonl" >"$T/want"
is "$(sort -u "$T/ev.jsonl" | wc -l)" "$N" "$N events, no two the same"
is "$(awk -F, '{ print NF }' "$KAFKA_RUN_DIR/bootstrap")" 3 "three brokers"
kafka-server topic "$KAFKA_RUN_DIR" cl 12 3 >/dev/null
ok $? "topic cl: 12 partitions, replication factor 3"

declare -a rpid
router() {
	stream-pipeline -G cl --spool "$S" --route-only --follow --chunk 2000 --stats-json "$T/r$1.stats" \
		"${KX[@]}" cl 2>>"$T/r$1.err" &
	rpid[$1]=$!
}
parts() { grep -o '"cl/[0-9]*"' "$T/r$1.stats" 2>/dev/null | tr -d '"' | sort -t/ -k2n | paste -sd' '; }
# the routers I... hold K partitions each, none twice, 12 in all
split_is() {
	local k=$1 i all=''
	shift
	for i in "$@"; do
		[ "$(parts "$i" | wc -w)" = "$k" ] || return 1
		all="$all $(parts "$i")"
	done
	[ "$(echo "$all" | tr ' ' '\n' | grep . | sort -u | wc -l)" = 12 ]
}
covered() {	# messages in loaded chunks, or where the chunks do not tile a partition
	for d in ready done; do ls "$S/$d" | sed -n "s/^cl\.\([0-9]*\)\.\([0-9]*\)-\([0-9]*\)\$/\1 \2 \3 $d/p"; done |
		sort -k1,1n -k2,2n | awk '
		$4 == "done" { n += $3 - $2 }
		{ if ($1 != p) { p = $1; e = 0 } if ($2 != e) bad = ($2 > e ? "gap" : "overlap") " at partition " $1 " offset " e; e = $3 }
		END { print (bad ? bad : n + 0) }'
}
all_loaded() { [ "$(covered)" = "$N" ] && [ -z "$(ls "$S/ready")" ]; }

setsid stream-pipeline --spool "$S" --load-only all --follow -j 2 2>"$T/loader.err" &
lpid=$!
for i in 1 2 3 4; do router $i; done
wait_for 90 split_is 3 1 2 3 4
ok $? "the four routers split the 12 partitions, 3 each"
for i in 1 2 3 4; do diag "router $i: $(parts $i)"; done

kprod -q -t cl -k uid --rate 4000 -X acks=all -X enable.idempotence=true "$T/ev.jsonl" 2>"$T/kprod.err" &
kp=$!
sleep 2
kafka-server kill-broker "$KAFKA_RUN_DIR" 2 KILL
ok $? "broker 2 killed (-9) while kprod produces and the routers consume"
sleep 2
{ kill -9 "${rpid[3]}"; wait "${rpid[3]}"; } 2>/dev/null	# (no "Killed" from bash)
diag "router 3 killed (-9), not restarted"
sleep 4
kafka-server start-broker "$KAFKA_RUN_DIR" 2 2>/dev/null
ok $? "broker 2 started again"
wait $kp
is "$?" 0 "kprod: every event delivered (acks=all, idempotent)"
wait_for 60 split_is 4 1 2 4
ok $? "the three routers left took over router 3's partitions: 4 each"
for i in 1 2 4; do diag "router $i: $(parts $i)"; done
s=$SECONDS
wait_for 150 all_loaded
ok $? "every offset of the 12 partitions is in a loaded chunk, each once ($(covered) messages)"
diag "the last chunks were loaded $((SECONDS - s)) s after kprod ended"
kill -TERM "${rpid[1]}" "${rpid[2]}" "${rpid[4]}" "$lpid"
st=
for p in "${rpid[1]}" "${rpid[2]}" "${rpid[4]}" "$lpid"; do wait "$p"; st="$st${st:+/}$?"; done
is "$st" 0/0/0/0 "SIGTERM: routers and loader end cleanly"

tally --clickhouse >"$T/got"
same_file "$T/got" "$T/want" "ClickHouse holds exactly what tally computes from the input"
rows=$(for t in $(ddl tables stream); do ch "SELECT count() FROM $t"; done | awk '{ n += $1 } END { print n }')
distinct=$(for t in $(ddl tables stream); do ch "SELECT count() FROM (SELECT DISTINCT * FROM $t)"; done | awk '{ n += $1 } END { print n }')
is "$((rows - distinct))/$rows" "0/$N" "duplicates (rows minus distinct rows): $((rows - distinct)), of $rows rows"
diag "$(cat "$T"/r*.err | grep -c 'discarding new/') unfinished chunks of the killed router were read again by the others"

done_testing
