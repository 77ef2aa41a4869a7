/* fuzz_route: kcat-split's routing of one Kafka message, under ASan and UBSan.
 *
 * What extracts the eventType is kevent_scan (lib/kafkaevent.c); what makes it a file name is
 * type_name/classify, static in cmd/kcat-split/route.c, which is compiled into this harness
 * as it is (#include below, not edited).  The whole input is one message.
 *  1. kevent_scan against jansson (tests/fuzz/jansson_diff.h, differences D1-D5 of
 *     fuzz_json_oracle.c left out): it must accept exactly the JSON objects jansson accepts,
 *     say "not a JSON object" for any other valid document, and refuse a repeated
 *     eventType/eventBody; on an object both accept:
 *       eventType: absent -> J_NONE, else the same kind, and a string decodes (json_unescape)
 *         to jansson's bytes;  eventBody: absent -> J_NONE, else its span parses (jansson) to a
 *         value equal to jansson's;
 *       kevent_field(line, "uid") and (.., "eventType"): the first such member at the top or
 *         directly in an object eventBody, in document order, equal to jansson's.
 *  2. classify: the message is routable (with --body: and its eventBody an object) exactly when
 *     the decoded eventType is 1..64 bytes of [A-Za-z0-9_.-] not starting with '.'.
 *  3. (every message that is a JSON object, one in 16 of the others) route_put into two fresh routers in a private directory on /dev/shm, one with
 *     -T sa,tr,x.y-z_1 (the rest to _unknown), one with --body and no -T: 0 exactly when
 *     routable; then the output file of the expected name holds exactly the message (or its
 *     eventBody) with CR and LF made spaces, plus one newline, and that line parses (jansson)
 *     to the same value; a message that is no event gets a reason, and route_reject writes
 *     head + message as one line to the rejects file. */
#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../cmd/kcat-split/route.c"

#include "fuzz.h"
#include "jansson_diff.h"

#define KNOWN_TYPES "sa,tr,x.y-z_1"

static char dir[64];

static void
cleanup(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

static void
stats(void)
{
	jd_print_stats("fuzz_route");
}

/* the directories of earlier runs that crashed (an abort skips atexit) */
static void
remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	long pid;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "fuzz_route.%ld", &pid) == 1 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			snprintf(dir, sizeof dir, "%s/%s", parent, e->d_name);
			cleanup();
		}
	closedir(d);
	dir[0] = 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	remove_stale("/dev/shm");
	remove_stale("/tmp");
	snprintf(dir, sizeof dir, "/dev/shm/fuzz_route.%ld", (long)getpid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_route.%ld", (long)getpid());
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			abort();
	}
	atexit(cleanup);
	if (getenv("FUZZ_STATS"))
		atexit(stats);
	return 0;
}

/* the parser jdiff compares: kevent_scan, but a valid document that is no object, or one
 * with eventType/eventBody twice (kevent_scan stops there), counts as what json_document says */
static struct kevent scanned;
static int scan_r;

static int
ours(const char *s, size_t n, const char **err)
{
	struct jparse jp = { 0 };
	struct jval v;

	scan_r = kevent_scan(&scanned, s, n);
	if (scan_r == 0)
		return 1;
	if (strcmp(scanned.err, "not a JSON object") == 0 || strncmp(scanned.err, "duplicate key ", 14) == 0) {
		if (json_document(&jp, s, s + n, &v))
			return 1;
		*err = jp.err;
		return 0;
	}
	*err = scanned.err;
	return 0;
}

static int
type_usable(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 64 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", s[i]) || !s[i])
			return 0;
	return 1;
}

/* jansson's value of a span of ours */
static json_t *
span_value(const struct jval *v)
{
	json_error_t je;

	if (v->kind == J_STRING) {
		char *buf = malloc(v->n + 1);
		size_t k = json_unescape(buf, v->s, v->n);
		json_t *s = json_stringn_nocheck(buf, k);
		free(buf);
		return s;
	}
	return json_loadb(v->s, v->n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
}

static void
same_value(const struct jval *v, const json_t *want, const char *what)
{
	json_t *got = span_value(v);

	FUZZ_CHECK(got && json_equal(got, (json_t *)want), "%s: not the value jansson has", what);
	json_decref(got);
}

/* the first member called name at the top, or directly in an object eventBody, in order */
static const json_t *
first_member(const json_t *top, const char *name)
{
	const char *k;
	const json_t *v, *in;

	json_object_foreach((json_t *)top, k, v) {
		if (strcmp(k, name) == 0)
			return v;
		if (strcmp(k, "eventBody") == 0 && json_is_object(v) && (in = json_object_get(v, name)))
			return in;
	}
	return NULL;
}

static void
check_field(const char *msg, size_t n, const json_t *top, const char *name)
{
	struct jval v;
	const json_t *want = first_member(top, name);
	int r = kevent_field(msg, n, name, strlen(name), &v);

	FUZZ_CHECK(r == (want != NULL), "kevent_field(%s): %d", name, r);
	if (r)
		same_value(&v, want, name);
}

static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	char *b;

	if (fd < 0)
		return NULL;
	fstat(fd, &st);
	b = malloc((size_t)st.st_size + 1);
	*len = (size_t)read(fd, b, (size_t)st.st_size);
	close(fd);
	return b;
}

/* one message through a fresh router; want_ok: routable by the oracle */
static void
route_one(const char *msg, size_t n, int body, const char *types, const char *type, size_t tn, const json_t *jbody,
    int want_ok, int exact)
{
	struct router rt;
	char err[256], why[512], tpl[128], rej[128], path[256];
	char *got, *want;
	size_t gn = 0, i, wn;
	const char *src = msg;
	int r;

	snprintf(tpl, sizeof tpl, "%s/out-%%s", dir);
	snprintf(rej, sizeof rej, "%s/rejects", dir);
	FUZZ_CHECK(route_init(&rt, tpl, types, NULL, body, rej, err, sizeof err) == 0, "route_init: %s", err);
	why[0] = 0;
	r = route_put(&rt, msg, n, why, sizeof why);
	FUZZ_CHECK(r >= 0, "route_put failed on a private directory");
	FUZZ_CHECK(r == !want_ok, "route_put: %d (%s), the oracle says %s", r, why, want_ok ? "routable" : "no event");
	if (r == 1) {
		FUZZ_CHECK(why[0] != 0, "no event, no reason");
		FUZZ_CHECK(route_reject(&rt, "head\t", 5, msg, n) == 0, "route_reject failed");
	}
	FUZZ_CHECK(route_close(&rt) == 0, "route_close failed");
	route_free(&rt);

	/* what it wrote */
	if (r == 0) {
		int known_type = 0;
		if (types)
			for (const char *t = types; *t; t += *t == ',') {
				size_t k = strcspn(t, ",");
				known_type |= k == tn && memcmp(t, type, tn) == 0;
				t += k;
			}
		if (types && !known_type)
			snprintf(path, sizeof path, "%s/out-_unknown", dir);
		else
			snprintf(path, sizeof path, "%s/out-%.*s", dir, (int)tn, type);
		if (body) {
			src = scanned.body.s;
			n = scanned.body.n;
		}
	} else {
		snprintf(path, sizeof path, "%s/rejects", dir);
	}
	got = slurp(path, &gn);
	FUZZ_CHECK(got, "%s: not written", path);
	wn = (r == 1 ? 5 : 0) + n + 1;
	want = malloc(wn);
	if (r == 1)
		memcpy(want, "head\t", 5);
	memcpy(want + wn - n - 1, src, n);
	for (i = wn - n - 1; i < wn - 1; i++)
		if (want[i] == '\n' || want[i] == '\r')
			want[i] = ' ';
	want[wn - 1] = '\n';
	FUZZ_CHECK(gn == wn && memcmp(got, want, wn) == 0, "%s: %zu bytes written, %zu expected", path, gn, wn);
	if (r == 0 && exact) {	/* spaces for line breaks leave the JSON as it was */
		json_error_t je;
		json_t *back = json_loadb(got, gn - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je), *orig;
		orig = body ? json_incref((json_t *)jbody) : json_loadb(msg, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		FUZZ_CHECK(back && orig && json_equal(back, orig), "the line written is another JSON value");
		json_decref(back);
		json_decref(orig);
	}
	free(got);
	free(want);
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = fuzz_dup((const char *)data, size), *type = NULL;
	json_t *j = NULL;
	const json_t *jt = NULL, *jb = NULL;
	int d, exact, usable = 0;
	size_t tn = 0;

	d = jdiff(msg, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, ours, &j);
	exact = d == JD_BOTH_OK;
	scan_r = kevent_scan(&scanned, msg, size);	/* jdiff may have scanned another text last (D5) */
	if (d == JD_BOTH_OK) {
		if (!json_is_object(j)) {
			FUZZ_CHECK(scan_r < 0 && strcmp(scanned.err, "not a JSON object") == 0, "a %s: %s",
			    json_is_array(j) ? "array" : "scalar", scan_r < 0 ? scanned.err : "accepted");
		} else {
			FUZZ_CHECK(scan_r == 0, "a valid object refused: %s", scanned.err);
			jt = json_object_get(j, "eventType");
			jb = json_object_get(j, "eventBody");
			FUZZ_CHECK((scanned.type.kind == J_NONE) == !jt, "eventType found by one of them only");
			FUZZ_CHECK((scanned.body.kind == J_NONE) == !jb, "eventBody found by one of them only");
			if (jt)
				same_value(&scanned.type, jt, "eventType");
			if (jb)
				same_value(&scanned.body, jb, "eventBody");
			check_field(msg, size, j, "uid");
			check_field(msg, size, j, "eventType");
		}
	}
	if (scan_r == 0 && scanned.type.kind == J_STRING) {
		type = malloc(scanned.type.n + 1);
		tn = json_unescape(type, scanned.type.s, scanned.type.n);
		usable = type_usable(type, tn);
	}
	/* route_put costs two 1 MiB output buffers and a few files: every event, but only one
	 * message in 16 (by its bytes, the same on every run) of those that are no JSON object */
	if (scan_r == 0 || (size > 0 && (data[0] + data[size - 1] + size) % 16 == 0)) {
		route_one(msg, size, 0, KNOWN_TYPES, type, tn, jb, scan_r == 0 && usable, exact);
		route_one(msg, size, 1, NULL, type, tn, jb, scan_r == 0 && usable && scanned.body.kind == J_OBJECT, exact);
	}
	free(type);
	json_decref(j);
	free(msg);
	return 0;
}
