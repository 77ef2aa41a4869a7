/* contact.h rules, contactmap.h and contactmerge.h: what contact-merge is built from. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "contact.h"
#include "contactmap.h"
#include "contactmerge.h"
#include "tap.h"

#define S(lit) lit, sizeof lit - 1

static void
rules(void)
{
	ok(contact_is_junk(S("")), "empty contact is junk");
	ok(contact_is_junk(S("\\N")), "NULL contact is junk");
	ok(contact_is_junk(S("-")), "'-' is junk");
	ok(contact_is_junk(S("无")), "'无' is junk");
	ok(contact_is_junk(S("\xe2\xbd\x86")), "'⽆' (U+2F46) is junk");
	ok(!contact_is_junk(S("\\\\N")), "an escaped backslash-N is text, not NULL");
	ok(!contact_is_junk(S(" - ")), "'-' with blanks is kept: fields are compared as they are");
	ok(!contact_is_junk(S("无锡市")), "a value starting with 无 is kept");
	ok(contact_is_phone(S("TEL")) && contact_is_phone(S("OTH")) && contact_is_phone(S("MOB")), "TEL OTH MOB are phones");
	ok(!contact_is_phone(S("tel")) && !contact_is_phone(S("ADD")) && !contact_is_phone(S("\\N")) &&
	    !contact_is_phone(S("TELX")), "other types are addresses");
}

static void
map(void)
{
	struct cmap m;
	struct cmap_slot *s;
	char key[32];
	int added, i, bad = 0;

	cmap_init(&m);
	for (i = 0; i < 5000; i++) {	/* many grows */
		int n = snprintf(key, sizeof key, "uid%d", i);
		s = cmap_put(&m, key, (size_t)n, (uint32_t)i + 1, &added);
		bad += !added || s->val != (uint32_t)i + 1;
	}
	ok(bad == 0 && m.count == 5000, "5000 keys added");
	for (bad = 0, i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "uid%d", i);
		s = cmap_put(&m, key, (size_t)n, 99999, &added);
		bad += added || s->val != (uint32_t)i + 1 || memcmp(m.arena + s->off, key, (size_t)n) != 0;
	}
	ok(bad == 0, "each found again with its value and bytes");
	s = cmap_put(&m, "", 0, 7, &added);
	ok(added && s->len == 0, "the empty key is a key");
	cmap_clear(&m);
	ok(m.count == 0 && m.nslot > 64, "clear keeps a table it filled");
	s = cmap_put(&m, S("uid1"), 3, &added);
	ok(added && s->val == 3, "after clear, keys are new");
	cmap_clear(&m);
	ok(m.count == 0 && m.nslot == 64, "clear shrinks a table much larger than it held");
	cmap_free(&m);
}

/* What cmerge_write writes, through a temporary file. */
static char *
written(struct cmerge *cm, int keep_empty, long *rows)
{
	static char buf[4096];
	char path[] = "/tmp/test_contact.XXXXXX";
	struct outbuf ob;
	int fd = mkstemp(path);
	ssize_t n;

	unlink(path);
	ob_init(&ob, fd, path, 0);
	*rows = cmerge_write(cm, &ob, keep_empty);
	ob_flush(&ob);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	free(ob.buf);
	close(fd);
	return buf;
}

static void
merge(void)
{
	struct cmerge cm;
	uint32_t a, b, c;
	long rows;
	char *out;

	cmerge_init(&cm);
	a = cmerge_uid(&cm, S("U2"));
	b = cmerge_uid(&cm, S("U1"));
	ok(cmerge_uid(&cm, S("U2")) == a && a != b, "a uid keeps its index");
	ok(cmerge_add(&cm, a, S("138"), 1), "first contact");
	ok(cmerge_add(&cm, a, S("Road 1"), 0), "an address");
	ok(!cmerge_add(&cm, a, S("138"), 0), "same contact under another type is a duplicate");
	ok(cmerge_add(&cm, b, S("138"), 1), "the same contact of another uid is not");
	ok(cmerge_add(&cm, a, S("139"), 1), "a second phone");
	c = cmerge_uid(&cm, S("U3"));	/* only junk came for it */
	(void)c;
	out = written(&cm, 0, &rows);
	ok(rows == 2, "uids without a contact are left out");
	is_str(out, strlen(out), "U2\t138,139\tRoad 1\nU1\t138\t\n", "rows in first-seen order, lists comma-joined");
	out = written(&cm, 1, &rows);
	is_str(out, strlen(out), "U2\t138,139\tRoad 1\nU1\t138\t\nU3\t\t\n", "--keep-empty writes them with empty lists");
	cmerge_reset(&cm);
	a = cmerge_uid(&cm, S("U9"));
	ok(cmerge_add(&cm, a, S("138"), 1), "after reset, contacts are new");
	out = written(&cm, 0, &rows);
	is_str(out, strlen(out), "U9\t138\t\n", "after reset only the new group is written");
	cmerge_free(&cm);
}

int
main(void)
{
	rules();
	map();
	merge();
	return tap_done();
}
