#!/bin/bash
# Faults: the broker stopped under kprod (exact count of what was not delivered, the line to
# resume from, and after the resume every line in the topic), kprod interrupted, kcat-split's
# reader gone and its broker gone.  A crash may repeat messages, never lose one.
. "$(dirname "$0")/lib.sh"
under_kafka 1 "$@"	# the body runs under a private broker
B=$KAFKA_BROKERS
topic() { kafka-server topic "$KAFKA_RUN_DIR" "$@" >/dev/null; }
consume() { kcat -b "$B" -C -e -q -t "$@"; }
# the number before WORDS in kprod's summary line ("... 12 delivered, 0 rejects, 3 not delivered")
count() { sed -n "s/^kprod: [0-9]* lines read.* \([0-9][0-9]*\) $1[,( ].*/\1/p; s/^kprod: [0-9]* lines read.* \([0-9][0-9]*\) $1\$/\1/p" "$2" | head -n 1; }
resume_at() { sed -n 's/.*rerun with --resume \(.*\) (or --skip \([0-9]*\)).*/\1 \2/p' "$1"; }
again() { n=$(sed -n 's/^kprod: \([0-9]*\) lines after that were delivered too.*/\1/p' "$1"); echo "${n:-0}"; }
maybe() { n=$(sed -n 's/^kprod: \([0-9]*\) of the lines not delivered may have reached.*/\1/p' "$1"); echo "${n:-0}"; }

gen-events -n 40000 -s 11 >"$T/ev.jsonl"
N=$(wc -l <"$T/ev.jsonl")
sort -u "$T/ev.jsonl" >"$T/ev.sorted"

# ---- the broker goes away while kprod runs (message.timeout.ms small, as an operator would)
topic f 4
kprod -t f -k uid --rate 20000 -X message.timeout.ms=3000 -r "$T/f.rej" "$T/ev.jsonl" 2>"$T/f.err" &
kp=$!
sleep 1
kafka-server kill-broker "$KAFKA_RUN_DIR" 1
wait $kp
is "$?" 1 "kprod: exit 1 when messages could not be delivered"
sed 's/^/# /' "$T/f.err" | grep -v 'Connect to' | head -n 8
sent=$(count sent "$T/f.err") delivered=$(count delivered "$T/f.err") failed=$(count 'not delivered' "$T/f.err")
check "some were delivered ($delivered), some not ($failed)" test "${delivered:-0}" -gt 0 -a "${failed:-0}" -gt 0
is "$((delivered + failed))" "$sent" "delivered + not delivered = sent"
first=$(sed -n 's/^kprod: first not delivered: \([^ ]*\): .*/\1/p' "$T/f.err")
read -r at skip <<<"$(resume_at "$T/f.err")"
is "$first" "$T/ev.jsonl:$((skip + 1))" "the first line not delivered is named, right after the resume point $at"
grep -q 'first not delivered: .*Message timed out (last error from Kafka: ' "$T/f.err"; ok $? "its reason is more than a bare 'timed out'"
P=$(maybe "$T/f.err") A=$(again "$T/f.err")
kafka-server start-broker "$KAFKA_RUN_DIR" 1 2>/dev/null
got=$(consume f | wc -l)
check "the topic holds exactly the $delivered delivered messages ($got; $P possibly persisted)" \
	test "$got" -ge "$delivered" -a "$got" -le $((delivered + P))
kprod -q -t f -k uid --resume "$at" "$T/ev.jsonl"
is "$?" 0 "rerun with --resume $at: exit 0"
consume f >"$T/f.got"
sort -u "$T/f.got" | cmp -s - "$T/ev.sorted"
ok $? "after the resume the topic holds every line"
total=$(wc -l <"$T/f.got")
check "and each once, but for the $A kprod said it would send again ($((total - N)) extra; $P possibly persisted)" \
	test "$total" -ge $((N + A)) -a "$total" -le $((N + A + P))

# ---- kprod interrupted: SIGINT stops reading, delivers what is in flight, says where to resume
topic s 4
kprod -t s --rate 10000 "$T/ev.jsonl" 2>"$T/s.err" &
kp=$!
sleep 1
kill -INT $kp
wait $kp
is "$?" 130 "kprod interrupted: exit 130"
is "$(count 'not delivered' "$T/s.err")" 0 "what was in flight was delivered"
read -r at skip <<<"$(resume_at "$T/s.err")"
check "the summary says where to resume (--skip $skip)" test -n "$skip"
is "$(consume s | wc -l)" "$skip" "the topic holds exactly the lines before the resume point"
kprod -q -t s --skip "$skip" "$T/ev.jsonl"
consume s | sort >"$T/s.got"
cmp -s "$T/s.got" "$(sort "$T/ev.jsonl" >"$T/ev.all"; echo "$T/ev.all")"
ok $? "rerun with --skip $skip: every line exactly once"

# ---- kcat-split whose FIFO reader dies: exit 2, nothing committed past what the reader had
gen-events -n 20000 -s 12 -t sa >"$T/sa.jsonl"
topic r 2
kprod -q -t r "$T/sa.jsonl"
mkdir "$T/fifo"
mkfifo "$T/fifo/sa.fifo"
head -c 3000000 "$T/fifo/sa.fifo" >"$T/part1" &
kcat-split -q -G gr -e --commit-ms 50 -o "$T/fifo/%s.fifo" r 2>"$T/r.err"
is "$?" 2 "the reader went away: kcat-split exits 2"
grep -q 'its reader has gone' "$T/r.err"; ok $? "and says so"
wait
cat "$T/fifo/sa.fifo" >"$T/part2" &
kcat-split -q -G gr -e -o "$T/fifo/%s.fifo" r
is "$?" 0 "restarted with a new reader: exit 0"
wait
cat "$T/part1" "$T/part2" | sort -u | comm -23 <(sort -u "$T/sa.jsonl") - >"$T/lost"
is "$(wc -l <"$T/lost")" 0 "no message lost between the two readers"
diag "$(($(cat "$T/part1" "$T/part2" | wc -l) - $(wc -l <"$T/sa.jsonl"))) messages came twice (written to the dead reader after the last commit)"

# ---- kcat-split whose broker goes away: a signal still ends it, and what it wrote stays
mkdir "$T/down"
# (a short session: the member left behind must time out before the group goes on without it)
kcat-split -q -G gd -X session.timeout.ms=6000 --commit-ms 600000 -o "$T/down/%s.jsonl" r 2>"$T/d.err" &
ks=$!
for _ in $(seq 1 100); do [ "$(cat "$T"/down/*.jsonl 2>/dev/null | wc -l)" -ge 20000 ] && break; sleep 0.1; done
kafka-server kill-broker "$KAFKA_RUN_DIR" 1
s=$(date +%s)
kill -TERM $ks; sleep 1; kill -TERM $ks
wait $ks
rc=$? e=$(date +%s)
check "two signals end kcat-split within seconds with the broker gone ($((e - s)) s, exit $rc)" test $((e - s)) -le 5 -a "$rc" -le 1
is "$(cat "$T"/down/*.jsonl | sort -u | comm -13 - <(sort -u "$T/sa.jsonl") | wc -l)" 0 "its outputs hold every message it read"
kafka-server start-broker "$KAFKA_RUN_DIR" 1 2>/dev/null
kcat-split -q -G gd -X session.timeout.ms=6000 -e -o "$T/down/%s.jsonl" r
is "$?" 0 "after the broker is back the group resumes"
diag "$(($(cat "$T"/down/*.jsonl | wc -l) - 20000)) messages read twice (the commit could not be made)"

done_testing
