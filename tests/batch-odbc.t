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
