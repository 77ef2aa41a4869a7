#include <stdlib.h>
#include <string.h>

#include <sqlext.h>

#include "err.h"
#include "odbcdiag.h"
#include "odbcres.h"

int
odbcres_describe(struct odbcres *rs, SQLHSTMT st)
{
	SQLCHAR name[1024];
	SQLSMALLINT i, namelen, digits, nullable;
	SQLRETURN r;

	memset(rs, 0, sizeof *rs);
	rs->st = st;
	if (!SQL_SUCCEEDED(SQLNumResultCols(st, &rs->ncol))) {
		odbc_diag(SQL_HANDLE_STMT, st, "SQLNumResultCols");
		return -1;
	}
	rs->col = xcalloc((size_t)rs->ncol + 1, sizeof *rs->col);
	for (i = 0; i < rs->ncol; i++) {
		struct odbccol *c = &rs->col[i];

		r = SQLDescribeCol(st, (SQLUSMALLINT)(i + 1), name, sizeof name, &namelen, &c->sqltype,
		    &c->size, &digits, &nullable);
		if (!SQL_SUCCEEDED(r)) {
			odbc_diag(SQL_HANDLE_STMT, st, "SQLDescribeCol");
			return -1;
		}
		c->label = xstrdup((char *)name);
	}
	return 0;
}

/* Room for the text of most values of the column: its declared size as text where that is
 * small, never more than ODBCRES_WIDTH; longer values take the SQLGetData path. */
static SQLLEN
cell_width(const struct odbccol *c)
{
	SQLULEN need;

	switch (c->sqltype) {
	case SQL_TINYINT: case SQL_SMALLINT: case SQL_INTEGER: case SQL_BIGINT: case SQL_BIT:
		need = 22;
		break;
	case SQL_DECIMAL: case SQL_NUMERIC:
		need = c->size + 3;	/* sign, point, NUL */
		break;
	case SQL_REAL: case SQL_FLOAT: case SQL_DOUBLE:
		need = 32;
		break;
	default:
		need = c->size > 0 ? c->size + 1 : ODBCRES_WIDTH;
	}
	if (need < 8)
		need = 8;
	return (SQLLEN)(need < ODBCRES_WIDTH ? need : ODBCRES_WIDTH);
}

int
odbcres_bind(struct odbcres *rs, const unsigned char *want, SQLULEN rows, int getdata_block)
{
	SQLRETURN r;
	SQLSMALLINT i;

	if (!getdata_block || rows < 1)
		rows = 1;
	r = SQLSetStmtAttr(rs->st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)rows, 0);
	if (!SQL_SUCCEEDED(r))
		rows = 1;	/* no block cursors: one row a fetch still works */
	else if (r == SQL_SUCCESS_WITH_INFO)	/* 01S02: the driver chose another size */
		SQLGetStmtAttr(rs->st, SQL_ATTR_ROW_ARRAY_SIZE, &rows, 0, NULL);
	rs->rows = rows;
	rs->status = xcalloc(rows, sizeof *rs->status);
	if (!SQL_SUCCEEDED(SQLSetStmtAttr(rs->st, SQL_ATTR_ROWS_FETCHED_PTR, &rs->fetched, 0)) ||
	    !SQL_SUCCEEDED(SQLSetStmtAttr(rs->st, SQL_ATTR_ROW_STATUS_PTR, rs->status, 0))) {
		odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLSetStmtAttr");
		return -1;
	}
	/* column-wise binding is the default (SQL_BIND_BY_COLUMN) */
	for (i = 0; i < rs->ncol; i++) {
		struct odbccol *c = &rs->col[i];

		if (!want[i])
			continue;
		c->bound = 1;
		c->width = cell_width(c);
		c->cells = xmalloc(rows * (size_t)c->width);
		c->ind = xcalloc(rows, sizeof *c->ind);
		r = SQLBindCol(rs->st, (SQLUSMALLINT)(i + 1), SQL_C_CHAR, c->cells, c->width, c->ind);
		if (!SQL_SUCCEEDED(r)) {
			odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLBindCol");
			return -1;
		}
	}
	return 0;
}

long
odbcres_fetch(struct odbcres *rs)
{
	SQLRETURN r = SQLFetch(rs->st);
	SQLULEN i;

	if (r == SQL_NO_DATA)
		return 0;
	if (!SQL_SUCCEEDED(r)) {
		odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLFetch");
		return -1;
	}
	if (r == SQL_SUCCESS_WITH_INFO && !rs->warned) {
		rs->warned = 1;
		odbc_warn(SQL_HANDLE_STMT, rs->st, "SQLFetch");
	}
	for (i = 0; i < rs->fetched; i++)
		if (rs->status[i] == SQL_ROW_ERROR) {
			odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLFetch (a row of the block)");
			return -1;
		}
	return (long)rs->fetched;
}

/* The whole value of a long cell, in chunks that grow the buffer as the driver says how much
 * is left (01004 each time, then SQL_SUCCESS; SQL_NO_DATA when nothing was left). */
static int
read_long(struct odbcres *rs, size_t row, int col, const char **p, size_t *n)
{
	size_t len = 0;
	SQLLEN ind;
	SQLRETURN r;
	int first = 1;

	if (rs->rows > 1 && !SQL_SUCCEEDED(SQLSetPos(rs->st, (SQLSETPOSIROW)(row + 1), SQL_POSITION,
	    SQL_LOCK_NO_CHANGE))) {
		odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLSetPos");
		return -1;
	}
	for (;;) {
		if (rs->bigcap - len < 4096) {
			rs->bigcap = rs->bigcap ? rs->bigcap * 2 : 65536;
			rs->big = xrealloc(rs->big, rs->bigcap);
		}
		r = SQLGetData(rs->st, (SQLUSMALLINT)(col + 1), SQL_C_CHAR, rs->big + len,
		    (SQLLEN)(rs->bigcap - len), &ind);
		if (r == SQL_NO_DATA && first) {	/* would be a cut value: never */
			warnf("SQLGetData: column %d: no data for a value longer than %ld bytes", col + 1,
			    (long)rs->col[col].width - 1);
			return -1;
		}
		first = 0;
		if (r == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(r)) {
			odbc_diag(SQL_HANDLE_STMT, rs->st, "SQLGetData");
			return -1;
		}
		if (ind == SQL_NULL_DATA)
			return 0;
		if (r == SQL_SUCCESS) {
			len += (size_t)ind;
			break;
		}
		/* truncated again: the buffer is full but for its NUL; ind is what was left before */
		{
			size_t got = rs->bigcap - len - 1;

			len += got;
			if (ind != SQL_NO_TOTAL && (size_t)ind > got && (size_t)ind - got + len + 1 > rs->bigcap) {
				rs->bigcap = len + ((size_t)ind - got) + 1;
				rs->big = xrealloc(rs->big, rs->bigcap);
			}
		}
	}
	rs->long_values++;
	*p = rs->big;
	*n = len;
	return 1;
}

int
odbcres_value(struct odbcres *rs, size_t row, int col, const char **p, size_t *n)
{
	struct odbccol *c = &rs->col[col];
	SQLLEN ind = c->ind[row];

	*p = NULL, *n = 0;	/* a NULL has no text: callers may size buffers by n all the same */
	if (ind == SQL_NULL_DATA)
		return 0;
	if (ind == SQL_NO_TOTAL || ind >= c->width)
		return read_long(rs, row, col, p, n);
	*p = c->cells + row * (size_t)c->width;
	*n = (size_t)ind;
	return 1;
}

void
odbcres_free(struct odbcres *rs)
{
	SQLSMALLINT i;

	for (i = 0; i < rs->ncol; i++) {
		free(rs->col[i].label);
		free(rs->col[i].cells);
		free(rs->col[i].ind);
	}
	free(rs->col);
	free(rs->status);
	free(rs->big);
	memset(rs, 0, sizeof *rs);
}
