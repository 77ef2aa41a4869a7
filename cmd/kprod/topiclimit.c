#include <stdio.h>
#include <string.h>

#include "numconv.h"
#include "topiclimit.h"

static long long
find_limit(rd_kafka_event_t *ev, char *err, size_t errlen)
{
	const rd_kafka_DescribeConfigs_result_t *res = rd_kafka_event_DescribeConfigs_result(ev);
	const rd_kafka_ConfigResource_t **rs;
	const rd_kafka_ConfigEntry_t **ents;
	const char *why;
	size_t n, i;
	long long v;

	if (rd_kafka_event_error(ev) || !res) {
		snprintf(err, errlen, "%s", rd_kafka_event_error_string(ev));
		return -1;
	}
	rs = rd_kafka_DescribeConfigs_result_resources(res, &n);
	if (n != 1 || rd_kafka_ConfigResource_error(rs[0])) {
		snprintf(err, errlen, "%s", n ? rd_kafka_ConfigResource_error_string(rs[0]) : "no answer");
		return -1;
	}
	ents = rd_kafka_ConfigResource_configs(rs[0], &n);
	for (i = 0; i < n; i++) {
		const char *val = rd_kafka_ConfigEntry_value(ents[i]);

		if (strcmp(rd_kafka_ConfigEntry_name(ents[i]), "max.message.bytes") != 0 || !val)
			continue;
		v = parse_count(val, 1, 1LL << 31, &why);
		if (why) {
			snprintf(err, errlen, "max.message.bytes %s: %s", val, why);
			return -1;
		}
		return v;
	}
	snprintf(err, errlen, "the brokers did not report max.message.bytes");
	return -1;
}

long long
topic_max_message_bytes(rd_kafka_conf_t *conf, const char *topic, int timeout_ms, char *err, size_t errlen)
{
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_dup(conf), err, errlen);
	rd_kafka_ConfigResource_t *res;
	rd_kafka_AdminOptions_t *opt;
	rd_kafka_queue_t *q;
	rd_kafka_event_t *ev;
	long long v = -1;

	if (!rk)
		return -1;
	q = rd_kafka_queue_new(rk);
	res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
	opt = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
	rd_kafka_AdminOptions_set_request_timeout(opt, timeout_ms, NULL, 0);
	rd_kafka_DescribeConfigs(rk, &res, 1, opt, q);
	if ((ev = rd_kafka_queue_poll(q, timeout_ms + 1000))) {
		v = find_limit(ev, err, errlen);
		rd_kafka_event_destroy(ev);
	} else
		snprintf(err, errlen, "no answer in %d ms", timeout_ms);
	rd_kafka_AdminOptions_destroy(opt);
	rd_kafka_ConfigResource_destroy(res);
	rd_kafka_queue_destroy(q);
	rd_kafka_destroy(rk);
	return v;
}
