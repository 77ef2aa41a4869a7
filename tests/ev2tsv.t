#!/bin/bash
# ev2tsv: the nasty fixtures end as known rows or known rejects; what lands in ClickHouse is
# what was meant; nothing is dropped and nothing crashes it.
. "$(dirname "$0")/lib.sh"
D=$TOP/testdata/events
S=$D/sa.describe.tsv

(cd "$TOP" && ev2tsv -s "$S" -r "$T/rej" testdata/events/nasty.jsonl) >"$T/out.tsv" 2>"$T/err"
is "$?" 1 "exit status 1 when some lines were rejected"
same_file "$T/out.tsv" "$D/nasty.expected.tsv" "rows are exactly the expected ones"
cut -f1,2 "$T/rej" >"$T/rej.reasons"
same_file "$T/rej.reasons" "$D/nasty.expected-rejects" "rejects carry line numbers and reasons"
lines=$(awk 'END{print NR}' "$D/nasty.jsonl")
is "$(( $(wc -l <"$T/out.tsv") + $(wc -l <"$T/rej") ))" "$lines" "every input line is a row or a reject"
# the reject file keeps each line unchanged
bad=0
while IFS=$'\t' read -r where reason line; do
	n=${where##*:}
	[ "$(sed -n "${n}p" "$D/nasty.jsonl" | tr -d '\r')" = "$(printf '%s' "$line" | tr -d '\r')" ] || bad=$((bad + 1))
done <"$T/rej"
is "$bad" 0 "reject records hold the original lines"
grep -q "^ev2tsv: $lines lines, 9 rows, $((lines - 9)) rejects" "$T/err"
ok $? "summary line counts lines, rows and rejects"
is "$(stat -c %a "$T/rej")" 600 "reject file is private (mode 0600)"

# what lands: the rows read back from ClickHouse equal the expected TSV byte for byte
ch "CREATE DATABASE IF NOT EXISTS t_ev2tsv" && ch "CREATE TABLE t_ev2tsv.sa AS stream.dm_v_tr_sa_mx"
chload -q -t t_ev2tsv.sa <"$T/out.tsv"
is "$?" 0 "chload takes every row ev2tsv wrote"
cols=$(cut -f1 "$S" | paste -sd, -)
ch "SELECT $cols FROM t_ev2tsv.sa ORDER BY uid FORMAT TabSeparated" >"$T/back.tsv"
sort "$T/out.tsv" >"$T/out.sorted"
same_file "$T/back.tsv" "$T/out.sorted" "ClickHouse holds exactly those values (escapes, unicode, decimals)"
is "$(ch "SELECT hex(cust_name) FROM t_ev2tsv.sa WHERE uid='U1'")" \
	"$(printf '张三\t"quoted"\\back\nline\r\0nul' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" "control characters survive the trip"
is "$(ch "SELECT toString(tran_amt), toString(bal), toString(cr_amt), det_n FROM t_ev2tsv.sa WHERE uid='U3'")" \
	"1.01	-2.68	1000.00	-2147483648" "numbers rounded half away from zero, exponent read, Int32 edge kept"
is "$(ch "SELECT countIf(isNull(tran_amt)) FROM t_ev2tsv.sa WHERE uid IN ('U4','U5')")" 2 "null and missing are NULL"
ch "DROP DATABASE t_ev2tsv"

# a line longer than --max-line goes whole to the rejects, the next line still converts
{ printf '{"uid":"%s"}\n' "$(head -c 300000 /dev/zero | tr '\0' x)"; echo '{"uid":"after"}'; } >"$T/long.jsonl"
ev2tsv -q -c uid --max-line 1000 -r "$T/long.rej" "$T/long.jsonl" >"$T/long.out"
is "$?" 1 "overlong line: exit 1"
is "$(cat "$T/long.out")" after "the line after an overlong one is converted"
is "$(cut -f2 "$T/long.rej")" "line longer than --max-line 1000 bytes" "overlong line's reason"
is "$(cut -f3 "$T/long.rej" | wc -c)" "$(head -1 "$T/long.jsonl" | wc -c)" "overlong line kept whole in the rejects"

# usage errors and strict mode
ev2tsv -q </dev/null 2>/dev/null; is "$?" 2 "no schema: usage, exit 2"
printf 'a\tMap(String)\n' >"$T/bad.schema"
ev2tsv -s "$T/bad.schema" </dev/null 2>"$T/err"; is "$?" 2 "unsupported type: exit 2"
grep -q "^ev2tsv: .*bad.schema:1: column a: unsupported type" "$T/err"; ok $? "schema error names file, line and column"
echo '{"a":"x"}' | ev2tsv -q --strict -c 'a,b:Int32' -r "$T/strict.rej" >/dev/null
is "$(cut -f2 "$T/strict.rej")" "column 'b': no value for a non-Nullable Int32" "--strict rejects a missing value"
echo '{"a":"x"}' | ev2tsv -c 'a,b:Int32' 2>"$T/err" >/dev/null
grep -q "1 defaults filled" "$T/err"; ok $? "defaults are counted"
seq 1 50 | sed 's/.*/garbage/' | ev2tsv -q -c a --max-rejects 10 -r /dev/null >/dev/null 2>"$T/err"
is "$?" 2 "--max-rejects aborts with exit 2"

# random mutations of real events: never a crash, every line accounted for
gen-events -n 300 -s 7 --nasty 0.3 >"$T/ev.jsonl"
python3 - "$T/ev.jsonl" >"$T/fuzz.jsonl" <<'PY'
import random, sys
random.seed(11)
src = open(sys.argv[1], 'rb').read().split(b'\n')
out = []
for i in range(3000):
    l = bytearray(random.choice(src))
    for _ in range(random.randint(1, 4)):
        if not l: break
        k = random.randrange(len(l)); op = random.random()
        if op < 0.3: l[k] = random.randrange(256)
        elif op < 0.6: del l[k:k + random.randint(1, 8)]
        elif op < 0.8: l[k:k] = random.choice([b'{', b'[', b'"', b'\\', b'\\u', b'\x00', b'\xe4\xb8', b'9' * 40, b',', b'\r'])
        else: l[k:k] = l[:random.randint(0, 30)]
    out.append(bytes(l).replace(b'\n', b' '))
sys.stdout.buffer.write(b'\n'.join(out) + b'\n')
PY
ev2tsv -q -s "$S" -r "$T/fz.rej" "$T/fuzz.jsonl" >"$T/fz.out"; st=$?
check "mutated input: exit 0 or 1, not a crash (got $st)" test "$st" -le 1
is "$(( $(wc -l <"$T/fz.out") + $(wc -l <"$T/fz.rej") ))" 3000 "mutated input: every line is a row or a reject"
# a pipe that stays open: the rows so far go out before ev2tsv waits for more (a live stream's
# trickle reaches chload -T, and ClickHouse, without waiting for a full buffer)
{ echo '{"uid":"first"}'; sleep 3; echo '{"uid":"second"}'; } | ev2tsv -q -c uid >"$T/trickle.out" &
wait_for 2 grep -q first "$T/trickle.out"
ok $? "a row is written out while the input stays open"
wait
is "$(paste -sd, "$T/trickle.out")" "first,second" "and the rest at the end"
done_testing
