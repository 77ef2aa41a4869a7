#!/bin/bash
# The stream path without Kafka (file mode): events split by type with kcat-split, then
# ev2tsv | chload per table.  Proves content, not just counts: for each of the 14 tables the
# row count, the exact sum of every Decimal column and the NULL count of every column equal
# what scripts/tally computes from the input on its own (Python's decimal module).
. "$(dirname "$0")/lib.sh"
DB=t_stream
ch "CREATE DATABASE IF NOT EXISTS $DB"
while IFS=$'\t' read -r type table _; do
	[ "$type" = event_type ] && continue
	ch "CREATE TABLE $DB.$table AS stream.$table"
done <"$TOP/sql/event-types.tsv"

gen-events -n 40000 -s 21 --uniform --nasty 0.1 --reject 0.01 >"$T/ev.jsonl"
mkdir -p "$T/split"
kcat-split -q -o "$T/split/%s.jsonl" -r "$T/split.rej" "$T/ev.jsonl" 2>"$T/err"
is "$?" 1 "kcat-split routes (exit 1: some lines are rejects)"
fail=0 total=0
while IFS=$'\t' read -r type table _; do
	[ "$type" = event_type ] && continue
	[ -f "$T/split/$type.jsonl" ] || { diag "no events of type $type"; continue; }
	ddl describe "stream.$table" >"$T/$type.schema"
	ev2tsv -q -s "$T/$type.schema" -r "$T/ev.rej" "$T/split/$type.jsonl" |
		chload -q -t "$DB.$table" -r "$T/load.rej"
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -le 1 ] && [ "${st[1]}" -eq 0 ] || { diag "$type: ev2tsv ${st[0]}, chload ${st[1]}"; fail=1; }
	total=$((total + 1))
done <"$TOP/sql/event-types.tsv"
is "$fail" 0 "every table loads (chload never rejects what ev2tsv wrote)"
is "$total" 14 "events of all 14 types were generated"

tally "$T/ev.jsonl" | grep -v '^_reject' >"$T/want"
tally --clickhouse -d $DB >"$T/got"
same_file "$T/got" "$T/want" "per table: rows, exact Decimal sums and NULLs per column equal the independent tally"
is "$(grep -c . "$T/want")" "$(grep -c . "$T/got")" "same number of metrics ($(grep -c . "$T/want"))"
ndec=$(awk -F'\t' '$1=="stream" && $5 ~ /Decimal/' "$TOP/sql/tables.tsv" | wc -l)
is "$(grep -c 'sum(' "$T/want")" "$ndec" "all $ndec Decimal columns of the 14 tables are summed"

# nothing lost: every input line is a row or a reject somewhere
rows=$(awk -F'\t' '$2=="rows"{s+=$3} END{print s}' "$T/got")
rej=$(( $(wc -l <"$T/split.rej") + $(cat "$T/ev.rej" 2>/dev/null | wc -l) + $(wc -l <"$T/split/no_such_type.jsonl" 2>/dev/null || echo 0) ))
is "$((rows + rej))" 40000 "rows ($rows) + rejects and unknown types ($rej) = input lines"
ch "DROP DATABASE $DB"
done_testing
