/* chhttp.h: ClickHouse's HTTP interface through libcurl: one keep-alive connection,
 * credentials in headers (never in the URL), and each failure sorted into "retry" or "stop". */
#ifndef CHHTTP_H
#define CHHTTP_H
#include <stddef.h>

#include "conf.h"

struct chresult {
	long status;		/* HTTP status, 0 when no answer came */
	int transient;		/* worth retrying: no connection, timeout, overload, 5xx that is not about the data */
	int code;		/* ClickHouse's "Code: N" from the body, 0 if none */
	char msg[2048];		/* curl's error or the server's text, verbatim (cut) */
};

struct chclient {
	void *curl;		/* CURL * */
	void *headers;		/* struct curl_slist * */
	char *url;
	long timeout;		/* seconds without progress before a request is abandoned */
	char *resp;		/* response body */
	size_t resplen, respcap, respmax;
};

int ch_open(struct chclient *ch, const struct chconf *cc, long timeout, char *err, size_t errlen);
void ch_close(struct chclient *ch);
/* POSTs body as the data of `query`; gzip: body is gzip-compressed.  0 on HTTP 200;
 * -1 with r filled otherwise.  The response body is in ch->resp (NUL-terminated). */
int ch_post(struct chclient *ch, const char *query, const char *body, size_t n, int gzip, struct chresult *r);
/* A table name as db.table or table: identifiers only, so nothing can ride along in the SQL.
 * Writes the backquoted form to out. */
int ch_quote_table(const char *name, char *out, size_t outlen);

#endif
