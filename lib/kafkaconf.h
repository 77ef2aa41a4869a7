/* kafkaconf.h: librdkafka properties from -b, -X and -F as kcat takes them, with the secrets
 * (passwords, keys) accepted only from a private -F file, so that ps shows none. */
#ifndef KAFKACONF_H
#define KAFKACONF_H
#include <stddef.h>
#include <stdio.h>
#include <librdkafka/rdkafka.h>

struct kafkaconf {
	rd_kafka_conf_t *conf;
	rd_kafka_topic_conf_t *tconf;	/* topic-level defaults, attached by kconf_finish */
	const char *const *locked;	/* properties the tool sets itself and the user may not */
	int dump;			/* -X dump seen: kconf_finish prints the result and exits */
};

/* defaults and locked: NULL-terminated lists; defaults is name, value, name, value, ... set before
 * anything the user gives; locked names are refused from -X and -F. */
void kconf_init(struct kafkaconf *kc, const char *const *defaults, const char *const *locked);
/* One property, topic level tried first as kcat does.  0, or -1 with a reason in err. */
int kconf_set(struct kafkaconf *kc, const char *name, const char *val, char *err, size_t errlen);
/* -X name=value, or -X list (print every property and exit) or -X dump.  Refuses secrets. */
int kconf_option(struct kafkaconf *kc, const char *arg, char *err, size_t errlen);
/* -F file of name=value lines ('#' comments); a file that holds a secret must be private. */
int kconf_file(struct kafkaconf *kc, const char *path, char *err, size_t errlen);
/* Nonzero for a property whose value is a secret. */
int kconf_is_secret(const char *name);
/* Brokers: -b when given, else what -F/-X set, else $KAFKA_BROKERS.  Returns the global
 * configuration with the topic defaults attached (kc is spent), or NULL with err. */
rd_kafka_conf_t *kconf_finish(struct kafkaconf *kc, const char *brokers, char *err, size_t errlen);
/* Frees what kconf_finish did not take (the whole configuration if it was not called). */
void kconf_free(struct kafkaconf *kc);
/* The value of a global property into buf; "" when unset or unknown. */
const char *kconf_get(rd_kafka_conf_t *conf, const char *name, char *buf, size_t len);

#endif
