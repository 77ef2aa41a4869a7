#!/bin/bash
# Every filter treats its outputs and signals the same way: a full disk is an error with a
# message and exit 2, never ignored; a reader that goes away (SIGPIPE) ends the filter quietly;
# SIGTERM and SIGINT flush what it owns, print the summary and exit 128+n.
. "$(dirname "$0")/lib.sh"
gen-events -n 20000 -s 3 >"$T/ev.jsonl"
ddl describe stream.dm_v_tr_sa_mx >"$T/sa.schema"
ev2tsv -q -s "$T/sa.schema" -r /dev/null "$T/ev.jsonl" >"$T/sa.tsv"
printf 'u1\tTEL\t123\nu1\tADDR\tsomewhere\nu2\tMOB\t456\n' >"$T/contacts.tsv"

# a full disk: /dev/full answers every write with ENOSPC
ev2tsv -q -s "$T/sa.schema" "$T/ev.jsonl" >/dev/full 2>"$T/err"
is "$?" 2 "ev2tsv: output on a full disk: exit 2"
grep -q '^ev2tsv: <stdout>: write error: No space left on device' "$T/err"; ok $? "ev2tsv: says so"
echo 'not json' | ev2tsv -q -c a -r /dev/full >/dev/null 2>"$T/err"
is "$?" 2 "ev2tsv: reject file on a full disk: exit 2"
grep -q 'write error: No space left on device' "$T/err"; ok $? "ev2tsv: says so for the reject file"
contact-merge -q "$T/contacts.tsv" >/dev/full 2>"$T/err"
is "$?" 2 "contact-merge: output on a full disk: exit 2"
mkdir "$T/full" && ln -s /dev/full "$T/full/sa.jsonl"
grep '"eventType":"sa"' "$T/ev.jsonl" | kcat-split -q -o "$T/full/%s.jsonl" 2>"$T/err"
is "$?" 2 "kcat-split: output on a full disk: exit 2"
grep -q 'No space left on device' "$T/err"; ok $? "kcat-split: says so"
printf 'a\tb\n' | chload -q -t stream.dm_v_tr_sa_mx -r /dev/full 2>"$T/err"
is "$?" 2 "chload: reject file on a full disk: exit 2"

# a reader that goes away: no message, the shell sees SIGPIPE
ev2tsv -q -s "$T/sa.schema" "$T/ev.jsonl" 2>"$T/err" | head -1 >/dev/null
st=${PIPESTATUS[0]}
is "$st" 141 "ev2tsv | head: ended by SIGPIPE"
is "$(cat "$T/err")" "" "ev2tsv | head: no error message"
yes "$(head -1 "$T/contacts.tsv")" | head -200000 | sed 's/^u1/u/;=' | paste - - | cut -f1,3- | contact-merge -q 2>"$T/err" | head -1 >/dev/null
is "$(cat "$T/err")" "" "contact-merge | head: no error message"

# SIGTERM in the middle of a stream: what was converted is flushed, summary printed, 143
mkfifo "$T/in"
( head -n 5000 "$T/ev.jsonl"; sleep 30 ) >"$T/in" &
feeder=$!
ev2tsv -s "$T/sa.schema" "$T/in" >"$T/part.tsv" 2>"$T/err" &
pid=$!
sleep 1.5
kill -TERM $pid; wait $pid; st=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
is "$st" 143 "ev2tsv: SIGTERM: exit 143"
is "$(wc -l <"$T/part.tsv")" 5000 "ev2tsv: SIGTERM: every row read so far was written"
grep -q '5000 lines, 5000 rows.*(interrupted)' "$T/err"; ok $? "ev2tsv: SIGTERM: summary printed"

ch "CREATE DATABASE IF NOT EXISTS t_sig"
ch "CREATE TABLE t_sig.sa AS stream.dm_v_tr_sa_mx"
mkfifo "$T/in2"
( head -n 3000 "$T/sa.tsv"; sleep 30 ) >"$T/in2" &
feeder=$!
chload -t t_sig.sa "$T/in2" 2>"$T/err" &
pid=$!
sleep 1.5
kill -INT $pid; wait $pid; st=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
is "$st" 130 "chload: SIGINT: exit 130"
is "$(ch "SELECT count() FROM t_sig.sa")" 3000 "chload: SIGINT: the rows it had read were sent, not dropped"
grep -q '3000 rows loaded.*(interrupted)' "$T/err"; ok $? "chload: SIGINT: summary printed"
ch "DROP DATABASE t_sig"
done_testing
