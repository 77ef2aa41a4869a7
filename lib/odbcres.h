/* odbcres.h: the rows of an executed ODBC statement, fetched in blocks into small bound
 * buffers (column-wise arrays, SQL_ATTR_ROW_ARRAY_SIZE), every value as text (SQL_C_CHAR,
 * so decimals stay exact).  A value longer than its bound buffer is read again whole with
 * SQLGetData in chunks: values are never cut.  SQLGetData on a row of a block needs the
 * driver's SQL_GD_BLOCK (sqliteodbc has none), so without it a block is one row. */
#ifndef ODBCRES_H
#define ODBCRES_H
#include <stddef.h>
#include <stdint.h>
#include <sql.h>

struct odbccol {
	char *label;		/* as the driver names it, e.g. "table.column" */
	SQLSMALLINT sqltype;
	SQLULEN size;
	int bound;		/* 0: not wanted, never read */
	SQLLEN width;		/* bytes per bound cell, NUL included */
	char *cells;		/* rows * width */
	SQLLEN *ind;		/* per row: length, SQL_NULL_DATA or SQL_NO_TOTAL */
};

struct odbcres {
	SQLHSTMT st;
	SQLSMALLINT ncol;
	struct odbccol *col;
	SQLULEN rows;		/* rows per fetch in force */
	SQLULEN fetched;	/* rows in the current block */
	SQLUSMALLINT *status;	/* per row of the block */
	char *big;		/* a long value, read whole */
	size_t bigcap;
	uint64_t long_values;	/* values read with SQLGetData */
	int warned;		/* fetch warnings shown once */
};

#define ODBCRES_ROWS 256	/* rows per fetch by default */
#define ODBCRES_WIDTH 128	/* largest bound cell: sqliteodbc zero-fills each one whole */

/* Reads the result's columns after SQLExecDirect.  -1 (diagnostics printed) on failure. */
int odbcres_describe(struct odbcres *rs, SQLHSTMT st);
/* Binds the columns with want[i] set; rows per fetch is clamped to 1 unless getdata_block. */
int odbcres_bind(struct odbcres *rs, const unsigned char *want, SQLULEN rows, int getdata_block);
/* Next block: number of rows, 0 at the end, -1 on error (diagnostics printed). */
long odbcres_fetch(struct odbcres *rs);
/* Value at row (of the block), col: 1 with *p, *n (valid until the next call), 0 for NULL,
 * -1 on error. */
int odbcres_value(struct odbcres *rs, size_t row, int col, const char **p, size_t *n);
void odbcres_free(struct odbcres *rs);

#endif
