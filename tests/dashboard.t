#!/bin/bash
# Dashboards and monitoring: scripts/dashboard on an empty database (every chart says "no data",
# nothing fails), then on demo data (a few thousand generated events and `make batch`): every
# chart a PNG, index.html shows them all, the figures in it equal plain SQL, a rerun replaces
# the rendering atomically; scripts/pipeline-status's counts equal SELECT count(); a headless
# Chromium screenshot when /usr/bin/chromium is there; Kafka lag on a real broker when Kafka is
# available (scripts/with-kafka).
OWN_CLICKHOUSE=1 . "$(dirname "$0")/lib.sh"
[ -n "${CLICKHOUSE_URL:-}" ] || skip_all "no ClickHouse (run under scripts/with-clickhouse)"
command -v chload >/dev/null || skip_all "chload is not built"
command -v gnuplot >/dev/null || skip_all "gnuplot is not installed (gnuplot-nox)"
unset HIVE_CONN HIVE2TSV_CONN HIVE2TSV_CONFIG HIVE2TSV_PASSWORD_FILE ODBCSYSINI KAFKA_BROKERS KAFKA_GROUP KAFKA_TOPIC KAFKA_RUN_DIR
export BATCH_DIR=$T/batch HIVE_SOURCE=$T/batch/hive-source.sqlite
CHARTS="tx_daily sjyh_top deposit_loan repay_daily five_class"

skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $*"; }
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
# the Makefile includes mk/dashboard.mk (its own include line, or mk/*.mk); if not, name it here
mk() {
	if make -s -C "$TOP" -n dashboard CLICKHOUSE_URL=x DASHBOARD_DIR=/nonexistent >/dev/null 2>&1; then
		make -s -C "$TOP" "$@"
	else
		make -s -C "$TOP" -f Makefile -f mk/dashboard.mk "$@"
	fi
}
# charts_ok DIR WHAT: each chart a PNG, shown by index.html, its data file there
charts_ok() {
	local c bad=
	for c in $CHARTS; do
		is_png "$1/$c.png" || bad="$bad $c.png"
		grep -q "<img src=\"$c.png" "$1/index.html" || bad="$bad index:$c"
		[ -s "$1/data/$c.tsv" ] || bad="$bad data/$c.tsv"
	done
	is "${bad:-none}" none "$2: every chart is a non-empty PNG shown by index.html, with its data file"
}
nodata_marks() { grep -o 'class="nodata"' "$1/index.html" | wc -l; }
dsum() { python3 -c 'import sys, decimal; print(sum((decimal.Decimal(l) for l in sys.stdin if l.strip()), decimal.Decimal("0.00")))'; }	# exact

# ---- an empty database: "no data" charts, not an error
dashboard -o "$T/empty" >"$T/out" 2>"$T/err"
is "$?" 0 "empty database: exit 0"
is "$(cat "$T/out")" "$T/empty/index.html" "it prints the path of index.html"
is "$(cat "$T/err")" "" "and says nothing on stderr"
charts_ok "$T/empty" "empty database"
is "$(nodata_marks "$T/empty")" 5 "index.html marks all 5 charts 'no data'"
is "$(grep -c . "$T/empty/data/tx_daily.tsv")" 1 "the daily data file has only its header"
dashboard -o "$T/empty2" --from 2021-01-01 --to 2021-01-31 >/dev/null 2>"$T/err"
is "$?" 0 "empty database with a period: exit 0"
is "$(nodata_marks "$T/empty2")" 5 "still 5 'no data' charts"
grep -q '2021-01-01 ~ 2021-01-31' "$T/empty2/index.html"; ok $? "index.html names the period"

# ---- usage errors
for args in "--from 2021-13-01" "--from 2021-01-05 --to 2021-01-01" "--top 0" "--top x" "--bogus"; do
	# shellcheck disable=SC2086
	dashboard -o "$T/bad" $args >/dev/null 2>&1
	is "$?" 2 "usage error: $args"
done
[ ! -e "$T/bad" ]; ok $? "usage errors create nothing"
mkdir -p "$T/notours" && echo keep >"$T/notours/file"
dashboard -o "$T/notours" >/dev/null 2>"$T/err"
is "$?" 1 "a directory not made by dashboard is refused"
is "$(cat "$T/notours/file")" keep "and left alone"
CLICKHOUSE_URL=http://127.0.0.1:1/ dashboard -o "$T/down" >/dev/null 2>&1
is "$?" 1 "ClickHouse unreachable: exit 1"
# shellcheck disable=SC2010
[ ! -e "$T/down" ] && ! ls -A "$T" | grep '^\.down\.' | grep -qv '^\.down\.lock$'; ok $? "and no output, no leftovers"

# ---- demo data: generated events into stream.*, make batch into dm.*
dashboard-demo-data -n 3000 >"$T/demo.out" 2>&1
is "$?" 0 "dashboard-demo-data: 3000 events and make batch loaded" || sed 's/^/# /' "$T/demo.out"
[ "$(ch "SELECT count() FROM stream.dm_v_tr_sa_mx")" -gt 2000 ]; ok $? "stream.dm_v_tr_sa_mx has rows"
[ "$(ch "SELECT count() FROM dm.pri_cust_asset_info")" -gt 0 ]; ok $? "dm.pri_cust_asset_info has rows"

# ---- make dashboard
mk dashboard DASHBOARD_DIR="$T/dash" >"$T/out" 2>"$T/err"
is "$?" 0 "make dashboard: exit 0" || sed 's/^/# /' "$T/err"
is "$(tail -n 1 "$T/out")" "$T/dash/index.html" "make dashboard prints the path of index.html"
charts_ok "$T/dash" "demo data"
is "$(nodata_marks "$T/dash")" 0 "no chart says 'no data'"
[ -L "$T/dash" ]; ok $? "DIR is a symlink to the rendering"
grep -q '2021-01-01 ~ 2021-01-07' "$T/dash/index.html"; ok $? "default period: the days of the data (2021-01-01 to 07)"
grep -q 'charset="utf-8"' "$T/dash/index.html" && ! grep -qi '<script' "$T/dash/index.html"
ok $? "index.html is UTF-8 and has no script"

# the figures equal plain SQL
sa_sum=$(ch "SELECT sum(abs(tran_amt)) FROM stream.dm_v_tr_sa_mx")
is "$(awk -F'\t' '$1 == "sa" { print $5 }' "$T/dash/data/tx_daily.tsv" | dsum)" "$sa_sum" "tx_daily.tsv: the days of sa add up to Σ|tran_amt|"
grep -q "$(echo "$sa_sum" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta')" "$T/dash/index.html"
ok $? "index.html shows that total exactly, with thousands separators"
top=$(ch "SELECT uid, sum(abs(tran_amt)) AS s FROM stream.dm_v_tr_sjyh_mx WHERE uid != '' GROUP BY uid ORDER BY s DESC, uid LIMIT 20" | tr '\t' ' ')
is "$(tail -n +2 "$T/dash/data/sjyh_top.tsv" | awk -F'\t' '{ print $2 " " $5 }')" "$top" "sjyh_top.tsv: the 20 top mobile-banking customers and their amounts"
[ "$(tail -n +2 "$T/dash/data/sjyh_top.tsv" | cut -f3 | grep -c .)" = 20 ]; ok $? "each with a name"
is "$(awk -F'\t' 'NR > 1 { print $1 " " $5 }' "$T/dash/data/deposit_loan.tsv" | sort | tr '\n' ' ')" \
	"loan(all_bal) $(ch "SELECT sum(all_bal) FROM dm.pri_cust_liab_info") time_deposit(td_bal) $(ch "SELECT sum(td_bal) FROM dm.pri_cust_asset_info") " \
	"deposit_loan.tsv: Σ td_bal and Σ all_bal"
is "$(awk -F'\t' 'NR > 1 { s += $2 } END { print s }' "$T/dash/data/five_class.tsv")" \
	"$(ch "SELECT uniqExact(contract_no) FROM stream.dm_v_tr_contract_mx WHERE contract_no != ''")" "five_class.tsv: every contract counted once"
is "$(awk -F'\t' '$1 == "huanx" { print $4 }' "$T/dash/data/repay_daily.tsv" | dsum)" \
	"$(ch "SELECT sum(tran_amt) FROM stream.dm_v_tr_huanx_mx")" "repay_daily.tsv: the days of huanx add up to Σ tran_amt"

# a period and --top
dashboard -o "$T/dash" --from 2021-01-03 --to 2021-01-04 --top 5 >/dev/null 2>"$T/err"
is "$?" 0 "rerun with --from/--to/--top: exit 0"
is "$(tail -n +2 "$T/dash/data/tx_daily.tsv" | cut -f3 | sort -u | tr '\n' ' ')" "2021-01-03 2021-01-04 " "only the days of the period"
is "$(tail -n +2 "$T/dash/data/sjyh_top.tsv" | wc -l)" 5 "--top 5: five customers"
# shellcheck disable=SC2010
is "$(ls -A "$T" | grep '^\.dash\.' | grep -vc '^\.dash\.lock$')" 1 "the rerun replaced the rendering: one directory left, no temporary ones"
charts_ok "$T/dash" "rerun"

# ---- pipeline-status
pipeline-status >"$T/status" 2>"$T/err"
is "$?" 0 "pipeline-status: exit 0"
for t in stream.dm_v_tr_sa_mx dm.pri_cust_base_info; do
	is "$(awk -v t="$t" '$1 == t { print $2 }' "$T/status")" "$(ch "SELECT count() FROM $t")" "pipeline-status: rows of $t equal SELECT count()"
done
is "$(awk '$1 ~ /^(dm|stream)\./' "$T/status" | wc -l)" 24 "one line per table, 24 in all"
is "$(awk '$1 == "stream.dm_v_tr_sa_mx" { print $3 }' "$T/status")" "$(ch "SELECT max(etl_dt) FROM stream.dm_v_tr_sa_mx")" "the latest etl_dt of stream.dm_v_tr_sa_mx"
is "$(grep -c '^Kafka: not configured' "$T/status")" 1 "Kafka not configured: said in one line"
pipeline-status --json >"$T/status.json"
is "$?" 0 "pipeline-status --json: exit 0"
is "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d["clickhouse"]["tables"]), [t["rows"] for t in d["clickhouse"]["tables"] if t["table"] == "stream.dm_v_tr_sa_mx"][0], d["kafka"]["configured"])' "$T/status.json")" \
	"24 $(ch "SELECT count() FROM stream.dm_v_tr_sa_mx") False" "the JSON: 24 tables, the same count, Kafka not configured"
CLICKHOUSE_URL=http://127.0.0.1:1/ pipeline-status >"$T/status" 2>&1
is "$?" 1 "pipeline-status, ClickHouse unreachable: exit 1"
grep -q 'error:' "$T/status"; ok $? "and it says so"

# ---- a screenshot of index.html in headless Chromium
if [ -x /usr/bin/chromium ]; then
	profile=$(mktemp -d "$T/chromium.XXXXXX")
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$profile" --screenshot="$T/shot.png" \
		--window-size=1400,2400 "file://$(readlink -f "$T/dash")/index.html" >"$T/chromium.log" 2>&1
	is_png "$T/shot.png"; ok $? "headless Chromium: a non-empty screenshot of index.html"
	[ "$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)" -gt 50000 ]; ok $? "with the charts in it (not a blank page)"
else
	skip "no /usr/bin/chromium: no screenshot"
	skip "no /usr/bin/chromium: no screenshot"
fi

# ---- Kafka lag on a real broker: a group that read all 14 messages of two partitions, then
# 5 more arrived in partition 0
if [ -x "$TOP/scripts/with-kafka" ] && command -v kcat >/dev/null; then
	"$TOP/scripts/with-kafka" bash -c '
		kafka-server topic "$KAFKA_RUN_DIR" dash 2 >/dev/null || exit 1
		seq 1 10 | kcat -b "$KAFKA_BROKERS" -P -t dash -p 0 && seq 1 4 | kcat -b "$KAFKA_BROKERS" -P -t dash -p 1 || exit 1
		timeout 60 kcat -b "$KAFKA_BROKERS" -G dashgrp -o beginning -c 14 -q -X session.timeout.ms=6000 dash >/dev/null || exit 1
		seq 1 5 | kcat -b "$KAFKA_BROKERS" -P -t dash -p 0 || exit 1
		pipeline-status --group dashgrp --topic dash >"$0.dir"
		KAFKA_RUN_DIR= pipeline-status --group dashgrp --topic dash --json >"$0.json"
		pipeline-status --group nosuchgroup --topic dash >"$0.nogroup"; echo $? >"$0.nogroup.rc"
	' "$T/kafka" >"$T/kafka.log" 2>&1
	rc=$?
	if [ $rc = 3 ]; then
		for _ in 1 2 3 4; do skip "Kafka not available (scripts/with-kafka exit 3)"; done
	else
		is "$rc" 0 "Kafka: a group read all 14 messages, then 5 more arrived" || sed 's/^/# /' "$T/kafka.log"
		is "$(awk '$1 == "total" { print $2 }' "$T/kafka.dir" 2>/dev/null)" 5 "pipeline-status --group --topic (kafka-server lag): total lag 5" ||
			sed 's/^/# /' "$T/kafka.dir"
		is "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["kafka"]; print(d["total_lag"], [(p["partition"], p["committed"], p["end"], p["lag"]) for p in d["partitions"]])' "$T/kafka.json" 2>&1)" \
			"5 [(0, 10, 15, 5), (1, 4, 4, 0)]" "--json with only the brokers (Kafka's own tool): offsets and lag per partition"
		is "$(cat "$T/kafka.nogroup.rc" 2>/dev/null)" 1 "an unknown group: exit 1, said in the Kafka line"
	fi
else
	for _ in 1 2 3 4; do skip "no scripts/with-kafka or kcat"; done
fi

done_testing
