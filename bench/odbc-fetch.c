/* odbc-fetch: a bare ODBC fetch loop, the benchmark's lower bound for hive2tsv (not part of the suite).
 *
 *	odbc-fetch -d CONN [-p password-file] [-b bytes] SQL
 *
 * Connects with SQLDriverConnect, runs SQL with SQLExecDirect, then for every row SQLFetch and,
 * for every column, SQLGetData as SQL_C_CHAR into a buffer (in chunks for a long value), and
 * writes nothing: no escaping, no output.  Prints "N rows, M columns, B bytes" on stderr.
 * Exit 0, or 2 with the ODBC diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sql.h>
#include <sqlext.h>

static void
diag(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[6], msg[1024];
	SQLINTEGER native;
	SQLSMALLINT len, i;

	fprintf(stderr, "odbc-fetch: %s failed\n", what);
	for (i = 1; SQLGetDiagRec(type, h, i, state, &native, msg, sizeof msg, &len) == SQL_SUCCESS; i++)
		fprintf(stderr, "  SQLSTATE %s (native %d): %s\n", state, (int)native, msg);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *conn = NULL, *pwfile = NULL;
	char connstr[4096], pw[512] = "";
	size_t bufsize = 4096;
	unsigned long long rows = 0, bytes = 0;
	SQLHENV env;
	SQLHDBC dbc;
	SQLHSTMT st;
	SQLSMALLINT ncol, outlen;
	SQLRETURN r;
	char *buf;
	int c;

	while ((c = getopt(argc, argv, "d:p:b:")) != -1) {
		switch (c) {
		case 'd': conn = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'b': bufsize = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (!conn || optind != argc - 1 || bufsize < 16) {
usage:
		fprintf(stderr, "usage: odbc-fetch -d CONN [-p password-file] [-b bytes] SQL\n");
		return 2;
	}
	if (pwfile) {
		FILE *f = fopen(pwfile, "r");
		if (!f || !fgets(pw, sizeof pw, f)) {
			perror(pwfile);
			return 2;
		}
		fclose(f);
		pw[strcspn(pw, "\r\n")] = 0;
	}
	snprintf(connstr, sizeof connstr, "%s%s%s", conn, *pw ? ";PWD=" : "", pw);
	buf = malloc(bufsize);

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)))
		return 2;
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
	r = SQLDriverConnect(dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, &outlen, SQL_DRIVER_NOPROMPT);
	if (!SQL_SUCCEEDED(r))
		diag(SQL_HANDLE_DBC, dbc, "SQLDriverConnect");
	SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)argv[optind], SQL_NTS)))
		diag(SQL_HANDLE_STMT, st, "SQLExecDirect");
	SQLNumResultCols(st, &ncol);
	while ((r = SQLFetch(st)) != SQL_NO_DATA) {
		if (!SQL_SUCCEEDED(r))
			diag(SQL_HANDLE_STMT, st, "SQLFetch");
		for (SQLUSMALLINT i = 1; i <= (SQLUSMALLINT)ncol; i++) {
			SQLLEN ind;
			for (;;) {	/* a long value comes in chunks: 01004, then SQL_NO_DATA */
				r = SQLGetData(st, i, SQL_C_CHAR, buf, (SQLLEN)bufsize, &ind);
				if (r == SQL_NO_DATA)
					break;
				if (!SQL_SUCCEEDED(r))
					diag(SQL_HANDLE_STMT, st, "SQLGetData");
				if (ind == SQL_NULL_DATA)
					break;
				if (r == SQL_SUCCESS) {
					bytes += ind >= 0 ? (unsigned long long)ind : 0;
					break;
				}
				bytes += bufsize - 1;	/* SQL_SUCCESS_WITH_INFO: truncated, more to come */
			}
		}
		rows++;
	}
	fprintf(stderr, "odbc-fetch: %llu rows, %d columns, %llu bytes\n", rows, (int)ncol, bytes);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	free(buf);
	return 0;
}
