/* topiclimit.h: the largest message a topic takes (its max.message.bytes, as the brokers report
 * it), so that a line too large is rejected here with its reason rather than failing at the broker
 * with the batch it travelled in. */
#ifndef TOPICLIMIT_H
#define TOPICLIMIT_H
#include <stddef.h>
#include <librdkafka/rdkafka.h>

/* -1 with a reason in err when the brokers cannot say (no such topic yet, no access, timeout). */
long long topic_max_message_bytes(rd_kafka_conf_t *conf, const char *topic, int timeout_ms,
    char *err, size_t errlen);

#endif
