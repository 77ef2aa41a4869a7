#!/bin/bash
# The batch path end to end: `make batch` on the embedded SQLite source loads the 10 dm
# tables, and what landed in ClickHouse equals, row for row, what plain SQL over the source
# says should land (distinct rows with a uid, kept columns only; contacts merged in SQL here,
# not by contact-merge).  Then: a rerun replaces instead of doubling, and a source that does
# not match the target fails without touching the table.
. "$(dirname "$0")/lib.sh"
[ -n "${CLICKHOUSE_URL:-}" ] || skip_all "no ClickHouse (run under scripts/with-clickhouse)"
command -v chload >/dev/null || skip_all "chload is not built"
unset HIVE_CONN HIVE2TSV_CONN HIVE2TSV_CONFIG HIVE2TSV_PASSWORD_FILE ODBCSYSINI
export BATCH_DIR=$T/batch HIVE_SOURCE=$T/batch/hive-source.sqlite
SRC=$HIVE_SOURCE
ETL=$TOP/sql/batch-etl.tsv

# the lead includes mk/batch.mk from the Makefile; until then name it here
mk() {
	if grep -q '^include.*mk/batch.mk' "$TOP/Makefile"; then
		make -s -C "$TOP" "$@"
	else
		make -s -C "$TOP" -f Makefile -f mk/batch.mk "$@"
	fi
}

mk batch BATCH_DIR="$BATCH_DIR" HIVE_SOURCE="$HIVE_SOURCE" </dev/null >"$T/report" 2>"$T/err"
is "$?" 0 "make batch: exit 0"
[ -f "$SRC" ]
ok $? "make made the embedded source"
tables=$(awk -F'\t' '!/^#/ && $1 != "table" { print $1 }' "$ETL")
is "$(echo $tables | wc -w)" 10 "sql/batch-etl.tsv names the 10 tables"

# expected_sql TABLE: one SELECT over the source giving the rows dm.TABLE must hold, as
# ClickHouse prints them (TabSeparated: \\ \t \n \r \b \f and \' escaped; NULL \N)
esc="replace(replace(replace(replace(replace(replace(replace(X, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r'), char(8), '\\b'), char(12), '\\f'), '''', '\\''')"
expected_sql() {
	ESC=$esc awk -F'\t' -v t="$1" '
	FILENAME ~ /batch-etl/ { if ($1 == t) { n = split($2, d, ","); for (i = 1; i <= n; i++) drop[d[i]] = 1 } next }
	FILENAME ~ /hive-source/ { if ($1 == t && !($3 in drop)) src[++ns] = $3; next }
	$1 == "dm" && $2 == t { type[$3] = $5; name[$3] = $4; nt++ }
	END {
		for (i = 1; i <= ns; i++) {
			if (name[i] != src[i]) { print "mismatch " i > "/dev/stderr"; exit 1 }
			e = ENVIRON["ESC"]; gsub(/X/, "\"" src[i] "\"", e)
			x = type[i] == "String" ? "ifnull(" e ", '\'''\'')" : type[i] ~ /^Nullable/ ? "ifnull(\"" src[i] "\", '\''\\N'\'')" : "\"" src[i] "\""
			sel = sel (i > 1 ? " || char(9) || " : "") x
			cols = cols (i > 1 ? ", " : "") "\"" src[i] "\""
		}
		printf "SELECT %s FROM (SELECT DISTINCT %s FROM \"%s\" WHERE uid IS NOT NULL);\n", sel, cols, t
	}' "$ETL" "$TOP/sql/hive-source.tsv" "$TOP/sql/tables.tsv"
}

# the contact merge in SQL: per uid, its first occurrence of each contact that is not junk;
# TEL OTH MOB to contact_phone, the rest to contact_address, in source order
contact_sql() {
	e=${esc//X/contact}
	cat <<EOF
WITH c AS (SELECT rowid AS r, uid, ifnull(con_type, '') AS t, $e AS contact FROM pri_cust_contact_info
           WHERE uid IS NOT NULL AND contact IS NOT NULL AND contact NOT IN ('', '-', '无', '⽆')),
     k AS (SELECT * FROM c WHERE r IN (SELECT min(r) FROM c GROUP BY uid, contact))
SELECT $(echo "$esc" | sed 's/X/uid/') || char(9) ||
       ifnull((SELECT group_concat(contact, ',') FROM (SELECT contact FROM k AS p WHERE p.uid = u.uid
               AND t IN ('TEL', 'OTH', 'MOB') ORDER BY r)), '') || char(9) ||
       ifnull((SELECT group_concat(contact, ',') FROM (SELECT contact FROM k AS a WHERE a.uid = u.uid
               AND t NOT IN ('TEL', 'OTH', 'MOB') ORDER BY r)), '')
FROM (SELECT DISTINCT uid FROM k) AS u;
EOF
}

for t in $tables; do
	if [ "$t" = pri_cust_contact_info ]; then contact_sql; else expected_sql "$t"; fi >"$T/$t.sql"
	sqlite3 -batch "$SRC" <"$T/$t.sql" | LC_ALL=C sort >"$T/$t.want"
	ch "SELECT * FROM dm.$t FORMAT TabSeparated" | LC_ALL=C sort >"$T/$t.got"
	want=$(wc -l <"$T/$t.want")
	is "$(ch "SELECT count() FROM dm.$t")" "$want" "dm.$t: row count as computed from the source ($want)"
	same_file "$T/$t.got" "$T/$t.want" "dm.$t: every row as computed from the source"
	grep -q "^batch-load: $t: .* $want loaded$" "$T/report"
	ok $? "dm.$t: the report says $want loaded"
done

# the cleaning happened, in the proportions of the real data
is "$(sqlite3 "$SRC" 'SELECT count(*) FROM pri_cust_liab_acct_info WHERE uid IS NULL')" \
    "$(sed -n 's/^batch-load: pri_cust_liab_acct_info: .* (\([0-9]*\) NULL uid.*/\1/p' "$T/report")" \
    "NULL uids counted as removed"
grep -q "^batch-load: pri_cust_liab_acct_info: .*, [1-9][0-9]* duplicates" "$T/report"
ok $? "duplicates found and removed"
grep -q "^batch-load: pri_cust_contact_info: .*, [1-9][0-9]* by contact merge" "$T/report"
ok $? "contact rows merged"
is "$(ch "SELECT count() FROM dm.pri_cust_contact_info WHERE contact_phone = '' AND contact_address = ''")" 0 \
    "no uid without a contact is loaded"
is "$(ch "SELECT count() FROM system.tables WHERE database = 'dm' AND (endsWith(name, '__new') OR endsWith(name, '__old'))")" 0 \
    "no staging table left behind"

# digest TABLE: the row count and a hash of every row (18.16's cityHash64 takes no Decimal)
digest() {
	local rows
	rows=$(ch "SELECT * FROM dm.$1 FORMAT TabSeparated") || { echo "query failed"; return; }
	printf '%s\n' "$rows" | LC_ALL=C sort | md5sum | sed "s/ .*/ $(printf '%s\n' "$rows" | wc -l) rows/"
}

# a rerun replaces the rows, it does not add to them
before=$(digest pri_star_info)
mk load-pri_star_info BATCH_DIR="$BATCH_DIR" HIVE_SOURCE="$HIVE_SOURCE" >/dev/null 2>&1
is "$?" 0 "make load-pri_star_info: exit 0"
is "$(digest pri_star_info)" "$before" "a rerun leaves the same rows, not twice as many ($before)"

# BATCH_SPLIT: the biggest table read by readers over rowid ranges (its default) or by one;
# the same rows either way, and what it is set to is checked before anything is loaded
before=$(digest pri_cust_liab_acct_info)
BATCH_SPLIT=pri_cust_liab_acct_info=rowid:3 "$TOP/scripts/batch-load" pri_cust_liab_acct_info >"$T/report" 2>"$T/err"
is "$?" 0 "BATCH_SPLIT=pri_cust_liab_acct_info=rowid:3: exit 0"
is "$(digest pri_cust_liab_acct_info)" "$before" "... the same rows as the load of make batch"
BATCH_SPLIT= "$TOP/scripts/batch-load" --stdout pri_cust_liab_acct_info 2>/dev/null | LC_ALL=C sort | md5sum >"$T/one"
"$TOP/scripts/batch-load" --stdout pri_cust_liab_acct_info 2>/dev/null | LC_ALL=C sort | md5sum >"$T/two"
same_file "$T/two" "$T/one" "--stdout: the default split writes the rows one reader writes"
BATCH_SPLIT='pri_cust_liab_acct_info=rowid' "$TOP/scripts/batch-load" pri_cust_liab_acct_info >/dev/null 2>"$T/err"
is "$?" 2 "BATCH_SPLIT without :N: exit 2"
grep -q "BATCH_SPLIT: pri_cust_liab_acct_info=rowid is not TABLE=COLUMN:N" "$T/err"
ok $? "... saying what it should be"
is "$(digest pri_cust_liab_acct_info)" "$before" "... and the table keeps its rows"

# a source whose columns no longer match the target: nothing loaded, the table untouched
before=$(digest dm_v_as_djk_info)
sed 's/^dm_v_as_djk_info\tbal\t/dm_v_as_djk_info\t-\t/' "$ETL" >"$T/etl.tsv"
BATCH_ETL_TSV=$T/etl.tsv "$TOP/scripts/batch-load" dm_v_as_djk_info >/dev/null 2>"$T/err"
is "$?" 2 "columns not matching the target: exit 2"
grep -q "source columns (less drop_columns) are" "$T/err"
ok $? "... saying which columns differ"
is "$(digest dm_v_as_djk_info)" "$before" "... and the table keeps its rows ($before)"
# two tables at a time (BATCH_JOBS), and a TERM in the middle: the loads under way finish, no
# new one starts, exit 143; each table has its old rows or its new ones, no staging table stays
tables=$("$TOP/scripts/batch-load" --list)
for t in $tables; do echo "$t $(digest "$t")"; done >"$T/digests"
ch "INSERT INTO dm.pri_star_info SELECT * FROM dm.pri_star_info LIMIT 1"	# an old state to tell apart
perturbed=$(digest pri_star_info)
BATCH_JOBS=2 "$TOP/scripts/batch-load" $tables >"$T/report2" 2>"$T/err2" &
pid=$!
wait_for 30 sh -c 'ls -d "$BATCH_DIR"/work.*/*/ >/dev/null 2>&1'	# a load has started
kill -TERM $pid
wait $pid
is "$?" 143 "batch-load TERMed: exit 143 when the loads under way are done"
n=$(grep -c ' loaded$' "$T/report2")
check "it finished the loads under way ($n) and started no more" test "$n" -ge 1 -a "$n" -lt 10
same=0
for t in $tables; do
	[ "$t" != pri_star_info ] && [ "$t $(digest "$t")" = "$(grep "^$t " "$T/digests")" ] && same=$((same + 1))
done
is "$same" 9 "the other tables, loaded again or not, hold the rows of the source"
want=$perturbed
grep -q '^batch-load: pri_star_info: .* loaded$' "$T/report2" && want=$(grep '^pri_star_info ' "$T/digests" | cut -d' ' -f2-)
is "$(digest pri_star_info)" "$want" "pri_star_info: its new rows if its load ran, else exactly its old ones"
is "$(ch "SELECT count() FROM system.tables WHERE database = 'dm' AND endsWith(name, '__new')")" 0 \
    "no staging table left behind"
grep -v '^[a-z_]*: ' "$T/err2" | head -3 | sed 's/^/# unprefixed: /'

ls "$BATCH_DIR" | grep -q '^work\.' && diag "work directories left in $BATCH_DIR"
is "$(ls "$BATCH_DIR" | grep -c '^work\.')" 0 "no work directory left behind"

done_testing
