/* hive2tsv: the rows of an ODBC query (Hive, or a stand-in) as ClickHouse TabSeparated. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sql.h>
#include <sqlext.h>

#include "conf.h"
#include "err.h"
#include "numconv.h"
#include "odbcconn.h"
#include "odbcdiag.h"
#include "odbcres.h"
#include "outbuf.h"
#include "progress.h"
#include "query.h"
#include "sig.h"
#include "split.h"
#include "tsv.h"

static struct outbuf out;
static struct progress prog;
static uint64_t nrows;
static int ncols_out;

/* what to read and how: the options, for one reader or each of -j */
struct job {
	char *cs;		/* the connection string, password included */
	const char *sql, *table, *cols, *drop, *stats;
	long long block;
	double interval;
	int header, quiet;
	int part;		/* a reader of -j: its parent sums up */
	struct split sp;
};

/* one row is put together here and written whole, so that a failure mid-row never leaves
 * half a line for the loader */
static struct {
	char *p;
	size_t len, cap;
} row;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-d conn|DSN] [-F config] [--password-file file]\n"
	    "       (-q SQL | -t table [-c col,...] [--where expr]) [--drop col,...] [--header]\n"
	    "       [-j readers --split-by col] [-B rows] [-P seconds] [--stats-json file] [--quiet]\n",
	    argv0);
	exit(EXIT_TROUBLE);
}

static char *
row_room(size_t n)
{
	if (row.cap - row.len < n) {
		row.cap = (row.len + n) * 2;
		row.p = xrealloc(row.p, row.cap);
	}
	return row.p + row.len;
}

static void
row_field(int first, int isnull, const char *v, size_t n)
{
	char *d = row_room(2 * n + 3);

	if (!first)
		*d++ = '\t', row.len++;
	if (isnull) {
		memcpy(d, "\\N", 2);
		row.len += 2;
	} else
		row.len += tsv_escape(d, v, n);
}

static void
row_end(void)
{
	*row_room(1) = '\n';
	if (ob_write(&out, row.p, row.len + 1) < 0)
		ob_fatal(&out);
	row.len = 0;
}

/* The connection string: -d, else HIVE2TSV_CONN, else the config file (-F or HIVE2TSV_CONFIG);
 * then the password from --password-file (or HIVE2TSV_PASSWORD_FILE). */
static char *
connection(const char *spec, const char *config, const char *pwfile)
{
	char err[1024], *cs, *pw;

	if (!spec && (spec = getenv("HIVE2TSV_CONN")) && !*spec)
		spec = NULL;
	if (!config && (config = getenv("HIVE2TSV_CONFIG")) && !*config)
		config = NULL;
	if (!pwfile && (pwfile = getenv("HIVE2TSV_PASSWORD_FILE")) && !*pwfile)
		pwfile = NULL;
	if (spec)
		cs = odbc_conn_from_spec(spec);
	else if (config) {
		if (!(cs = odbc_conn_from_file(config, err, sizeof err)))
			fatal(EXIT_TROUBLE, "%s", err);
	} else
		fatal(EXIT_TROUBLE, "no source: give -d, -F, HIVE2TSV_CONN or HIVE2TSV_CONFIG");
	if (pwfile) {
		if (odbc_conn_has_password(cs))
			fatal(EXIT_TROUBLE, "--password-file: the connection string has a password already");
		if (!(pw = conf_read_secret(pwfile, err, sizeof err)))
			fatal(EXIT_TROUBLE, "--password-file: %s", err);
		odbc_conn_append(&cs, "PWD", pw);
		secret_free(pw);
	}
	return cs;
}

/* want[i] = 0 for each column of the comma list, found by its stripped name. */
static void
drop_columns(const struct odbcres *rs, unsigned char *want, const char *list)
{
	const char *p = list, *comma;
	size_t n;
	int i, found;

	for (; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		for (found = 0, i = 0; i < rs->ncol; i++) {
			const char *name = label_strip(rs->col[i].label);

			if (strlen(name) == n && memcmp(name, p, n) == 0)
				want[i] = 0, found = 1;
		}
		if (!found)
			fatal(EXIT_TROUBLE, "--drop: the result has no column '%.*s'", (int)n, p);
	}
}

static void
report(void)
{
	progress_report(&prog, nrows, NULL, NULL);
}

/* Returns 0 at the end of the rows, -1 on an ODBC error, 1 when a signal stopped it. */
static int
copy_rows(struct odbcres *rs, const unsigned char *want)
{
	const char *v;
	size_t i, n;
	long got;
	int c, r, first;

	while ((got = odbcres_fetch(rs)) > 0) {
		for (i = 0; i < (size_t)got; i++) {
			if (rs->status[i] == SQL_ROW_NOROW)
				continue;
			for (first = 1, c = 0; c < rs->ncol; c++) {
				if (!want[c])
					continue;
				if ((r = odbcres_value(rs, i, c, &v, &n)) < 0)
					return -1;
				row_field(first, r == 0, v, n);
				first = 0;
			}
			row_end();
			nrows++;
		}
		if (progress_due(&prog))
			report();
		if (sig_caught)
			return 1;
	}
	return got < 0 ? -1 : 0;
}

static SQLHDBC
connect_source(SQLHENV *env, char *cs)
{
	SQLHDBC dbc;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, env)) ||
	    !SQL_SUCCEEDED(SQLSetEnvAttr(*env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0)) ||
	    !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, *env, &dbc)))
		fatal(EXIT_TROUBLE, "cannot set up the ODBC driver manager");
	if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL,
	    SQL_DRIVER_NOPROMPT))) {
		odbc_diag(SQL_HANDLE_DBC, dbc, "connect");
		exit(EXIT_TROUBLE);
	}
	secret_free(cs);	/* the password need not stay in memory */
	/* a reading tool: ask for read-only where the driver can (a hint only, so no check) */
	SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0);
	return dbc;
}

static void
write_header(const struct odbcres *rs, const unsigned char *want)
{
	int i, first = 1;

	for (i = 0; i < rs->ncol; i++) {
		const char *name = label_strip(rs->col[i].label);

		if (want[i]) {
			row_field(first, 0, name, strlen(name));
			first = 0;
		}
	}
	row_end();
}

static SQLHSTMT
run_query(SQLHDBC dbc, const char *sql)
{
	SQLHSTMT st;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st))) {
		odbc_diag(SQL_HANDLE_DBC, dbc, "SQLAllocHandle");
		exit(EXIT_TROUBLE);
	}
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS))) {
		odbc_diag(SQL_HANDLE_STMT, st, "query");
		exit(EXIT_TROUBLE);
	}
	return st;
}

/* SQLGetData on any row of a block (SQL_GD_BLOCK): without it blocks are one row long. */
static int
getdata_block(SQLHDBC dbc)
{
	SQLUINTEGER gd = 0;

	if (!SQL_SUCCEEDED(SQLGetInfo(dbc, SQL_GETDATA_EXTENSIONS, &gd, sizeof gd, NULL)))
		return 0;
	return (gd & SQL_GD_BLOCK) && (gd & SQL_GD_BOUND);
}

/* Reads the rows of j->sql to standard output; returns the exit status. */
static int
read_rows(struct job *j)
{
	unsigned char *want;
	SQLHENV env;
	SQLHDBC dbc;
	SQLHSTMT st;
	struct odbcres rs;
	int i, r;

	dbc = connect_source(&env, j->cs);
	st = run_query(dbc, j->sql);
	if (odbcres_describe(&rs, st) < 0)
		return EXIT_TROUBLE;
	if (rs.ncol == 0)
		fatal(EXIT_TROUBLE, "the query returns no columns");
	want = xmalloc((size_t)rs.ncol);
	memset(want, 1, (size_t)rs.ncol);
	if (j->drop)
		drop_columns(&rs, want, j->drop);
	for (i = 0; i < rs.ncol; i++)
		ncols_out += want[i];
	if (ncols_out == 0)
		fatal(EXIT_TROUBLE, "--drop leaves no column");
	if (odbcres_bind(&rs, want, (SQLULEN)j->block, getdata_block(dbc)) < 0)
		return EXIT_TROUBLE;
	/* only now: until rows flow, SIGINT may simply end us (and not wait out a long query) */
	sig_install();

	ob_init(&out, 1, "<stdout>", 0);
	progress_init(&prog, "rows", j->interval, j->stats);
	if (j->header)
		write_header(&rs, want);
	r = copy_rows(&rs, want);
	if (ob_close(&out) < 0)
		ob_fatal(&out);
	if (j->stats)
		report();
	progress_end(&prog);
	if ((!j->quiet || sig_caught || r < 0) && !(j->part && r >= 0))
		fprintf(stderr, "%s: %llu rows, %d columns%s%s\n", argv0, (unsigned long long)nrows, ncols_out,
		    r < 0 ? " (stopped by the error above)" : "", r > 0 ? " (interrupted)" : "");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	odbcres_free(&rs);
	free(want);
	free(row.p);
	if (r > 0)
		return 128 + sig_caught;
	return r < 0 ? EXIT_TROUBLE : EXIT_ALLGOOD;
}

/* Reader k of -j, in its own process: its range of the table, no header but reader 0's, and
 * no progress or summary of its own (the parent counts what they all wrote). */
static int
read_part(int k, void *arg)
{
	struct job *j = arg;
	char err[512], *where = split_where(&j->sp, k);

	if (!(j->sql = query_build(j->table, j->cols, where, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	free(where);
	j->header = j->header && k == 0;
	j->quiet = 1;
	j->part = 1;
	j->interval = 0;
	j->stats = NULL;
	return read_rows(j);
}

static int
read_split(struct job *j)
{
	SQLHENV env;
	SQLHDBC dbc = connect_source(&env, xstrdup(j->cs));
	unsigned long long rows;
	int r, status;

	r = split_bounds(dbc, &j->sp);
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	if (r < 0) {
		secret_free(j->cs);
		return EXIT_TROUBLE;
	}
	if (r == 0)	/* no value to split by: one reader does it all (j->sql is the whole table's) */
		return read_rows(j);
	ob_init(&out, 1, "<stdout>", 0);
	progress_init(&prog, "rows", j->interval, j->stats);
	status = split_run(&j->sp, read_part, j, &out, &prog, j->header, &rows);
	secret_free(j->cs);
	if (ob_close(&out) < 0)
		ob_fatal(&out);
	if (j->stats)
		progress_report(&prog, rows, NULL, NULL);
	progress_end(&prog);
	if (!j->quiet || status)
		fprintf(stderr, "%s: %llu rows by %d readers%s%s\n", argv0, rows, j->sp.jobs,
		    status && status < 128 ? " (stopped by the error above)" : "", status >= 128 ? " (interrupted)" : "");
	return status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "connect", required_argument, NULL, 'd' }, { "config", required_argument, NULL, 'F' },
		{ "password-file", required_argument, NULL, 'W' }, { "query", required_argument, NULL, 'q' },
		{ "table", required_argument, NULL, 't' }, { "columns", required_argument, NULL, 'c' },
		{ "where", required_argument, NULL, 'w' }, { "drop", required_argument, NULL, 'D' },
		{ "header", no_argument, NULL, 'H' }, { "block-rows", required_argument, NULL, 'B' },
		{ "progress", required_argument, NULL, 'P' }, { "stats-json", required_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' }, { "split-by", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'Q' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 }
	};
	const char *spec = NULL, *config = NULL, *pwfile = NULL, *where = NULL;
	struct job j = { .block = ODBCRES_ROWS, .sp.jobs = 1 };
	long long interval = -1;
	char err[512], *built = NULL;
	int c, r;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "d:F:q:t:c:B:P:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': spec = optarg; break;
		case 'F': config = optarg; break;
		case 'W': pwfile = optarg; break;
		case 'q': j.sql = optarg; break;
		case 't': j.table = optarg; break;
		case 'c': j.cols = optarg; break;
		case 'w': where = optarg; break;
		case 'D': j.drop = optarg; break;
		case 'H': j.header = 1; break;
		case 'J': j.stats = optarg; break;
		case 'Q': j.quiet = 1; break;
		case 'S': j.sp.col = optarg; break;
		case 'B':
			j.block = flag_number("-B", optarg, 1, 65536);
			break;
		case 'P':
			interval = flag_number("-P", optarg, 0, 86400);
			break;
		case 'j':
			j.sp.jobs = (int)flag_number("-j", optarg, 1, 64);
			break;
		default: usage();
		}
	}
	if (optind != argc || !j.sql == !j.table || (j.sql && (j.cols || where)))
		usage();
	if ((j.sp.jobs > 1 || j.sp.col) && !(j.table && j.sp.col && j.sp.jobs > 1))
		fatal(EXIT_TROUBLE, "-j N (N > 1) and --split-by col go together, with -t");
	if (j.sp.col && !ident_ok(j.sp.col, strlen(j.sp.col)))
		fatal(EXIT_TROUBLE, "--split-by: '%s' is not a column name ([A-Za-z_][A-Za-z0-9_.]*)", j.sp.col);
	if (j.table && !(j.sql = built = query_build(j.table, j.cols, where, err, sizeof err)))
		fatal(EXIT_TROUBLE, "%s", err);
	j.interval = interval >= 0 ? (double)interval : isatty(2) ? 1.0 : 10.0;
	j.cs = connection(spec, config, pwfile);
	j.sp.table = j.table;
	j.sp.where = where;
	r = j.sp.jobs > 1 ? read_split(&j) : read_rows(&j);
	free(built);
	return r;
}
