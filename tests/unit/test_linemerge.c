/* lm_step: whole lines from several pipes, a header first, a torn tail noticed. */
#include <stdlib.h>
#include <unistd.h>

#include "linemerge.h"
#include "tap.h"

/* Writes each chunk of a source into its pipe and closes it; output goes to a temporary file. */
static char *
merge(const char *const *chunks[], int n, int header, struct linemerge *m, size_t *outlen)
{
	int fds[8], p[2], i, k;
	char path[] = "/tmp/lmtestXXXXXX", *buf = malloc(1 << 16);
	struct outbuf out;
	int fd = mkstemp(path);
	ssize_t r;

	unlink(path);
	for (i = 0; i < n; i++) {
		if (pipe(p) < 0)
			abort();
		for (k = 0; chunks[i][k]; k++)	/* small: fits in the pipe */
			if (write(p[1], chunks[i][k], strlen(chunks[i][k])) < 0)
				abort();
		close(p[1]);
		fds[i] = p[0];
	}
	ob_init(&out, fd, "out", 0);
	lm_init(m, fds, n, header);
	while (lm_step(m, &out) > 0)
		;
	ob_close(&out);	/* not owned: fd stays open for the pread below */
	r = pread(fd, buf, (1 << 16) - 1, 0);
	*outlen = r > 0 ? (size_t)r : 0;
	close(fd);
	return buf;
}

int
main(void)
{
	static const char *const a[] = { "head\nr1 a", "\nr2 a\n", NULL }, *const b[] = { "r1 b\n", "r2", " b\n", NULL };
	static const char *const torn[] = { "x\ny", NULL }, *const empty[] = { NULL };
	const char *const *two[] = { a, b }, *const *bad[] = { torn, empty };
	struct linemerge m;
	size_t n, i, nl = 0;
	char *o = merge(two, 2, 1, &m, &n);

	ok(n > 5 && memcmp(o, "head\n", 5) == 0, "source 0's first line comes first");
	for (i = 0; i < n; i++)
		nl += o[i] == '\n';
	ok(n == strlen("head\nr1 a\nr2 a\nr1 b\nr2 b\n") && nl == 5 && m.lines == 5, "every line once (%zu bytes)", n);
	ok(strstr(o, "r1 a\n") && strstr(o, "r2 a\n") && strstr(o, "r1 b\n") && strstr(o, "r2 b\n"),
	    "lines whole, though written in pieces");
	ok(m.torn == 0, "nothing torn");
	lm_free(&m);
	free(o);
	o = merge(bad, 2, 0, &m, &n);
	ok(n == 2 && memcmp(o, "x\n", 2) == 0 && m.torn == 1, "a tail without its newline is not written, and counted");
	lm_free(&m);
	free(o);
	return tap_done();
}
