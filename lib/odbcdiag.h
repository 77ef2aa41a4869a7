/* odbcdiag.h: every diagnostic record of an ODBC handle on stderr, so that a failure shows
 * the driver's own words (SQLSTATE, native code, message) and not only "SQL_ERROR". */
#ifndef ODBCDIAG_H
#define ODBCDIAG_H
#include <sql.h>

/* Prints "argv0: what: SQLSTATE S (native N): message" for each record, or one line saying
 * there was none.  Returns the number of records printed. */
int odbc_diag(SQLSMALLINT type, SQLHANDLE h, const char *what);
/* As odbc_diag, for SQL_SUCCESS_WITH_INFO: prints records other than "01004 truncated" (which
 * the caller handles by reading the value whole) as warnings. */
void odbc_warn(SQLSMALLINT type, SQLHANDLE h, const char *what);

#endif
