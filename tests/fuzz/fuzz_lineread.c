/* fuzz_lineread: lib/lineread.c with tiny and odd maxline values, read boundaries anywhere,
 * interrupted reads, under ASan and UBSan.
 *
 * Input: 3 header bytes, then the stream.
 *   byte 0: maxline: 1..200 for values below 200, else one of 0 (the default, 64 MiB), 4095,
 *           4096, 65536, 2^20-1, 2^20, 2^20+1, 3*2^19 (around LR_BUFSIZE, for the big runs);
 *   byte 1: seed of the read sizes: every read(2) of the reader returns a size drawn from
 *           {1, 2, 3, 5, 8, 64, 4095, 4096, 65536, all} (never more than asked or left);
 *   byte 2: bit 0: timeout_ms set (poll(2) before each read); bit 1: some reads fail with
 *           EINTR (retried); bit 2: one read fails with EINTR while sig_caught is set
 *           (LR_INTR; sig_caught cleared, then reading goes on); bit 3: the stream is a memfd
 *           opened with lr_open by its /proc/self/fd name, read by the kernel's read(2).
 * read(2) is replaced in this program (below) for one descriptor, so that the boundaries are
 * the same on every run of an input: a pipe's would depend on the scheduler.
 * Invariants:
 *   - the pieces returned, each LR_LINE followed by '\n', are the stream with a final '\n'
 *     added when it had none (and no byte more or less);
 *   - a line of at most maxline bytes comes whole as one LR_LINE, and only a line longer than
 *     maxline comes as LR_CHUNK pieces (each at most maxline+1 bytes, not empty), ending with
 *     an LR_LINE: an LR_CHUNK is never followed by LR_EOF;
 *   - lineno counts lines from 1, pieces counts the LR_CHUNKs of the line, bytes all bytes;
 *   - after LR_EOF, LR_EOF again. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lineread.h"
#include "sig.h"

#include "fuzz.h"

static int fake_fd = -1;
static const char *feed;
static size_t feed_len, feed_pos;
static uint32_t rng;
static int eintr_every, intr_once, reads;

static uint32_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The reader's reads come from feed[] in sizes from the seed; every other descriptor is the
 * kernel's. */
ssize_t
read(int fd, void *buf, size_t n)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 8, 64, 4095, 4096, 65536, (size_t)-1 };
	size_t k;

	if (fd != fake_fd || fd < 0)
		return syscall(SYS_read, fd, buf, n);
	reads++;
	if (intr_once && reads == 3) {
		intr_once = 0;
		sig_caught = SIGINT;
		errno = EINTR;
		return -1;
	}
	if (eintr_every && reads % eintr_every == 0) {
		errno = EINTR;
		return -1;
	}
	k = sizes[next_rand() % (sizeof sizes / sizeof *sizes)];
	if (k > n)
		k = n;
	if (k > feed_len - feed_pos)
		k = feed_len - feed_pos;
	memcpy(buf, feed + feed_pos, k);
	feed_pos += k;
	return (ssize_t)k;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fake_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);	/* a number of our own; poll says readable */
	return fake_fd < 0 ? -1 : 0;
}

static size_t
pick_maxline(uint8_t b)
{
	static const size_t big[] = { 0, 4095, 4096, 65536, (1u << 20) - 1, 1u << 20, (1u << 20) + 1, 3u << 19 };

	return b < 200 ? (size_t)b + 1 : big[(b - 200) % (sizeof big / sizeof *big)];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linereader lr;
	size_t maxline, eff, out_len = 0, pos = 0, line_start = 0, line_len, lines = 0, k;
	char *out, *line;
	size_t len;
	int r, prev = LR_LINE, piece_of_line = 0;
	unsigned chunks = 0;

	if (size < 3)
		return 0;
	maxline = pick_maxline(data[0]);
	rng = 0x9e3779b9u ^ ((uint32_t)data[1] << 8) ^ data[2];
	eintr_every = data[2] & 2 ? 2 + data[1] % 5 : 0;
	intr_once = !!(data[2] & 4);
	reads = 0;
	sig_caught = 0;
	feed = (const char *)data + 3;
	feed_len = size - 3;
	feed_pos = 0;

	if (data[2] & 8) {
		static int mfd = -1;
		char path[64];

		if (mfd < 0 && (mfd = memfd_create("fuzz_lineread", MFD_CLOEXEC)) < 0)
			abort();
		FUZZ_CHECK(ftruncate(mfd, 0) == 0 && pwrite(mfd, feed, feed_len, 0) == (ssize_t)feed_len, "memfd");
		snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
		FUZZ_CHECK(lr_open(&lr, path, maxline) == 0 && lr.owned, "lr_open(%s)", path);
		intr_once = 0;	/* the kernel's reads: nothing injected */
	} else {
		lr_init_fd(&lr, fake_fd, "fuzz", maxline);
	}
	eff = lr.maxline;
	if (data[2] & 1)
		lr.timeout_ms = 1000;
	out = malloc(feed_len + 2);
	for (;;) {
		r = lr_next(&lr, &line, &len);
		if (r == LR_INTR) {
			FUZZ_CHECK(sig_caught == SIGINT, "LR_INTR without a signal");
			sig_caught = 0;
			continue;
		}
		FUZZ_CHECK(r == LR_LINE || r == LR_CHUNK || r == LR_EOF, "lr_next: %d", r);
		if (r == LR_EOF) {
			FUZZ_CHECK(prev != LR_CHUNK,
			    "LR_EOF right after an LR_CHUNK: the long last line (no newline) never gets its LR_LINE");
			break;
		}
		/* the line this piece belongs to, from the stream itself */
		if (!piece_of_line) {
			const char *nl = memchr(feed + pos, '\n', feed_len - pos);
			line_start = pos;
			line_len = (nl ? (size_t)(nl - feed) : feed_len) - pos;
			lines++;
			chunks = 0;
		}
		FUZZ_CHECK(lr.lineno == lines, "lineno %llu on line %zu", (unsigned long long)lr.lineno, lines);
		FUZZ_CHECK(pos + len <= feed_len && memcmp(line, feed + pos, len) == 0, "bytes differ from the stream at %zu",
		    pos);
		memcpy(out + out_len, line, len);
		out_len += len;
		pos += len;
		if (r == LR_CHUNK) {
			FUZZ_CHECK(len > 0 && len <= eff + 1, "a piece of %zu bytes, maxline %zu", len, eff);
			FUZZ_CHECK(line_len > eff, "a line of %zu bytes in pieces, maxline %zu", line_len, eff);
			FUZZ_CHECK(lr.pieces == ++chunks, "pieces %u after %u LR_CHUNKs", lr.pieces, chunks);
			piece_of_line = 1;
		} else {
			FUZZ_CHECK(lr.pieces == chunks, "pieces %u at the LR_LINE after %u LR_CHUNKs", lr.pieces, chunks);
			FUZZ_CHECK(pos - line_start == line_len, "LR_LINE ends at %zu, the line at %zu", pos, line_start + line_len);
			if (!piece_of_line)
				FUZZ_CHECK(len <= eff, "a whole line of %zu bytes, maxline %zu", len, eff);
			out[out_len++] = '\n';
			if (pos < feed_len)
				pos++;	/* its newline */
			piece_of_line = 0;
		}
		prev = r;
	}
	FUZZ_CHECK(lr_next(&lr, &line, &len) == LR_EOF, "no LR_EOF after LR_EOF");
	FUZZ_CHECK(lr.bytes == feed_len, "bytes %llu of %zu", (unsigned long long)lr.bytes, feed_len);
	k = feed_len + (feed_len > 0 && feed[feed_len - 1] != '\n');
	FUZZ_CHECK(out_len == k && memcmp(out, feed, feed_len) == 0 && (k == feed_len || out[k - 1] == '\n'),
		    "the lines put together (%zu bytes) are not the stream (%zu bytes)", out_len, feed_len);
	lr_close(&lr);
	free(out);
	return 0;
}
