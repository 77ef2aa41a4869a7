#include <stdlib.h>
#include <string.h>

#include "contactmap.h"
#include "err.h"

#define CMAP_MIN 64

void
cmap_init(struct cmap *m)
{
	memset(m, 0, sizeof *m);
	m->nslot = CMAP_MIN;
	m->slot = xcalloc(m->nslot, sizeof *m->slot);
}

/* FNV-1a: keys are short (uids, phone numbers, addresses) and this is not on untrusted-input
 * duty that would call for a keyed hash: the input is the bank's own export. */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
grow(struct cmap *m)
{
	struct cmap_slot *old = m->slot;
	size_t i, j, n = m->nslot;

	m->nslot *= 2;
	m->slot = xcalloc(m->nslot, sizeof *m->slot);
	for (i = 0; i < n; i++) {
		if (!old[i].val)
			continue;
		for (j = old[i].hash & (m->nslot - 1); m->slot[j].val; j = (j + 1) & (m->nslot - 1))
			;
		m->slot[j] = old[i];
	}
	free(old);
}

struct cmap_slot *
cmap_put(struct cmap *m, const char *key, size_t n, uint32_t val, int *added)
{
	uint64_t h = hash_bytes(key, n);
	struct cmap_slot *s;
	size_t j;

	if (2 * (m->count + 1) > m->nslot)
		grow(m);
	for (j = h & (m->nslot - 1); m->slot[j].val; j = (j + 1) & (m->nslot - 1)) {
		s = &m->slot[j];
		if (s->hash == h && s->len == n && (n == 0 || memcmp(m->arena + s->off, key, n) == 0)) {
			*added = 0;
			return s;
		}
	}
	if (m->acap - m->alen < n) {
		m->acap = (m->alen + n) * 2;
		m->arena = xrealloc(m->arena, m->acap);
	}
	if (n)	/* an empty key leaves the arena as it is, perhaps still NULL */
		memcpy(m->arena + m->alen, key, n);
	s = &m->slot[j];
	s->hash = h;
	s->off = m->alen;
	s->len = (uint32_t)n;
	s->val = val;
	m->alen += n;
	m->count++;
	*added = 1;
	return s;
}

void
cmap_clear(struct cmap *m)
{
	/* a huge group once must not make every later small group pay for clearing its table */
	if (m->nslot > CMAP_MIN && m->nslot > 16 * m->count) {
		free(m->slot);
		m->nslot = CMAP_MIN;
		m->slot = xcalloc(m->nslot, sizeof *m->slot);
	} else if (m->count)
		memset(m->slot, 0, m->nslot * sizeof *m->slot);
	if (m->acap > (1u << 20) && m->acap > 16 * m->alen) {
		free(m->arena);
		m->arena = NULL;
		m->acap = 0;
	}
	m->count = m->alen = 0;
}

void
cmap_free(struct cmap *m)
{
	free(m->slot);
	free(m->arena);
	memset(m, 0, sizeof *m);
}
