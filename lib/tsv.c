#include <string.h>

#include "tsv.h"

/* 0: copy; otherwise the letter after the backslash */
static const unsigned char tsv_esc_letter[256] = {
	['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r',
	['\0'] = '0', ['\b'] = 'b', ['\f'] = 'f',
};

size_t
tsv_escape(char *dst, const char *src, size_t n)
{
	char *d = dst;
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char e = tsv_esc_letter[(unsigned char)src[i]];

		if (!e)
			continue;
		memcpy(d, src + run, i - run);
		d += i - run;
		*d++ = '\\';
		*d++ = (char)e;
		run = i + 1;
	}
	memcpy(d, src + run, n - run);
	d += n - run;
	return (size_t)(d - dst);
}

int
tsv_needs_escape(const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tsv_esc_letter[(unsigned char)src[i]])
			return 1;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
tsv_unescape(char *dst, const char *src, size_t n)
{
	char *d = dst;
	size_t i;

	for (i = 0; i < n; i++) {
		if (src[i] != '\\') {
			*d++ = src[i];
			continue;
		}
		if (++i == n)
			return -1;
		switch (src[i]) {
		case 't': *d++ = '\t'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case '0': *d++ = '\0'; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'a': *d++ = '\a'; break;
		case 'v': *d++ = '\v'; break;
		case '\\': case '\'': case '"': *d++ = src[i]; break;
		case 'x':
			if (i + 2 >= n || hexval(src[i + 1]) < 0 || hexval(src[i + 2]) < 0)
				return -1;
			*d++ = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
			i += 2;
			break;
		default:
			return -1;
		}
	}
	return (long)(d - dst);
}
