#include <stdio.h>
#include <string.h>

#include <sqlext.h>

#include "err.h"
#include "odbcdiag.h"

static int
diag_records(SQLSMALLINT type, SQLHANDLE h, const char *what, const char *kind, int skip_truncation)
{
	SQLCHAR state[6], msg[SQL_MAX_MESSAGE_LENGTH + 1];
	SQLINTEGER native;
	SQLSMALLINT msglen, i;
	int shown = 0;

	for (i = 1; ; i++) {
		SQLRETURN r = SQLGetDiagRec(type, h, i, state, &native, msg, sizeof msg, &msglen);

		if (r != SQL_SUCCESS && r != SQL_SUCCESS_WITH_INFO)
			break;
		if (skip_truncation && strcmp((char *)state, "01004") == 0)
			continue;
		/* drivers end some messages with a newline: one record, one line */
		msglen = (SQLSMALLINT)strlen((char *)msg);
		while (msglen > 0 && (msg[msglen - 1] == '\n' || msg[msglen - 1] == '\r'))
			msg[--msglen] = 0;
		fprintf(stderr, "%s: %s%s: SQLSTATE %s (native %ld): %s\n", argv0, kind, what, (char *)state,
		    (long)native, (char *)msg);
		shown++;
	}
	return shown;
}

int
odbc_diag(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	int n = diag_records(type, h, what, "", 0);

	if (n == 0)
		fprintf(stderr, "%s: %s: failed, and the driver gave no diagnostic record\n", argv0, what);
	return n;
}

void
odbc_warn(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	diag_records(type, h, what, "warning: ", 1);
}
