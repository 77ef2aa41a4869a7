#!/bin/bash
# chload: rows land exactly once, bad rows become rejects with reasons, a server that goes
# away mid-load is retried and then resumed from the line chload names; names cannot carry
# SQL and passwords never show in ps.
. "$(dirname "$0")/lib.sh"
DB=t_chload
ch "CREATE DATABASE IF NOT EXISTS $DB"
ch "CREATE TABLE $DB.t (uid String, n Int32, amt Nullable(Decimal(18,2))) ENGINE = MergeTree ORDER BY uid"

# bad rows: each one a reject with a reason, the good ones loaded, the batch never fails
printf 'a\t1\t1.5\nb\t+007\t1e2\nc\t3000000000\t1\nd\t1\t1..2\ne\t1\t1.505\nf\t1\t\nweird\\q\t1\t1\ng\t1\t1\r\n\nh\t1\ni\t1\t1\tx\nj\t1\t99999999999999999.00\n' >"$T/in.tsv"
chload -q -t $DB.t -r "$T/rej" "$T/in.tsv"
is "$?" 1 "exit 1 when some rows were rejected"
is "$(ch "SELECT uid, n, toString(amt) FROM $DB.t ORDER BY uid" | tr '\t\n' ' |')" \
	"a 1 1.50|b 7 100.00|e 1 1.51|f 1 \\N|" "good rows loaded, canonicalised (sign, zeros, exponent, rounding, empty is NULL)"
is "$(cut -f1 "$T/rej" | tr '\n' ' ')" "$T/in.tsv:3 $T/in.tsv:4 $T/in.tsv:7 $T/in.tsv:8 $T/in.tsv:9 $T/in.tsv:10 $T/in.tsv:11 $T/in.tsv:12 " \
	"every bad line is in the rejects, by line number"
is "$(sed -n 1p "$T/rej" | cut -f2)" "column 'n' (Int32): integer out of range" "Int32 overflow is a reject, not a wrapped number"
is "$(sed -n 2p "$T/rej" | cut -f2)" "column 'amt' (Nullable(Decimal(18, 2))): not a number" "1..2 is a reject, not 1.20"
is "$(grep -c 'fields, the table has 3 columns' "$T/rej")" 2 "wrong field counts are rejects"
is "$(stat -c %a "$T/rej")" 600 "reject file is private"

# the last partial batch is always sent: 250,007 rows in batches of 10,000
seq 1 250007 | awk '{printf "u%d\t%d\t%d.%02d\n", $1, $1, $1, $1 % 100}' >"$T/big.tsv"
ch "TRUNCATE TABLE $DB.t" 2>/dev/null || { ch "DROP TABLE $DB.t"; ch "CREATE TABLE $DB.t (uid String, n Int32, amt Nullable(Decimal(18,2))) ENGINE = MergeTree ORDER BY uid"; }
N_SUM=$(awk -F'\t' '{s+=$2} END {printf "%.0f", s}' "$T/big.tsv")
chload -q -n 10000 -t $DB.t "$T/big.tsv"
is "$(ch "SELECT count(), sum(n), toString(sum(amt)) FROM $DB.t")" \
	"$(awk -F'\t' '{c++; s+=$2; a+=$3} END {printf "%d\t%.0f\t%.2f", c, s, a}' "$T/big.tsv")" "250,007 rows: count and sums exact"
ch "DROP TABLE $DB.t" && ch "CREATE TABLE $DB.t (uid String, n Int32, amt Nullable(Decimal(18,2))) ENGINE = MergeTree ORDER BY uid"
chload -q -z -n 100000 -t $DB.t "$T/big.tsv"
is "$(ch "SELECT count(), sum(n) FROM $DB.t")" "250007	$N_SUM" "gzip batches land too"

# the server stopped mid-load: retries, exit 3 with the line to resume from; then resumed
ch "DROP TABLE $DB.t" && ch "CREATE TABLE $DB.t (uid String, n Int32, amt Nullable(Decimal(18,2))) ENGINE = MergeTree ORDER BY uid"
mkfifo "$T/fifo"
( head -n 120000 "$T/big.tsv"; sleep 4; tail -n +120001 "$T/big.tsv" ) >"$T/fifo" &
feeder=$!
chload -n 10000 --retries 2 -t $DB.t "$T/fifo" 2>"$T/err" &
loader=$!
sleep 2
clickhouse-server pause "$CH_RUN_DIR" >/dev/null
wait $loader; st=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
is "$st" 3 "server gone: exit 3 after the retries"
grep -q 'retry 1 of 2' "$T/err"; ok $? "retries are announced"
skip=$(sed -n 's/.*run the same command with --skip \([0-9]*\).*/\1/p' "$T/err")
diag "chload said: $(grep -m1 'rows loaded;' "$T/err")"
check "the message names the line to resume from ($skip)" test -n "$skip"
clickhouse-server resume "$CH_RUN_DIR" >/dev/null
loaded=$(ch "SELECT count() FROM $DB.t")
is "$loaded" "$skip" "rows in the table equal the lines chload says are done"
chload -q -n 10000 --skip "$skip" -t $DB.t "$T/big.tsv"
is "$?" 0 "resumed with --skip"
is "$(ch "SELECT count(), uniqExact(uid), sum(n) FROM $DB.t")" "250007	250007	$N_SUM" \
	"after the resume the table holds every row exactly once"

# names cannot smuggle SQL
chload -t "$DB.t; DROP TABLE $DB.t" </dev/null 2>"$T/err"
is "$?" 2 "a table name with SQL in it is refused (exit 2)"
grep -q 'not a table name' "$T/err"; ok $? "and says why"
is "$(ch "EXISTS TABLE $DB.t")" 1 "the table is still there"
chload -t "$DB.nosuch" </dev/null 2>"$T/err"
is "$?" 2 "unknown table: exit 2"
grep -q "Code: 60" "$T/err"; ok $? "ClickHouse's exception text is shown"

# secrets: a password file, never the command line; a readable config file is refused
printf 'etl-secret-pw\n' >"$T/pw"; chmod 600 "$T/pw"
mkfifo "$T/slow"
( echo "p1	1	1"; sleep 2; echo "p2	2	2" ) >"$T/slow" &
feeder=$!
CLICKHOUSE_USER=etl chload -q -t $DB.t --password-file "$T/pw" "$T/slow" &
pid=$!
sleep 1
args=$(ps -o args= -p $pid; cat /proc/$pid/environ 2>/dev/null | tr '\0' '\n' | grep -c secret)
wait $pid; st=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
is "$st" 0 "user etl with a password file loads"
case $args in *etl-secret-pw*) ok 1 "password not in ps";; *) ok 0 "password not in ps";; esac
is "$(ch "SELECT count() FROM $DB.t WHERE uid LIKE 'p%'")" 2 "its rows landed"
printf 'user = etl\npassword = etl-secret-pw\n' >"$T/conf"; chmod 644 "$T/conf"
CLICKHOUSE_CONFIG=$T/conf chload -t $DB.t </dev/null 2>"$T/err"
is "$?" 2 "a config file with a password readable by others is refused"
grep -q 'readable by others' "$T/err"; ok $? "and says why"
echo 'x	1	1' | CLICKHOUSE_USER=etl CLICKHOUSE_PASSWORD=wrong chload -t $DB.t --retries 0 2>"$T/err"
is "$?" 2 "a wrong password is a permanent error (exit 2)"
# --null-as-empty: \N in a String column that is not Nullable is '', anywhere else still a reject
ch "DROP TABLE IF EXISTS $DB.nn" && ch "CREATE TABLE $DB.nn (uid String, n Int32, s String, amt Nullable(Decimal(18,2))) ENGINE = MergeTree ORDER BY uid"
printf 'a\t1\t\\N\t\\N\nb\t\\N\tx\t1\nc\t3\tz\t2\n' >"$T/nn.tsv"
chload -q -t $DB.nn -r "$T/nn.rej0" "$T/nn.tsv"
is "$?" 1 "without --null-as-empty: rows with \\N in a String column are rejects (exit 1)"
is "$(cut -f2 "$T/nn.rej0" | sort | tr '\n' '|')" "column 'n' (Int32): NULL (\\N) in a non-Nullable column|column 's' (String): NULL (\\N) in a non-Nullable column|" "and say which column" 
ch "TRUNCATE TABLE $DB.nn"
chload -q --null-as-empty -t $DB.nn -r "$T/nn.rej" "$T/nn.tsv"
is "$?" 1 "with --null-as-empty: the Int32 NULL is still a reject (exit 1)"
is "$(ch "SELECT uid, n, s, amt FROM $DB.nn ORDER BY uid" | tr '\t\n' ' |')" "a 1  \\N|c 3 z 2.00|" "the String NULL is loaded as '', the Nullable one stays NULL"
is "$(cut -f1,2 "$T/nn.rej" | cut -f2)" "column 'n' (Int32): NULL (\\N) in a non-Nullable column" "the Int32 NULL: no silent 0"
# many small batches, each sent while the next is read: every row lands once, the rejects are
# written in input order (a batch's rejects with its commit)
python3 -c '
for i in range(20000):
    print("r%d\t%s\t1.5" % (i, "bad" if i % 7 == 3 else i))' >"$T/many.tsv"
ch "TRUNCATE TABLE $DB.t"
chload -q -n 100 -t $DB.t -r "$T/many.rej" "$T/many.tsv"
is "$?" 1 "200 batches with rejects among them: exit 1"
is "$(ch "SELECT count(), uniqExact(uid), sum(n) FROM $DB.t" | tr '\t' ' ')" \
    "$(awk -F'\t' '$2 != "bad" { c++; s += $2 } END { print c, c, s }' "$T/many.tsv")" "every good row once"
same_file "$(cut -f3 "$T/many.rej" >"$T/many.rej3"; echo "$T/many.rej3")" <(grep -P '\tbad\t' "$T/many.tsv" | cut -f1) "the rejects, in input order"
# a long run of rejects is committed in bounded pieces, not held until good rows fill a batch
python3 -c '
import sys
for i in range(300000):
    print("x%06d\tnot-a-number\t%s" % (i, "y" * 200))
print("ok1\t1\t1")' >"$T/rejects.tsv"
rss=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' chload -q -B 1048576 -t $DB.t -r "$T/rej.rej" "$T/rejects.tsv")
is "$(wc -l <"$T/rej.rej")" 300000 "300,000 rejects (70 MB) written"
check "chload's peak RSS stays small meanwhile (got $rss MB, want under 40)" [ "$rss" -lt 40 ]
is "$(ch "SELECT count() FROM $DB.t WHERE uid = 'ok1'")" 1 "the row after them landed"
ch "DROP DATABASE $DB"
done_testing
