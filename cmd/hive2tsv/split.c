#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlext.h>

#include "err.h"
#include "linemerge.h"
#include "numconv.h"
#include "odbcdiag.h"
#include "query.h"
#include "sig.h"
#include "split.h"

/* One column of the bounds row as a number; 0 when NULL, -1 when not an integer. */
static int
bound_value(SQLHSTMT st, int col, const char *name, long long *v)
{
	char text[64];
	const char *why;
	SQLLEN ind;

	if (!SQL_SUCCEEDED(SQLGetData(st, (SQLUSMALLINT)col, SQL_C_CHAR, text, sizeof text, &ind))) {
		odbc_diag(SQL_HANDLE_STMT, st, "--split-by");
		return -1;
	}
	if (ind == SQL_NULL_DATA)
		return 0;
	*v = parse_count(text, -0x7fffffffffffffffLL - 1, 0x7fffffffffffffffLL, &why);
	if (why) {
		warnf("--split-by %s: its %s is '%.20s', not an integer: give an integer column", name,
		    col == 1 ? "MIN" : "MAX", text);
		return -1;
	}
	return 1;
}

int
split_bounds(SQLHDBC dbc, struct split *sp)
{
	SQLHSTMT st;
	size_t n = 2 * strlen(sp->col) + 16;
	char *what = xmalloc(n), *q;
	int r = -1;

	snprintf(what, n, "MIN(%s), MAX(%s)", sp->col, sp->col);
	q = query_select(what, sp->table, sp->where);
	free(what);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st))) {
		odbc_diag(SQL_HANDLE_DBC, dbc, "SQLAllocHandle");
		free(q);
		return -1;
	}
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)q, SQL_NTS)) || !SQL_SUCCEEDED(SQLFetch(st)))
		odbc_diag(SQL_HANDLE_STMT, st, "--split-by");
	else if ((r = bound_value(st, 1, sp->col, &sp->lo)) == 1 &&
	    (r = bound_value(st, 2, sp->col, &sp->hi)) == 0)
		r = -1;	/* a MIN without a MAX: the table changed under us */
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	free(q);
	return r;
}

/* The first value of reader k's range: lo + k * (hi - lo + 1) / jobs, without overflow. */
static long long
range_start(const struct split *sp, int k)
{
	unsigned __int128 span = (unsigned __int128)((__int128)sp->hi - sp->lo + 1);

	return (long long)((__int128)sp->lo + (__int128)(span * (unsigned)k / (unsigned)sp->jobs));
}

char *
split_where(const struct split *sp, int k)
{
	size_t n = (sp->where ? strlen(sp->where) : 0) + 3 * strlen(sp->col) + 96;
	char *w = xmalloc(n), *p = w;
	const char *c = sp->col;

	if (sp->where)
		p += snprintf(p, n, "(%s) AND ", sp->where);
	if (k == 0)
		snprintf(p, n - (size_t)(p - w), "(%s < %lld OR %s IS NULL)", c, range_start(sp, 1), c);
	else if (k == sp->jobs - 1)
		snprintf(p, n - (size_t)(p - w), "%s >= %lld", c, range_start(sp, k));
	else
		snprintf(p, n - (size_t)(p - w), "%s >= %lld AND %s < %lld", c, range_start(sp, k), c,
		    range_start(sp, k + 1));
	return w;
}

static void
stop_readers(const pid_t *pid, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGTERM);
}

/* The exit status of reader k (reaped), with a line on stderr when it failed by itself. */
static int
reap(const struct split *sp, pid_t *pid, int k, int stopped)
{
	int st;

	while (waitpid(pid[k], &st, 0) < 0)
		if (errno != EINTR)
			return EXIT_TROUBLE;
	pid[k] = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (!sig_caught && !stopped)
		warnf("reader %d of %d (%s) failed: %s %d", k + 1, sp->jobs, sp->col,
		    WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_TROUBLE;
}

static pid_t
start_reader(int k, int *fds, int (*read_part)(int, void *), void *arg)
{
	int p[2], i;
	pid_t pid;

	if (pipe(p) < 0)
		fatal(EXIT_TROUBLE, "pipe:");
	fflush(NULL);
	if ((pid = fork()) < 0)
		fatal(EXIT_TROUBLE, "fork:");
	if (pid == 0) {
		for (i = 0; i < k; i++)
			close(fds[i]);
		close(p[0]);
		if (dup2(p[1], 1) < 0)
			_exit(EXIT_TROUBLE);
		close(p[1]);
		_exit(read_part(k, arg));
	}
	close(p[1]);
	fds[k] = p[0];
	return pid;
}

int
split_run(const struct split *sp, int (*read_part)(int k, void *arg), void *arg,
    struct outbuf *out, struct progress *prog, int header, unsigned long long *rows)
{
	pid_t *pid = xcalloc((size_t)sp->jobs, sizeof *pid);
	int *fds = xcalloc((size_t)sp->jobs, sizeof *fds);
	struct linemerge m;
	int k, r, st, status = 0, stopped = 0;

	for (k = 0; k < sp->jobs; k++)
		pid[k] = start_reader(k, fds, read_part, arg);
	sig_install();
	lm_init(&m, fds, sp->jobs, header);
	while ((r = lm_step(&m, out)) != 0) {
		if (r < 0 && errno != EINTR) {
			if (out->err)
				ob_fatal(out);
			fatal(EXIT_TROUBLE, "reading a reader's pipe:");
		}
		if (sig_caught && !stopped)
			stop_readers(pid, sp->jobs), stopped = 1;
		for (k = 0; k < sp->jobs; k++)	/* a reader that is done: reap it, stop the rest if it failed */
			if (m.src[k].fd < 0 && pid[k] > 0 && (st = reap(sp, pid, k, stopped)) != 0) {
				if (!status)
					status = st;
				if (!stopped)
					stop_readers(pid, sp->jobs), stopped = 1;
			}
		if (progress_due(prog))
			progress_report(prog, m.lines - (m.lines > 0 && header), NULL, NULL);
	}
	for (k = 0; k < sp->jobs; k++)
		if (pid[k] > 0 && (st = reap(sp, pid, k, stopped)) != 0 && !status)
			status = st;
	if (m.torn && !status) {
		warnf("a reader ended in the middle of a row");
		status = EXIT_TROUBLE;
	}
	*rows = m.lines - (m.lines > 0 && header);
	lm_free(&m);
	free(pid);
	free(fds);
	if (sig_caught)
		return 128 + sig_caught;
	return status;
}
