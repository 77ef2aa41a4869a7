#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "rowset.h"

#define RS_MINSLOT 1024
#define RS_WBUF (1u << 20)

/* A multiply-fold hash over 8 bytes at a time: rows are long (hundreds of bytes), so FNV's
 * byte-at-a-time loop would cost more than the rest of the filter.  Not keyed: the input is
 * the bank's own export, and a flood of collisions only slows the check, never changes it. */
static uint64_t
fold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t
load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t
hash_row(const char *p, size_t n)
{
	const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
	uint64_t h = fold(n ^ k0, k1), a, b;
	size_t i = 0;

	for (; i + 16 <= n; i += 16)
		h = fold(load64(p + i) ^ k1 ^ h, load64(p + i + 8) ^ k2);
	a = b = 0;
	if (n - i >= 8) {
		a = load64(p + i);
		i += 8;
	}
	memcpy(&b, p + i, n - i);	/* the last 0 to 7 bytes */
	return fold(h ^ a ^ k2, b ^ k0 ^ (uint64_t)(n - i));
}

static int
make_spool(const char *dir)
{
	char *path;
	int fd;

	/* O_TMPFILE: never a name to leave behind; filesystems without it get mkstemp + unlink */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	path = xmalloc(strlen(dir) + 32);
	strcpy(path, dir);
	strcat(path, "/rowset.XXXXXX");
	if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
		unlink(path);
	free(path);
	return fd;
}

int
rowset_open(struct rowset *s, const char *dir)
{
	memset(s, 0, sizeof *s);
	if (!dir && !(dir = getenv("TMPDIR")))
		dir = "/tmp";
	s->dir = dir;
	if ((s->fd = make_spool(dir)) < 0)
		return -1;
	s->hash_mask = ~(uint64_t)0;
	s->nslot = RS_MINSLOT;
	s->slot = xcalloc(s->nslot, sizeof *s->slot);
	s->wcap = RS_WBUF;
	s->wbuf = xmalloc(s->wcap);
	return 0;
}

static int
spool_flush(struct rowset *s)
{
	size_t done = 0;
	ssize_t w;

	while (done < s->wlen) {
		if ((w = pwrite(s->fd, s->wbuf + done, s->wlen - done, (off_t)(s->wbase + done))) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	s->wbase += s->wlen;
	s->wlen = 0;
	return 0;
}

/* Appends the record of row[0, n); its offset in *off. */
static int
spool_put(struct rowset *s, const char *row, size_t n, uint64_t *off)
{
	uint32_t len = (uint32_t)n;

	if (s->wlen + 4 + n > s->wcap && spool_flush(s) < 0)
		return -1;
	if (4 + n > s->wcap) {	/* a row longer than the buffer: a buffer that fits it */
		s->wcap = 4 + n;
		s->wbuf = xrealloc(s->wbuf, s->wcap);
	}
	*off = s->wbase + s->wlen;
	memcpy(s->wbuf + s->wlen, &len, 4);
	memcpy(s->wbuf + s->wlen + 4, row, n);
	s->wlen += 4 + n;
	return 0;
}

/* 1 when the record at off holds row[0, n), 0 when not, -1 on a read error. */
static int
spool_equal(struct rowset *s, uint64_t off, const char *row, size_t n)
{
	const char *rec;
	size_t got = 0, want = 4 + n;
	ssize_t r;
	uint32_t len;

	if (off >= s->wbase) {	/* still in the write buffer */
		rec = s->wbuf + (off - s->wbase);
	} else {
		if (s->rcap < want) {
			s->rcap = want < 4096 ? 4096 : want;
			s->rbuf = xrealloc(s->rbuf, s->rcap);
		}
		/* reads as far as this row's length: a shorter record ends sooner, and says so */
		while (got < want) {
			r = pread(s->fd, s->rbuf + got, want - got, (off_t)(off + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				break;
			got += (size_t)r;
		}
		if (got < 4)
			return errno = EIO, -1;
		rec = s->rbuf;
		memcpy(&len, rec, 4);
		if (len != n)
			return 0;
		if (got < want)
			return errno = EIO, -1;
		return n == 0 || memcmp(rec + 4, row, n) == 0;
	}
	memcpy(&len, rec, 4);
	return len == n && (n == 0 || memcmp(rec + 4, row, n) == 0);
}

static void
grow(struct rowset *s)
{
	struct rowset_slot *old = s->slot;
	size_t i, j, n = s->nslot, mask;

	s->nslot *= 2;
	mask = s->nslot - 1;
	s->slot = xcalloc(s->nslot, sizeof *s->slot);
	for (i = 0; i < n; i++) {
		if (!old[i].off)
			continue;
		for (j = old[i].hash & mask; s->slot[j].off; j = (j + 1) & mask)
			;
		s->slot[j] = old[i];
	}
	free(old);
}

int
rowset_add(struct rowset *s, const char *row, size_t n)
{
	uint64_t h, off;
	size_t j, mask;
	int eq;

	if (n > ROWSET_MAXROW)
		return errno = EFBIG, -1;
	if (4 * (s->count + 1) > 3 * s->nslot)
		grow(s);
	h = hash_row(row, n) & s->hash_mask;
	mask = s->nslot - 1;
	for (j = h & mask; s->slot[j].off; j = (j + 1) & mask) {
		if (s->slot[j].hash != h)
			continue;
		if ((eq = spool_equal(s, s->slot[j].off - 1, row, n)) != 0)
			return eq > 0 ? 0 : -1;
	}
	if (spool_put(s, row, n, &off) < 0)
		return -1;
	s->slot[j].hash = h;
	s->slot[j].off = off + 1;
	s->count++;
	return 1;
}

void
rowset_close(struct rowset *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->slot);
	free(s->wbuf);
	free(s->rbuf);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}
