/* conf.h: settings from the environment and from private config files, so that secrets
 * need not be on a command line (where ps shows them to every user). */
#ifndef CONF_H
#define CONF_H
#include <stddef.h>

/* Calls cb for each "key = value" line of path ('#' comments, blank lines and spaces around '='
 * allowed).  cb returns 0 to go on, -1 to stop (having written err).  "where" is "path:line". */
typedef int conf_cb(void *ctx, const char *key, const char *val, const char *where, char *err, size_t errlen);
int conf_read(const char *path, conf_cb *cb, void *ctx, char *err, size_t errlen);
/* 0 when path is a regular file that only its owner can read; -1 with a reason otherwise. */
int conf_check_private(const char *path, char *err, size_t errlen);
/* First line of a private file, without its newline; NULL with a reason in err. */
char *conf_read_secret(const char *path, char *err, size_t errlen);
/* Wipes a string that held a secret, then frees it (explicit_bzero: a memset before free may
 * be optimised away, and the password would linger in freed memory). */
void secret_free(char *s);

/* Where a ClickHouse server is and who we are to it. */
struct chconf {
	char *url;		/* http[s]://host:port/ */
	char *user;
	char *password;
};
/* Precedence: what the caller already set (command line) > environment (CLICKHOUSE_URL,
 * CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_PASSWORD_FILE) > the file named by
 * CLICKHOUSE_CONFIG (keys url, user, password, password_file; must be private if it holds a
 * password) > http://127.0.0.1:8123/ as user default. */
int chconf_load(struct chconf *cc, const char *password_file, char *err, size_t errlen);

#endif
