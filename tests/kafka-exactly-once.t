#!/bin/bash
# Exactly once through kills: 40,000 generated events -> kprod -> a 4-partition topic -> two
# kcat-split routers in one group sharing one chunk spool (stream-pipeline --spool --route-only)
# -> a loader (stream-pipeline --spool --load-only all) -> ClickHouse.  The routers are killed
# with -9 at random moments and restarted, once exactly between a chunk's rename into ready/ and
# its commit (the broker is frozen so that the commit hangs, then crashes); the loader's whole group
# (ev2tsv, chload) is killed with -9 at random moments and restarted.  In the end tally of the
# input equals tally --clickhouse (rows, exact Decimal sums, NULLs): nothing lost and nothing
# twice.  The stream tables are ReplicatedMergeTree on a private ZooKeeper, which drops the one
# chload batch a loader kill may send again (into plain MergeTree it would be a duplicate: see
# kcat-split(1)); the chunks of the spool must tile every partition exactly.
. "$(dirname "$0")/lib.sh"
under_kafka 1 "$@"	# 1. a private broker
if [ -z "${EO_ZOOKEEPER:-}" ]; then	# 2. a private ZooKeeper and a ClickHouse that uses it
	[ -r /usr/share/java/zookeeper.jar ] || skip_all "no ZooKeeper (scripts/deps test installs it)"
	zk=$(zookeeper-server start "$T/zk") || { echo "Bail out! ZooKeeper did not start"; exit 1; }
	mkdir "$T/conf"
	cat >"$T/conf/zookeeper.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <zookeeper>
        <node><host>${zk%:*}</host><port>${zk##*:}</port></node>
        <session_timeout_ms>5000</session_timeout_ms>
    </zookeeper>
</yandex>
EOF
	EO_ZOOKEEPER=$zk CH_EXTRA_CONFIG_DIR=$T/conf WITH_CLICKHOUSE_NO_DDL=1 \
		"$TOP/scripts/with-clickhouse" bash "$0" "$@"
	rc=$?
	zookeeper-server stop "$T/zk" >/dev/null 2>&1
	exit $rc
fi

[ -n "${KEEP_TMP:-}" ] && trap "echo \"# kept $T\"" EXIT	# for a post-mortem
N=40000
S=$T/spool
CHUNK=2000
ROUTER_KILLS=4
LOADER_KILLS=3
# a dead member is noticed in seconds; an open chunk is finished after 3 s
KX=(-X session.timeout.ms=6000 -P 1 --commit-ms 3000)

# the stream tables as ReplicatedMergeTree (one replica): a block sent again is dropped
ddl render $(ddl tables stream) | awk -v RS= '
	/CREATE TABLE/ {
		match($0, /`stream`\.`[a-z_]*`/); t = substr($0, RSTART + 10, RLENGTH - 11)
		sub(/ENGINE = MergeTree/, "ENGINE = ReplicatedMergeTree('\''/clickhouse/tables/eo/stream/" t "'\'', '\''r1'\'')")
	}
	/^CREATE/ { gsub(/\n/, " "); print }' >"$T/ddl"
while IFS= read -r q; do ch "$q" || break; done <"$T/ddl"
[ "$(ch "SELECT count() FROM system.tables WHERE database = 'stream' AND engine = 'ReplicatedMergeTree'")" = 14 ] ||
	{ echo "Bail out! cannot make the 14 stream tables ReplicatedMergeTree"; exit 1; }
ok 0 "the 14 stream tables are ReplicatedMergeTree (one replica, a private ZooKeeper)"

{ gen-events -n $((N - 1400)) -s 21; gen-events -n 1400 -s 22 --uniform; } >"$T/ev.jsonl"
tally "$T/ev.jsonl" >"$T/want"
is "$(cut -f1 "$T/want" | grep -v '^_reject$' | sort -u | wc -l)" 14 "the $N events cover all 14 types"
is "$(sort -u "$T/ev.jsonl" | wc -l)" "$N" "and no two are the same (so rows = distinct rows)"
kafka-server topic "$KAFKA_RUN_DIR" eo 4 >/dev/null

# ---- helpers
# router I: the same command each time (kcat-split(1), After a crash); $rpid[I] is kcat-split
declare -a rpid
router() {
	stream-pipeline -G eo --spool "$S" --route-only --follow --chunk $CHUNK --stats-json "$T/r$1.stats" \
		"${KX[@]}" eo 2>>"$T/r$1.err" &
	rpid[$1]=$!
}
# the loader, in a process group of its own so that kill -9 takes ev2tsv and chload with it
loader() {
	setsid stream-pipeline --spool "$S" --load-only all --follow -j 2 2>>"$T/loader.err" &
	lpid=$!
}
assigned() { grep -q '"lag":{"' "$T/r$1.stats" 2>/dev/null; }
# the chunks of the spool as "partition a b where" lines, where = ready or done
chunks() {
	local d
	for d in ready done; do
		ls "$S/$d" | sed -n "s/^eo\.\([0-9]*\)\.\([0-9]*\)-\([0-9]*\)\$/\1 \2 \3 $d/p"
	done
}
# messages covered by chunks in done/ (loaded); "gap" or "overlap" when they do not tile
covered() {
	chunks | sort -k1,1n -k2,2n | awk '
		$4 == "done" { n += $3 - $2 }
		{ if ($1 != p) { p = $1; e = 0 } if ($2 != e) bad = ($2 > e ? "gap" : "overlap") " at partition " $1 " offset " e; e = $3 }
		END { print (bad ? bad : n + 0) }'
}
all_loaded() { [ "$(covered)" = "$N" ] && [ -z "$(ls "$S/ready")" ]; }
both_assigned() { assigned 1 && assigned 2; }

# ---- start: two routers, one loader
router 1
router 2
loader
wait_for 60 both_assigned
ok $? "two kcat-split routers joined group eo on one spool"

# ---- a kill exactly between a chunk's rename into ready/ and its commit
head -n 300 "$T/ev.jsonl" >"$T/ev.head"
tail -n +301 "$T/ev.jsonl" >"$T/ev.tail"
kprod -q -t eo -k uid "$T/ev.head"
is "$?" 0 "kprod: the first 300 events delivered"
open_msgs() { cat "$T"/r[12].stats 2>/dev/null | sed 's/}{/}\n{/g' | sed -n 's/.*"open":\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'; }
have_open() { [ "$(open_msgs)" -gt 0 ]; }
wait_for 20 have_open
ok $? "the routers hold them in open chunks ($(open_msgs) messages)"
names() { { ls "$S/ready"; ls "$S/done"; } | sort; }
names >"$T/before"
new_chunk() { names | comm -13 "$T/before" - | grep -q .; }
broker=$(awk 'NR == 1 { print $2 }' "$KAFKA_RUN_DIR/pids")
kill -STOP "$broker"	# commits hang from now on
wait_for 20 new_chunk
ok $? "with the broker frozen an open chunk is finished (by age) and renamed into ready/; its commit hangs"
newest=$(names | comm -13 "$T/before" - | head -n 1)
p=${newest#eo.} p=${p%%.*}
victim=1
grep -q "\"eo/$p\"" "$T/r2.stats" && victim=2
{ kill -9 "${rpid[$victim]}"; wait "${rpid[$victim]}"; } 2>/dev/null	# (no "Killed" from bash)
# the commit request may sit in the frozen broker's socket: the broker crashes with it
kafka-server kill-broker "$KAFKA_RUN_DIR" 1 KILL
kafka-server start-broker "$KAFKA_RUN_DIR" 1 2>/dev/null
ok $? "router $victim killed between the rename of $newest and its commit; the broker crashed and restarted"
router "$victim"

# ---- the rest of the events while routers and the loader are killed at random moments
kprod -q -t eo -k uid --rate 2500 "$T/ev.tail" 2>"$T/kprod.err" &
kp=$!
rk=0 lk=0 lk_busy=0
# the kills in a random order, 1 to 3 s apart
for k in $({ for i in $(seq $ROUTER_KILLS); do echo "$RANDOM r"; done
	for i in $(seq $LOADER_KILLS); do echo "$RANDOM l"; done; } | sort -n | cut -d' ' -f2); do
	sleep "$((RANDOM % 2 + 1)).$((RANDOM % 10))"
	if [ "$k" = r ]; then
		i=$((RANDOM % 2 + 1))
		{ kill -9 "${rpid[$i]}" && rk=$((rk + 1)); wait "${rpid[$i]}"; } 2>/dev/null
		router "$i"
	else
		# a random moment while a load runs, if one comes within 2 s
		wait_for 2 pgrep -g "$lpid" -x chload >/dev/null && lk_busy=$((lk_busy + 1))
		sleep "0.0$((RANDOM % 10))"
		{ kill -9 -- "-$lpid" && lk=$((lk + 1)); wait "$lpid"; } 2>/dev/null
		loader
	fi
done
is "$rk/$lk" "$ROUTER_KILLS/$LOADER_KILLS" "kcat-split killed $ROUTER_KILLS times, the loader $LOADER_KILLS times (kill -9), each restarted"
diag "$lk_busy of the loader kills fell while chload was running"
wait $kp
is "$?" 0 "kprod delivered every event meanwhile"
s=$SECONDS
wait_for 150 all_loaded
ok $? "every offset of every partition is in a loaded chunk, each once ($(covered) messages)"
diag "the last chunks were loaded $((SECONDS - s)) s after kprod ended"
kill -TERM "${rpid[1]}" "${rpid[2]}" "$lpid"
wait "${rpid[1]}"; r1=$?
wait "${rpid[2]}"; r2=$?
wait "$lpid"; rl=$?
is "$r1/$r2/$rl" 0/0/0 "SIGTERM: routers and loader end cleanly"

tally --clickhouse >"$T/got"
same_file "$T/got" "$T/want" "ClickHouse holds exactly what tally computes from the input"
rows=$(for t in $(ddl tables stream); do ch "SELECT count() FROM $t"; done | awk '{ n += $1 } END { print n }')
distinct=$(for t in $(ddl tables stream); do ch "SELECT count() FROM (SELECT DISTINCT * FROM $t)"; done | awk '{ n += $1 } END { print n }')
is "$rows" "$N" "rows in ClickHouse: $rows"
is "$((rows - distinct))" 0 "duplicates (rows minus distinct rows): $((rows - distinct))"
skipped=$(cat "$T"/r[12].err | grep -c 'are in the spool already')
check "a restarted router found the chunk renamed but not committed, and went on after it ($skipped)" test "$skipped" -ge 1
discarded=$(cat "$T"/r[12].err | grep -c 'discarding new/')
diag "$discarded unfinished chunks of killed routers were discarded and read again"
dropped=$(grep -c 'Block with ID .* already exists' "$CH_RUN_DIR"/log/*.log 2>/dev/null | awk -F: '{ n += $NF } END { print n + 0 }')
diag "$dropped chload batches sent again after a loader kill were dropped by ReplicatedMergeTree"
is "$(find "$S/new" -mindepth 1 | wc -l)/$(find "$S/ready" -mindepth 1 | wc -l)" 0/0 "new/ and ready/ are empty"
is "$(find "$S/done" -mindepth 2 | wc -l)" 0 "done/ holds empty markers only"

# ---- the extreme of the window: every chunk renamed, no commit made (offsets rewound to 0)
. "$KAFKA_RUN_DIR/kafka.env"
java -Xmx256m -Dlog4j2.configurationFile="$KAFKA_RUN_DIR/log4j2-tools.properties" -cp "$KAFKA_HOME/libs/*" \
	org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$KAFKA_BROKERS" \
	--reset-offsets --group eo --topic eo --to-offset 0 --execute >"$T/reset.out" 2>&1
ok $? "the group's offsets are reset to 0"
stream-pipeline -G eo --spool "$S" "${KX[@]}" eo 2>"$T/again.err"
is "$?" 0 "a run of the pipeline then: exit 0"
grep -q '^stream-pipeline: 0 rows loaded' "$T/again.err"; ok $? "it loads nothing: every chunk is found in done/"
grep -q ' 0 messages, ' "$S/log/kcat-split.log"; ok $? "kcat-split reads no message again"
tally --clickhouse | cmp -s - "$T/want"; ok $? "ClickHouse is unchanged"

done_testing
