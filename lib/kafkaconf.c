#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "kafkaconf.h"

void
kconf_init(struct kafkaconf *kc, const char *const *defaults, const char *const *locked)
{
	char err[512];

	memset(kc, 0, sizeof *kc);
	kc->conf = rd_kafka_conf_new();
	kc->tconf = rd_kafka_topic_conf_new();
	for (; defaults && defaults[0]; defaults += 2)
		if (kconf_set(kc, defaults[0], defaults[1], err, sizeof err) < 0)
			fatal(EXIT_TROUBLE, "default %s=%s: %s", defaults[0], defaults[1], err);
	kc->locked = locked;
}

int
kconf_is_secret(const char *name)
{
	return strstr(name, "password") || strstr(name, "secret") || strcmp(name, "ssl.key.pem") == 0 ||
	    strcmp(name, "sasl.oauthbearer.config") == 0;
}

static int
is_locked(const struct kafkaconf *kc, const char *name)
{
	const char *const *l;

	for (l = kc->locked; l && *l; l++)
		if (strcmp(*l, name) == 0)
			return 1;
	return 0;
}

int
kconf_set(struct kafkaconf *kc, const char *name, const char *val, char *err, size_t errlen)
{
	rd_kafka_conf_res_t r = rd_kafka_topic_conf_set(kc->tconf, name, val, err, errlen);

	if (r == RD_KAFKA_CONF_UNKNOWN)
		r = rd_kafka_conf_set(kc->conf, name, val, err, errlen);
	return r == RD_KAFKA_CONF_OK ? 0 : -1;
}

/* What the user gives (-X, -F) passes here: the tool's own settings are not theirs to change. */
static int
user_set(struct kafkaconf *kc, const char *name, const char *val, char *err, size_t errlen)
{
	if (is_locked(kc, name)) {
		snprintf(err, errlen, "set by %s itself (see its manual), not changeable", argv0);
		return -1;
	}
	return kconf_set(kc, name, val, err, errlen);
}

int
kconf_option(struct kafkaconf *kc, const char *arg, char *err, size_t errlen)
{
	char name[256];
	const char *eq = strchr(arg, '=');

	if (strcmp(arg, "list") == 0) {
		rd_kafka_conf_properties_show(stdout);
		exit(EXIT_ALLGOOD);
	}
	if (strcmp(arg, "dump") == 0) {
		kc->dump = 1;
		return 0;
	}
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name) {
		snprintf(err, errlen, "-X %s: expected property=value, list or dump", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	if (kconf_is_secret(name)) {
		snprintf(err, errlen, "-X %s: a secret on the command line is visible to every user (ps); "
		    "put it in a -F file that only you can read", name);
		return -1;
	}
	if (user_set(kc, name, eq + 1, err, errlen) < 0) {
		char why[512];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "-X %s: %s", name, why);
		return -1;
	}
	return 0;
}

struct fileread {
	struct kafkaconf *kc;
	int secrets;
};

static int
file_property(void *ctx, const char *key, const char *val, const char *where, char *err, size_t errlen)
{
	struct fileread *fr = ctx;
	char why[512];

	if (user_set(fr->kc, key, val, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", where, why);
		return -1;
	}
	fr->secrets += kconf_is_secret(key);
	return 0;
}

int
kconf_file(struct kafkaconf *kc, const char *path, char *err, size_t errlen)
{
	struct fileread fr = { kc, 0 };

	if (conf_read(path, file_property, &fr, err, errlen) < 0)
		return -1;
	return fr.secrets ? conf_check_private(path, err, errlen) : 0;
}

const char *
kconf_get(rd_kafka_conf_t *conf, const char *name, char *buf, size_t len)
{
	size_t n = len;

	if (rd_kafka_conf_get(conf, name, buf, &n) != RD_KAFKA_CONF_OK)
		buf[0] = 0;
	return buf;
}

static void
dump(const char *what, const char **kv, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		printf("%s%s = %s\n", what, kv[i], kconf_is_secret(kv[i]) && *kv[i + 1] ? "(secret)" : kv[i + 1]);
	rd_kafka_conf_dump_free(kv, n);
}

rd_kafka_conf_t *
kconf_finish(struct kafkaconf *kc, const char *brokers, char *err, size_t errlen)
{
	const char *env = getenv("KAFKA_BROKERS");
	char buf[1024];
	size_t n;

	if (!brokers && !*kconf_get(kc->conf, "bootstrap.servers", buf, sizeof buf))
		brokers = env && *env ? env : NULL;
	if (brokers && kconf_set(kc, "bootstrap.servers", brokers, err, errlen) < 0)
		return NULL;
	if (!*kconf_get(kc->conf, "bootstrap.servers", buf, sizeof buf)) {
		snprintf(err, errlen, "no brokers: give -b host:port, bootstrap.servers in -F, or KAFKA_BROKERS");
		return NULL;
	}
	if (kc->dump) {
		const char **kv = rd_kafka_conf_dump(kc->conf, &n);
		dump("", kv, n);
		kv = rd_kafka_topic_conf_dump(kc->tconf, &n);
		dump("topic.", kv, n);
		exit(EXIT_ALLGOOD);
	}
	rd_kafka_conf_set_default_topic_conf(kc->conf, kc->tconf);
	kc->tconf = NULL;
	return kc->conf;
}

void
kconf_free(struct kafkaconf *kc)
{
	if (kc->tconf)
		rd_kafka_topic_conf_destroy(kc->tconf);
	if (kc->conf)
		rd_kafka_conf_destroy(kc->conf);
	kc->conf = NULL;
	kc->tconf = NULL;
}
