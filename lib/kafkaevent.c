#include <string.h>

#include "kafkaevent.h"

static int
scan_fail(struct kevent *ev, const struct jparse *jp, const char *line, const char *why)
{
	ev->err = why ? why : jp->err;
	ev->syntax = !why || jp->errat;
	ev->errat = jp->errat && jp->errat >= line ? (size_t)(jp->errat - line) : 0;
	return -1;
}

int
kevent_scan(struct kevent *ev, const char *line, size_t n)
{
	const char *p, *end = line + n;
	struct jparse jp;
	struct jval key, val;
	int first = 1, r;

	memset(ev, 0, sizeof *ev);
	memset(&jp, 0, sizeof jp);
	p = json_ws(line, end);
	if (p == end)
		return scan_fail(ev, &jp, line, "empty message");
	if (*p != '{') {
		if (!json_document(&jp, p, end, &val))
			return scan_fail(ev, &jp, line, NULL);
		return scan_fail(ev, &jp, line, "not a JSON object");
	}
	p++;
	while ((r = json_member(&jp, &p, end, &key, &val, 0, &first)) == 1) {
		struct jval *slot = json_key_is(&key, "eventType", 9) ? &ev->type :
		    json_key_is(&key, "eventBody", 9) ? &ev->body : NULL;

		if (!slot)
			continue;
		if (slot->kind != J_NONE)
			return scan_fail(ev, &jp, line, slot == &ev->type ? "duplicate key eventType" :
			    "duplicate key eventBody");
		*slot = val;
	}
	if (r < 0)
		return scan_fail(ev, &jp, line, NULL);
	if (json_ws(p, end) != end) {
		jp.errat = json_ws(p, end);
		return scan_fail(ev, &jp, line, "trailing characters after the JSON value");
	}
	return 0;
}

/* Members of the object whose '{' is at p, looking for name; descends into eventBody at the top. */
static int
find_member(struct jparse *jp, const char *p, const char *end, const char *name, size_t namelen,
    struct jval *v, int top)
{
	struct jval key;
	int first = 1;

	p++;
	while (json_member_key(jp, &p, end, &key, &first) == 1) {
		if (json_key_is(&key, name, namelen))
			return json_value(jp, p, end, v, 1) != NULL;
		if (top && p < end && *p == '{' && json_key_is(&key, "eventBody", 9) &&
		    find_member(jp, p, end, name, namelen, v, 0))
			return 1;
		if (!(p = json_value(jp, p, end, v, 1)))
			return 0;
	}
	return 0;
}

int
kevent_field(const char *line, size_t n, const char *name, size_t namelen, struct jval *v)
{
	const char *end = line + n, *p = json_ws(line, end);
	struct jparse jp;

	memset(&jp, 0, sizeof jp);
	if (p == end || *p != '{')
		return 0;
	return find_member(&jp, p, end, name, namelen, v, 1);
}
