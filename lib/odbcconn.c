#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "err.h"
#include "odbcconn.h"

char *
odbc_conn_from_spec(const char *spec)
{
	char *cs;

	if (strchr(spec, '='))
		return xstrdup(spec);
	cs = xmalloc(strlen(spec) + 5);
	sprintf(cs, "DSN=%s", spec);
	return cs;
}

static int
needs_braces(const char *v)
{
	size_t n = strlen(v);

	return strpbrk(v, ";{}") != NULL || (n > 0 && (v[0] == ' ' || v[n - 1] == ' '));
}

void
odbc_conn_append(char **cs, const char *key, const char *val)
{
	size_t have = *cs ? strlen(*cs) : 0, i;
	char *p;

	/* worst case: every byte of val a doubled '}' */
	*cs = xrealloc(*cs, have + strlen(key) + 2 * strlen(val) + 5);
	p = *cs + have;
	if (have > 0 && p[-1] != ';')
		*p++ = ';';
	p += sprintf(p, "%s=", key);
	if (!needs_braces(val)) {
		strcpy(p, val);
		return;
	}
	*p++ = '{';
	for (i = 0; val[i]; i++) {
		*p++ = val[i];
		if (val[i] == '}')
			*p++ = '}';
	}
	*p++ = '}';
	*p = 0;
}

static int
is_password(const char *key, size_t n)
{
	while (n > 0 && key[0] == ' ')
		key++, n--;
	while (n > 0 && key[n - 1] == ' ')
		n--;
	return (n == 3 && strncasecmp(key, "pwd", 3) == 0) || (n == 8 && strncasecmp(key, "password", 8) == 0);
}

int
odbc_conn_has_password(const char *cs)
{
	const char *p = cs, *eq;

	/* attributes are key=value or key={value with ;}} inside}, separated by ';' */
	while (*p) {
		if (!(eq = strchr(p, '=')))
			return 0;
		if (is_password(p, (size_t)(eq - p)))
			return 1;
		p = eq + 1;
		if (*p == '{') {
			for (p++; *p && !(*p == '}' && p[1] != '}'); p += *p == '}' ? 2 : 1)
				;
			if (*p)
				p++;
		}
		p += strcspn(p, ";");
		if (*p == ';')
			p++;
	}
	return 0;
}

struct connfile {
	char *cs;
	char *password_file;
	int has_password;
};

static int
conn_key(void *ctx, const char *key, const char *val, const char *where, char *err, size_t errlen)
{
	struct connfile *f = ctx;

	if (strcmp(key, "password_file") == 0) {
		free(f->password_file);
		f->password_file = xstrdup(val);
		return 0;
	}
	if (!*key || strpbrk(key, ";{}[]=")) {
		snprintf(err, errlen, "%s: '%s' is not a connection attribute name", where, key);
		return -1;
	}
	f->has_password |= is_password(key, strlen(key));
	odbc_conn_append(&f->cs, key, val);
	return 0;
}

char *
odbc_conn_from_file(const char *path, char *err, size_t errlen)
{
	struct connfile f;
	char *pw;

	memset(&f, 0, sizeof f);
	if (conf_read(path, conn_key, &f, err, errlen) < 0 ||
	    (f.has_password && conf_check_private(path, err, errlen) < 0))
		goto fail;
	if (!f.cs) {
		snprintf(err, errlen, "%s: no connection attributes", path);
		goto fail;
	}
	if (f.password_file) {
		if (!(pw = conf_read_secret(f.password_file, err, errlen)))
			goto fail;
		odbc_conn_append(&f.cs, "PWD", pw);
		secret_free(pw);
		free(f.password_file);
	}
	return f.cs;
fail:
	free(f.cs);
	free(f.password_file);
	return NULL;
}
