/* kafkalog.h: librdkafka's logs and errors on stderr as "tool: kafka: ..." lines, with the last
 * error kept so that a failure can say why (not a bare "timed out"). */
#ifndef KAFKALOG_H
#define KAFKALOG_H
#include <librdkafka/rdkafka.h>

/* verbosity: 0 (-q) fatal errors only, 1 errors, 2 (-v) librdkafka's notices, 3 (-vv) its debug. */
void kafkalog_setup(rd_kafka_conf_t *conf, int verbosity);
/* The last error librdkafka reported (served by rd_kafka_poll), "" if none. */
const char *kafkalog_last_error(void);
void kafkalog_forget(void);
/* Nonzero once librdkafka has raised a fatal error (its text is the last error). */
int kafkalog_fatal(void);

#endif
