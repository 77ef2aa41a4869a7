/* odbcconn.h: ODBC connection strings, put together so that a password need not be on a
 * command line (where ps shows it to every user). */
#ifndef ODBCCONN_H
#define ODBCCONN_H
#include <stddef.h>

/* A malloc'd connection string from spec: "Key=Value;..." as it is, or a bare name, which
 * means "DSN=name". */
char *odbc_conn_from_spec(const char *spec);
/* Adds ";key=value" to *cs (reallocated), braced as {value} with '}' doubled when the value
 * holds ';', '{', '}' or outer blanks, so that it cannot add attributes of its own. */
void odbc_conn_append(char **cs, const char *key, const char *val);
/* The connection string of a config file of "Key = Value" lines (conf.h syntax), one
 * attribute a line; the key "password_file" names a private file holding the password.
 * A file holding PWD or Password itself must be private.  NULL with a reason in err. */
char *odbc_conn_from_file(const char *path, char *err, size_t errlen);
/* Nonzero when the connection string sets PWD or Password (any case). */
int odbc_conn_has_password(const char *cs);

#endif
