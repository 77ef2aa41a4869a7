#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "err.h"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

int
conf_read(const char *path, conf_cb *cb, void *ctx, char *err, size_t errlen)
{
	FILE *f;
	char *line = NULL, *k, *v, *eq, where[512];
	size_t cap = 0, lineno = 0;
	int r = 0;

	if (!(f = fopen(path, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		k = trim(line);
		if (*k == 0 || *k == '#')
			continue;
		snprintf(where, sizeof where, "%s:%zu", path, lineno);
		if (!(eq = strchr(k, '='))) {
			snprintf(err, errlen, "%s: expected key=value", where);
			r = -1;
			break;
		}
		*eq = 0;
		v = trim(eq + 1);
		k = trim(k);
		r = cb(ctx, k, v, where, err, errlen);
	}
	if (r == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		r = -1;
	}
	free(line);
	fclose(f);
	return r;
}

int
conf_check_private(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: holds a secret but is readable by others (chmod 600 it)", path);
		return -1;
	}
	return 0;
}

char *
conf_read_secret(const char *path, char *err, size_t errlen)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (conf_check_private(path, err, errlen) < 0)
		return NULL;
	if (!(f = fopen(path, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		snprintf(err, errlen, "%s: empty", path);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	return line;
}

struct chfile {
	struct chconf cc;
	char *password_file;
};

static int
chconf_key(void *ctx, const char *key, const char *val, const char *where, char *err, size_t errlen)
{
	struct chfile *f = ctx;
	char **dst = strcmp(key, "url") == 0 ? &f->cc.url :
	    strcmp(key, "user") == 0 ? &f->cc.user :
	    strcmp(key, "password") == 0 ? &f->cc.password :
	    strcmp(key, "password_file") == 0 ? &f->password_file : NULL;

	if (!dst) {
		snprintf(err, errlen, "%s: unknown key '%s' (url, user, password, password_file)", where, key);
		return -1;
	}
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

static void
take(char **dst, char *src)
{
	if (!*dst && src)
		*dst = src;
	else
		free(src);
}

static char *
env_dup(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? xstrdup(v) : NULL;
}

static int
chfile_fail(struct chfile *f)
{
	free(f->cc.url);
	free(f->cc.user);
	free(f->cc.password);
	free(f->password_file);
	return -1;
}

int
chconf_load(struct chconf *cc, const char *password_file, char *err, size_t errlen)
{
	struct chfile f;
	const char *cfg = getenv("CLICKHOUSE_CONFIG");
	char *pwfile;

	memset(&f, 0, sizeof f);
	if (cfg && *cfg && conf_read(cfg, chconf_key, &f, err, errlen) < 0)
		return chfile_fail(&f);
	if (f.cc.password && conf_check_private(cfg, err, errlen) < 0)
		return chfile_fail(&f);
	pwfile = password_file ? xstrdup(password_file) : env_dup("CLICKHOUSE_PASSWORD_FILE");
	take(&pwfile, f.password_file);
	f.password_file = NULL;
	if (!cc->password && pwfile) {
		if (!(cc->password = conf_read_secret(pwfile, err, errlen))) {
			free(pwfile);
			return chfile_fail(&f);
		}
	}
	free(pwfile);
	take(&cc->url, env_dup("CLICKHOUSE_URL"));
	take(&cc->user, env_dup("CLICKHOUSE_USER"));
	take(&cc->password, env_dup("CLICKHOUSE_PASSWORD"));
	take(&cc->url, f.cc.url);
	take(&cc->user, f.cc.user);
	take(&cc->password, f.cc.password);
	take(&cc->url, xstrdup("http://127.0.0.1:8123/"));
	take(&cc->user, xstrdup("default"));
	return 0;
}

void
secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}
