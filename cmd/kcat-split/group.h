/* group.h: the partitions a consumer group gives us, what has been written out of each, and the
 * commits of exactly that: after the outputs are flushed, on a timer, and before a revoke. */
#ifndef GROUP_H
#define GROUP_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

struct part {
	char *topic;
	int32_t partition;
	int64_t next;		/* the offset after the last message written out; -1: none yet */
	int64_t committed;	/* the last offset we committed; -1: none */
	int eof;		/* at the end of the partition, with nothing after it yet */
};

struct group {
	rd_kafka_t *rk;
	struct part *p;
	size_t n;
	size_t last;		/* where the last lookup hit: messages come in runs */
	int assigned;		/* an assignment has arrived */
	int awaiting;		/* partitions were revoked and their new assignment has not come */
	int broken;		/* the outputs failed: commit nothing more */
	int unreachable;	/* the last commit got no answer: the brokers are away */
	int closing;
	int (*sync)(void *ctx);	/* makes the outputs durable; -1 when they failed */
	/* --spool: called with new partitions before they are assigned (may set their offsets;
	 * -1: they cannot be taken safely), and with partitions being given up (lost: taken
	 * away without a revoke, so nothing of them may be committed) */
	int (*on_assign)(void *ctx, rd_kafka_topic_partition_list_t *l);
	void (*on_revoke)(void *ctx, const rd_kafka_topic_partition_list_t *l, int lost);
	void *ctx;
	uint64_t commits, rebalances;
};

/* Sets the rebalance callback on conf; g lives as long as the consumer. */
void group_setup(struct group *g, rd_kafka_conf_t *conf, int (*sync)(void *), void *ctx);
/* A message of topic/partition was written out (or rejected): next time commit offset + 1. */
void group_done_with(struct group *g, const char *topic, int32_t partition, int64_t offset);
void group_eof(struct group *g, const char *topic, int32_t partition);
/* Syncs the outputs, then commits what they hold.  -1 when the outputs failed. */
int group_checkpoint(struct group *g);
/* Commits what group_done_with recorded, without syncing (the caller made it durable). */
int group_commit(struct group *g);
/* --spool: the partition's committed offset (-1: none) and where it starts instead; a
 * start past the committed offset is committed by the next group_commit. */
void group_start_at(struct group *g, const char *topic, int32_t partition, int64_t committed, int64_t start);
/* Wakes the fetchers of the partitions not at their end.  librdkafka 2.0 stops fetching a
 * partition whose queue is over queued.max.messages.kbytes and looks again only when its broker
 * thread wakes up: after up to a second, or at once on a request to that broker.  A consumer
 * that drains the queue faster than that (kcat-split does, by far) would wait most of the time;
 * a watermark query is such a request, and costs a round trip. */
void group_nudge_fetchers(struct group *g);
/* Every assigned partition at its end (and no assignment pending): for -e. */
int group_at_end(const struct group *g);
/* "topic/partition lag ..." into buf (text) and json (members of an object). */
void group_lag(const struct group *g, char *buf, size_t len, char *json, size_t jlen);
/* Leaves the group: a last revoke (and commit), waiting at most timeout_s (2 s when the brokers
 * are away) or until a second signal.  -1 when it gave up: then rd_kafka_destroy would wait for
 * librdkafka's own timeouts, and exit(3) is the way out. */
int group_close(struct group *g, double timeout_s);

#endif
