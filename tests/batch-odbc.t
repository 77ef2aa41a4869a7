#!/bin/bash
# hive2tsv: the same TabSeparated bytes from SQLite (sqliteodbc, one row a fetch) and from a
# private PostgreSQL (psqlODBC, 256-row blocks): NULL against '', every escaped byte, exact
# decimals, 100 kB values at block edges; table.column labels stripped; --drop; passwords
# off the command line; every ODBC diagnostic on failure.
. "$(dirname "$0")/lib.sh"
FX=$TOP/testdata/batch/odbc-fixture.py

# private driver registrations: nothing logs to /tmp (Debian's psqlODBC entry has CommLog=1)
mkdir -p "$T/odbc"
cat >"$T/odbc/odbcinst.ini" <<'EOF'
[SQLite3]
Driver=libsqlite3odbc.so
[PostgreSQL Unicode]
Driver=psqlodbcw.so
Debug=0
CommLog=0
EOF
export ODBCSYSINI=$T/odbc
unset HIVE2TSV_CONN HIVE2TSV_CONFIG HIVE2TSV_PASSWORD_FILE

python3 "$FX" expected >"$T/expected.tsv"
python3 "$FX" sqlite "$T/fx.sqlite"
LITE="Driver=SQLite3;Database=$T/fx.sqlite;StepAPI=1;LongNames=1;NoCreat=1"

hive2tsv -d "$LITE" -q 'SELECT * FROM odbc_t ORDER BY id' >"$T/lite.tsv" 2>"$T/err"
is "$?" 0 "SQLite: exit 0"
same_file "$T/lite.tsv" "$T/expected.tsv" "SQLite: every value as expected (NULL, escapes, decimals, 100 kB)"
grep -qx "hive2tsv: 600 rows, 4 columns" "$T/err"
ok $? "summary line: rows and columns"

hive2tsv -d "$LITE" -t odbc_t --header --quiet | head -1 >"$T/head"
is "$(cat "$T/head")" "$(printf 'id\tname\tamount\tnote')" "LongNames labels (odbc_t.id) stripped to column names"
hive2tsv -d "$LITE" -t odbc_t -c id,amount --where 'id <= 3' --quiet >"$T/cols.tsv"
cut -f1,3 "$T/expected.tsv" | head -3 >"$T/want"
same_file "$T/cols.tsv" "$T/want" "-t with -c and --where"
hive2tsv -d "$LITE" -q 'SELECT * FROM odbc_t ORDER BY id' --drop name,note --header --quiet >"$T/drop.tsv"
{ printf 'id\tamount\n'; cut -f1,3 "$T/expected.tsv"; } >"$T/want"
same_file "$T/drop.tsv" "$T/want" "--drop leaves those columns out, header included"

# -j: readers over ranges of an integer column; every row once, the header first
hive2tsv -d "$LITE" -t odbc_t -j 3 --split-by id --header >"$T/split.tsv" 2>"$T/err"
is "$?" 0 "-j 3 --split-by id: exit 0"
is "$(head -1 "$T/split.tsv")" "$(printf 'id\tname\tamount\tnote')" "-j 3: the header is the first line"
tail -n +2 "$T/split.tsv" | sort >"$T/got"
sort "$T/expected.tsv" >"$T/want"
same_file "$T/got" "$T/want" "-j 3: the same rows as one reader, each once"
grep -qx "hive2tsv: 600 rows by 3 readers" "$T/err"
ok $? "-j 3: the summary counts the rows of all readers"
hive2tsv -d "$LITE" -t odbc_t -c id,amount --where 'id > 100 AND id <= 250' -j 4 --split-by rowid --quiet | sort >"$T/got"
awk -F'\t' -v OFS='\t' '$1 > 100 && $1 <= 250 { print $1, $3 }' "$T/expected.tsv" | sort >"$T/want"
same_file "$T/got" "$T/want" "-j 4 --split-by rowid with -c and --where"
sqlite3 "$T/fx.sqlite" "CREATE TABLE split_t (k INTEGER, v TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50)
	INSERT INTO split_t SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000 END, 'v' || i FROM c;
	CREATE TABLE nulls_t (k INTEGER, v TEXT); INSERT INTO nulls_t VALUES (NULL, 'a'), (NULL, 'b')"
hive2tsv -d "$LITE" -t split_t -j 5 --split-by k --quiet | sort >"$T/got"
sqlite3 -separator $'\t' -nullvalue '\N' "$T/fx.sqlite" 'SELECT * FROM split_t' | sort >"$T/want"
same_file "$T/got" "$T/want" "-j 5: the rows whose split column is NULL are read too"
is "$(hive2tsv -d "$LITE" -t nulls_t -j 3 --split-by k 2>"$T/err" | sort | paste -sd,)" '\N	a,\N	b' "a split column NULL everywhere: one reader reads it all"
grep -q "2 rows, 2 columns" "$T/err"
ok $? "and says so as one reader does"
hive2tsv -d "$LITE" -t odbc_t -j 2 --split-by name >/dev/null 2>"$T/err"
is "$?" 2 "--split-by a text column: exit 2"
grep -q "^hive2tsv: --split-by name: its MIN is '.*', not an integer" "$T/err"
ok $? "saying that it is not an integer column"
hive2tsv -d "$LITE" -t odbc_t -j 2 >/dev/null 2>"$T/err"
is "$?" 2 "-j without --split-by: exit 2"
hive2tsv -d "$LITE" -q 'SELECT 1' -j 2 --split-by id >/dev/null 2>&1
is "$?" 2 "-j with -q: exit 2"
hive2tsv -d "$LITE" -t odbc_t -j 2 --split-by 'id); DROP TABLE odbc_t; --' >/dev/null 2>&1
is "$?" 2 "--split-by with SQL in it is refused"
# a reader killed: the others are stopped, the exit status says so, no torn line.  The table is
# big enough (30 MB) that the readers are still at it while nobody reads the output.
sqlite3 "$T/fx.sqlite" "CREATE TABLE big_t (id INTEGER, name TEXT, amount TEXT, note TEXT);
	WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000)
	INSERT INTO big_t SELECT i, 'name ' || i, i || '.50', printf('%.80c', 'x') FROM c"
mkfifo "$T/slow"
hive2tsv -d "$LITE" -t big_t -j 3 --split-by id >"$T/slow" 2>"$T/err" &
parent=$!
exec 8<"$T/slow"
for _ in $(seq 50); do	# the readers start after the MIN/MAX query
	[ "$(pgrep -c -P "$parent")" = 3 ] && break
	sleep 0.2
done
child=$(pgrep -n -P "$parent")
[ -n "$child" ] && kill -9 "$child"
ok $? "a reader was killed while nobody read the output"
cat <&8 >"$T/killed.tsv"
exec 8<&-
wait "$parent"
is "$?" 2 "a reader killed: exit 2"
grep -q "^hive2tsv: reader [123] of 3 (id) failed: signal 9" "$T/err"
ok $? "naming the reader and how it ended" || sed 's/^/# /' "$T/err"
is "$(grep -c 'failed' "$T/err")" 1 "one line for the killed reader, none for those stopped after it"
awk -F'\t' 'NF != 4 { bad++ } END { exit bad > 0 }' "$T/killed.tsv"
ok $? "every line written is a whole row"

# the same data in PostgreSQL, numeric(18,2) for the decimals
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	diag "no PostgreSQL server installed: PostgreSQL half skipped"
	done_testing
	exit
fi
chmod 711 "$T"	# the server runs as postgres and must reach its directory
trap 'pg-server stop "$T/pg" >/dev/null 2>&1; rm -rf "$T"' EXIT
PG=$(pg-server start "$T/pg")
ok $? "a private PostgreSQL started"
. "$T/pg/env"
python3 "$FX" pgddl | psql -qX -v ON_ERROR_STOP=1 && python3 "$FX" csv | psql -qX -v ON_ERROR_STOP=1 -c '\copy odbc_t from stdin csv'
ok $? "fixture loaded into PostgreSQL"

Q='SELECT id AS "odbc_t.id", name AS "odbc_t.name", amount AS "odbc_t.amount", note AS "odbc_t.note" FROM odbc_t ORDER BY id'
for rows in 256 7 1; do
	hive2tsv -d "$PG" --password-file "$T/pg/password" -q "$Q" -B $rows --quiet >"$T/pg.tsv"
	is "$?" 0 "PostgreSQL, $rows rows a fetch: exit 0"
	same_file "$T/pg.tsv" "$T/lite.tsv" "PostgreSQL, $rows rows a fetch: the same bytes as from SQLite"
done
hive2tsv -d "$PG" --password-file "$T/pg/password" -q "$Q" --header --drop name,note --quiet >"$T/pgdrop.tsv"
same_file "$T/pgdrop.tsv" "$T/drop.tsv" "PostgreSQL: table.column labels stripped, --drop"

hive2tsv -d "$PG" --password-file "$T/pg/password" -t odbc_t -j 3 --split-by id --quiet | sort >"$T/got"
sort "$T/lite.tsv" >"$T/want"
same_file "$T/got" "$T/want" "PostgreSQL, -j 3 --split-by id: the same rows, the password read by each reader"

# the password from a private config file, or from the environment's password file
{ printf '# source\nDriver = PostgreSQL Unicode\nServer = 127.0.0.1\nPort = %s\nDatabase = etl\nUid = etl\n' "$PGPORT"
  printf 'UseDeclareFetch = 1\npassword_file = %s\n' "$T/pg/password"; } >"$T/conn.conf"
hive2tsv -F "$T/conn.conf" -q 'SELECT count(*) FROM odbc_t' --quiet >"$T/n"
is "$(cat "$T/n")" 600 "-F config file with password_file"
{ cat "$T/conn.conf" | grep -v password_file; printf 'PWD = %s\n' "$(cat "$T/pg/password")"; } >"$T/conn2.conf"
chmod 644 "$T/conn2.conf"
hive2tsv -F "$T/conn2.conf" -q 'SELECT 1' >/dev/null 2>"$T/err"
is "$?" 2 "a config file holding PWD that others can read is refused"
grep -q "readable by others" "$T/err"
ok $? "... saying why"
chmod 600 "$T/conn2.conf"
HIVE2TSV_CONFIG=$T/conn2.conf hive2tsv -q 'SELECT 1' --quiet >"$T/n"
is "$(cat "$T/n")" 1 "HIVE2TSV_CONFIG names a private config file holding PWD"
HIVE2TSV_CONN=$PG HIVE2TSV_PASSWORD_FILE=$T/pg/password hive2tsv -q 'SELECT 2' --quiet >"$T/n"
is "$(cat "$T/n")" 2 "HIVE2TSV_CONN and HIVE2TSV_PASSWORD_FILE"

# failures: every diagnostic record, exit 2
hive2tsv -d "$PG" --password-file "$T/pg/password" -q 'SELECT * FROM no_such_table' >"$T/out" 2>"$T/err"
is "$?" 2 "a bad query: exit 2"
grep -q "^hive2tsv: query: SQLSTATE 42P01 (native [0-9-]*): .*no_such_table" "$T/err"
ok $? "PostgreSQL error shows SQLSTATE, native code and message"
is "$(wc -c <"$T/out")" 0 "nothing on stdout"
hive2tsv -d "$LITE" -t no_such_table >/dev/null 2>"$T/err"
grep -q "^hive2tsv: query: SQLSTATE HY000 (native 1): .*no such table" "$T/err"
ok $? "SQLite error shows SQLSTATE, native code and message"
echo wrong >"$T/badpw" && chmod 600 "$T/badpw"
hive2tsv -d "$PG" --password-file "$T/badpw" -q 'SELECT 1' >/dev/null 2>"$T/err"
is "$?" 2 "a wrong password: exit 2"
grep -q "^hive2tsv: connect: SQLSTATE 08001 .*password authentication failed" "$T/err"
ok $? "... with the server's SQLSTATE and message"
hive2tsv -d "$PG;PWD=x" --password-file "$T/pg/password" -q 'SELECT 1' >/dev/null 2>&1
is "$?" 2 "--password-file with a password in the string already: refused"
hive2tsv -d no_such_dsn -q 'SELECT 1' 2>"$T/err" >/dev/null
grep -q "SQLSTATE IM002" "$T/err"
ok $? "an unknown DSN: the driver manager's IM002"

# names are identifiers: nothing rides along into the SQL
hive2tsv -d "$LITE" -t 'odbc_t; DROP TABLE odbc_t' 2>"$T/err" >/dev/null
is "$?" 2 "-t with SQL in it is refused"
hive2tsv -d "$LITE" -t odbc_t -c 'id,name FROM odbc_t --' 2>/dev/null >/dev/null
is "$?" 2 "-c with SQL in it is refused"
hive2tsv -d "$LITE" -t odbc_t --drop nosuch 2>"$T/err" >/dev/null
is "$?" 2 "--drop of a column the result does not have is an error"
is "$(sqlite3 "$T/fx.sqlite" 'SELECT count(*) FROM odbc_t')" 600 "the table is still there"

# a reader that goes away ends the run quietly
hive2tsv -d "$LITE" -t odbc_t 2>"$T/err" | head -c 10 >/dev/null
is "$(grep -c 'write error' "$T/err")" 0 "no write error on a closed pipe"
ls /tmp/*psqlodbc* /tmp/mylog_* /tmp/psqlodbc_* 2>/dev/null | grep -q . && diag "psqlODBC left logs in /tmp (other runs?)"

done_testing
