#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chhttp.h"
#include "conf.h"
#include "err.h"

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct chclient *ch = ctx;
	size_t n = size * nmemb, keep = n;

	if (ch->resplen + keep + 1 > ch->respmax)	/* bounded: only messages and DESCRIBE come back */
		keep = ch->respmax > ch->resplen + 1 ? ch->respmax - ch->resplen - 1 : 0;
	if (ch->resplen + keep + 1 > ch->respcap) {
		ch->respcap = ch->resplen + keep + 1 + 4096;
		ch->resp = xrealloc(ch->resp, ch->respcap);
	}
	memcpy(ch->resp + ch->resplen, p, keep);
	ch->resplen += keep;
	ch->resp[ch->resplen] = 0;
	return n;
}

static struct curl_slist *
header(struct curl_slist *h, const char *name, const char *val)
{
	size_t n = strlen(name) + strlen(val) + 3;
	char *line = xmalloc(n);
	struct curl_slist *r;

	snprintf(line, n, "%s: %s", name, val);
	r = curl_slist_append(h, line);
	secret_free(line);	/* the password should not linger in freed memory */
	if (!r)
		fatal(EXIT_TROUBLE, "out of memory");
	return r;
}

int
ch_open(struct chclient *ch, const struct chconf *cc, long timeout, char *err, size_t errlen)
{
	CURL *c;
	struct curl_slist *h = NULL;

	memset(ch, 0, sizeof *ch);
	if (strncmp(cc->url, "http://", 7) != 0 && strncmp(cc->url, "https://", 8) != 0) {
		snprintf(err, errlen, "ClickHouse URL '%s' is not http:// or https://", cc->url);
		return -1;
	}
	if (strchr(cc->url, '@')) {
		snprintf(err, errlen, "ClickHouse URL must not hold credentials: use CLICKHOUSE_USER and a password file");
		return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!(c = curl_easy_init())) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	ch->curl = c;
	ch->url = xstrdup(cc->url);
	ch->timeout = timeout;
	ch->respmax = 16u << 20;
	h = header(h, "X-ClickHouse-User", cc->user);
	if (cc->password)
		h = header(h, "X-ClickHouse-Key", cc->password);
	h = curl_slist_append(h, "Expect:");	/* no 100-continue round trip per batch */
	ch->headers = h;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, ch);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, timeout);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	/* HTTPS: CURL_CA_BUNDLE / SSL_CERT_FILE are read by libcurl itself; see chload(1) */
	if (getenv("CLICKHOUSE_CAFILE"))
		curl_easy_setopt(c, CURLOPT_CAINFO, getenv("CLICKHOUSE_CAFILE"));
	return 0;
}

void
ch_close(struct chclient *ch)
{
	if (ch->curl)
		curl_easy_cleanup(ch->curl);
	curl_slist_free_all(ch->headers);
	free(ch->url);
	free(ch->resp);
	memset(ch, 0, sizeof *ch);
}

/* Exception codes that are about the data or the statement: sending it again cannot help. */
static int
permanent_code(int code)
{
	static const int codes[] = { 6, 7, 25, 26, 27, 32, 33, 36, 38, 41, 42, 43, 44, 47, 53, 60, 62, 69,
		70, 72, 73, 81, 113, 115, 117, 128, 130, 131, 156, 192, 193, 194, 195, 197, 216, 306 };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if (codes[i] == code)
			return 1;
	return 0;
}

static void
classify(struct chclient *ch, CURLcode cr, const char *curlerr, struct chresult *r)
{
	const char *cp;

	curl_easy_getinfo(ch->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (cr != CURLE_OK) {
		snprintf(r->msg, sizeof r->msg, "%s", *curlerr ? curlerr : curl_easy_strerror(cr));
		/* no answer, or an answer cut off: the server may or may not have the rows */
		r->transient = cr != CURLE_URL_MALFORMAT && cr != CURLE_UNSUPPORTED_PROTOCOL &&
		    cr != CURLE_SSL_CACERT_BADFILE && cr != CURLE_PEER_FAILED_VERIFICATION;
		r->status = 0;
		return;
	}
	snprintf(r->msg, sizeof r->msg, "%s", ch->resp ? ch->resp : "");
	for (size_t k = strlen(r->msg); k > 0 && (r->msg[k - 1] == '\n' || r->msg[k - 1] == ' '); k--)
		r->msg[k - 1] = 0;
	if ((cp = strstr(r->msg, "Code: ")))
		r->code = atoi(cp + 6);
	r->transient = r->status >= 500 && !permanent_code(r->code);
}

int
ch_post(struct chclient *ch, const char *query, const char *body, size_t n, int gzip, struct chresult *r)
{
	CURL *c = ch->curl;
	char *q = curl_easy_escape(c, query, 0), *url, curlerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = ch->headers, *gz = NULL;
	const char *sep = strchr(ch->url, '?') ? "&" : "?";
	CURLcode cr;

	memset(r, 0, sizeof *r);
	url = xmalloc(strlen(ch->url) + strlen(q) + 16);
	sprintf(url, "%s%squery=%s", ch->url, sep, q);
	curl_free(q);
	if (gzip) {
		gz = curl_slist_append(NULL, "Content-Encoding: gzip");
		gz->next = h;
		h = gz;
	}
	ch->resplen = 0;
	if (ch->resp)
		ch->resp[0] = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	cr = curl_easy_perform(c);
	if (gz) {
		gz->next = NULL;
		curl_slist_free_all(gz);
	}
	free(url);
	if (cr == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		if (r->status == 200)
			return 0;
	}
	classify(ch, cr, curlerr, r);
	return -1;
}

static int
ident_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 200 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int
ch_quote_table(const char *name, char *out, size_t outlen)
{
	const char *dot = strchr(name, '.');

	if (dot) {
		if (!ident_ok(name, (size_t)(dot - name)) || !ident_ok(dot + 1, strlen(dot + 1)))
			return -1;
		snprintf(out, outlen, "`%.*s`.`%s`", (int)(dot - name), name, dot + 1);
	} else {
		if (!ident_ok(name, strlen(name)))
			return -1;
		snprintf(out, outlen, "`%s`", name);
	}
	return 0;
}
