#include <stdlib.h>
#include <string.h>

#include "contactmerge.h"
#include "err.h"

#define CM_MAXITEMS 0xfffffff0u	/* indexes are 32 bits */

void
cmerge_init(struct cmerge *m)
{
	memset(m, 0, sizeof *m);
	cmap_init(&m->uids);
	cmap_init(&m->pairs);
}

uint32_t
cmerge_uid(struct cmerge *m, const char *uid, size_t n)
{
	struct cmap_slot *s;
	struct cm_uid *u;
	int added;

	if (m->nuid >= CM_MAXITEMS)
		fatal(EXIT_TROUBLE, "more than %u uids: use --sorted", CM_MAXITEMS);
	s = cmap_put(&m->uids, uid, n, (uint32_t)m->nuid + 1, &added);
	if (!added)
		return s->val - 1;
	if (m->nuid == m->uidcap) {
		m->uidcap = m->uidcap ? 2 * m->uidcap : 256;
		m->uid = xrealloc(m->uid, m->uidcap * sizeof *m->uid);
	}
	u = &m->uid[m->nuid];
	u->off = s->off;
	u->len = s->len;
	u->head = u->tail = 0;
	return (uint32_t)m->nuid++;
}

int
cmerge_add(struct cmerge *m, uint32_t uid, const char *contact, size_t n, int phone)
{
	struct cmap_slot *s;
	struct cm_contact *c;
	struct cm_uid *u = &m->uid[uid];
	int added;

	if (m->keycap < n + 4) {
		m->keycap = 2 * (n + 4);
		m->key = xrealloc(m->key, m->keycap);
	}
	memcpy(m->key, &uid, 4);
	memcpy(m->key + 4, contact, n);
	if (m->ncon >= CM_MAXITEMS)
		fatal(EXIT_TROUBLE, "more than %u contacts: use --sorted", CM_MAXITEMS);
	s = cmap_put(&m->pairs, m->key, n + 4, (uint32_t)m->ncon + 1, &added);
	if (!added)
		return 0;
	if (m->ncon == m->concap) {
		m->concap = m->concap ? 2 * m->concap : 256;
		m->con = xrealloc(m->con, m->concap * sizeof *m->con);
	}
	c = &m->con[m->ncon];
	c->off = s->off + 4;
	c->len = (uint32_t)n;
	c->next = 0;
	c->phone = phone;
	if (u->tail)
		m->con[u->tail - 1].next = (uint32_t)m->ncon + 1;
	else
		u->head = (uint32_t)m->ncon + 1;
	u->tail = (uint32_t)++m->ncon;
	return 1;
}

/* The uid's phones (phone = 1) or addresses, comma-joined. */
static int
write_list(const struct cmerge *m, const struct cm_uid *u, int phone, struct outbuf *ob)
{
	uint32_t i;
	int first = 1;

	for (i = u->head; i; i = m->con[i - 1].next) {
		const struct cm_contact *c = &m->con[i - 1];

		if (c->phone != phone)
			continue;
		if ((!first && ob_putc(ob, ',') < 0) || ob_write(ob, m->pairs.arena + c->off, c->len) < 0)
			return -1;
		first = 0;
	}
	return 0;
}

long
cmerge_write(struct cmerge *m, struct outbuf *ob, int keep_empty)
{
	long rows = 0;
	size_t i;

	for (i = 0; i < m->nuid; i++) {
		const struct cm_uid *u = &m->uid[i];

		if (!u->head && !keep_empty)
			continue;
		if ((u->len && ob_write(ob, m->uids.arena + u->off, u->len) < 0) || ob_putc(ob, '\t') < 0 ||
		    write_list(m, u, 1, ob) < 0 || ob_putc(ob, '\t') < 0 || write_list(m, u, 0, ob) < 0 ||
		    ob_putc(ob, '\n') < 0)
			return -1;
		rows++;
	}
	return rows;
}

void
cmerge_reset(struct cmerge *m)
{
	cmap_clear(&m->uids);
	cmap_clear(&m->pairs);
	m->nuid = m->ncon = 0;
}

void
cmerge_free(struct cmerge *m)
{
	cmap_free(&m->uids);
	cmap_free(&m->pairs);
	free(m->uid);
	free(m->con);
	free(m->key);
	memset(m, 0, sizeof *m);
}
