#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "group.h"
#include "kafkastop.h"
#include "progress.h"

#define COMMIT_WAIT_S 10	/* longer, and the commit is given up: its messages will come again */

static struct part *
find(struct group *g, const char *topic, int32_t partition)
{
	size_t i;

	if (g->last < g->n && g->p[g->last].partition == partition && strcmp(g->p[g->last].topic, topic) == 0)
		return &g->p[g->last];
	for (i = 0; i < g->n; i++)
		if (g->p[i].partition == partition && strcmp(g->p[i].topic, topic) == 0)
			return &g->p[g->last = i];
	return NULL;
}

static void
add_parts(struct group *g, const rd_kafka_topic_partition_list_t *l)
{
	int i;

	g->p = xrealloc(g->p, (g->n + (size_t)l->cnt) * sizeof *g->p);
	for (i = 0; i < l->cnt; i++) {
		struct part *p = &g->p[g->n++];

		p->topic = xstrdup(l->elems[i].topic);
		p->partition = l->elems[i].partition;
		p->next = p->committed = -1;
		p->eof = 0;
	}
}

static void
remove_parts(struct group *g, const rd_kafka_topic_partition_list_t *l)
{
	int i;

	for (i = 0; i < l->cnt; i++) {
		struct part *p = find(g, l->elems[i].topic, l->elems[i].partition);

		if (!p)
			continue;
		free(p->topic);
		*p = g->p[--g->n];
	}
	g->last = 0;
}

static void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *l, void *opaque)
{
	struct group *g = opaque;
	int coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	rd_kafka_error_t *e = NULL;

	g->rebalances++;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		add_parts(g, l);
		if (g->on_assign && !g->broken && g->on_assign(g->ctx, l) < 0)
			g->broken = 1;	/* the main loop stops; these partitions are not taken */
		if (g->broken) {
			remove_parts(g, l);
			return;
		}
		g->assigned = 1;
		g->awaiting = 0;
		if (coop)
			e = rd_kafka_incremental_assign(rk, l);
		else
			rd_kafka_assign(rk, l);
	} else {
		/* what was written out of these partitions is committed before another member gets them */
		int lost = rd_kafka_assignment_lost(rk);

		if (!g->broken && !lost && !(g->closing && g->unreachable))
			group_checkpoint(g);
		if (g->on_revoke)
			g->on_revoke(g->ctx, l, lost || g->broken);
		remove_parts(g, l);
		g->awaiting = !coop;	/* eager: everything was revoked and an assignment follows */
		if (coop)
			e = rd_kafka_incremental_unassign(rk, l);
		else
			rd_kafka_assign(rk, NULL);
	}
	if (e) {
		warnf("rebalance: %s", rd_kafka_error_string(e));
		rd_kafka_error_destroy(e);
	}
}

void
group_setup(struct group *g, rd_kafka_conf_t *conf, int (*sync)(void *), void *ctx)
{
	memset(g, 0, sizeof *g);
	g->sync = sync;
	g->ctx = ctx;
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	rd_kafka_conf_set_opaque(conf, g);
}

void
group_done_with(struct group *g, const char *topic, int32_t partition, int64_t offset)
{
	struct part *p = find(g, topic, partition);

	if (p) {
		p->next = offset + 1;
		p->eof = 0;
	}
}

void
group_eof(struct group *g, const char *topic, int32_t partition)
{
	struct part *p = find(g, topic, partition);

	if (p)
		p->eof = 1;
}

static void
on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *l, void *opaque)
{
	(void)rk, (void)l;
	*(rd_kafka_resp_err_t *)opaque = err;
}

/* Commits l and waits for the answer: at most COMMIT_WAIT_S, less after a second signal.  Not
 * rd_kafka_commit, which waits for a coordinator as long as it takes when the brokers are down. */
static rd_kafka_resp_err_t
commit(struct group *g, rd_kafka_topic_partition_list_t *l)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(g->rk);
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__IN_PROGRESS, qerr;
	double deadline = now_seconds() + COMMIT_WAIT_S;

	if ((qerr = rd_kafka_commit_queue(g->rk, l, q, on_commit, &err)))
		err = qerr;
	while (err == RD_KAFKA_RESP_ERR__IN_PROGRESS) {
		rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 100);

		if (ev && rd_kafka_event_type(ev) == RD_KAFKA_EVENT_OFFSET_COMMIT)
			err = rd_kafka_event_error(ev);
		if (ev)
			rd_kafka_event_destroy(ev);
		else if (now_seconds() > deadline || kafka_stop_level() == STOP_NOW)
			err = RD_KAFKA_RESP_ERR__TIMED_OUT;
	}
	rd_kafka_queue_destroy(q);
	return err;
}

void
group_start_at(struct group *g, const char *topic, int32_t partition, int64_t committed, int64_t start)
{
	struct part *p = find(g, topic, partition);

	if (p) {
		p->committed = committed;
		p->next = start;
	}
}

int
group_checkpoint(struct group *g)
{
	if (g->broken || g->sync(g->ctx) < 0) {
		g->broken = 1;
		return -1;
	}
	return group_commit(g);
}

int
group_commit(struct group *g)
{
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t err;
	size_t i;

	if (g->broken)
		return -1;
	l = rd_kafka_topic_partition_list_new((int)g->n);
	for (i = 0; i < g->n; i++)
		if (g->p[i].next > g->p[i].committed)
			rd_kafka_topic_partition_list_add(l, g->p[i].topic, g->p[i].partition)->offset = g->p[i].next;
	if (l->cnt > 0) {
		/* a failed commit loses nothing: those messages are written and will be read again */
		if ((err = commit(g, l)))
			warnf("commit: %s (%s)", rd_kafka_err2str(err), g->on_assign ?
			    "the chunks since the last commit are found in the spool when the partition is next assigned" :
			    "the messages since the last commit may be read again");
		g->unreachable = err == RD_KAFKA_RESP_ERR__TIMED_OUT;
		for (i = 0; !err && i < g->n; i++)
			g->p[i].committed = g->p[i].next > g->p[i].committed ? g->p[i].next : g->p[i].committed;
		g->commits += !err;
	}
	rd_kafka_topic_partition_list_destroy(l);
	return 0;
}

#define NUDGE_WAIT_MS 100	/* the brokers are away when it takes longer: no matter */

void
group_nudge_fetchers(struct group *g)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)g->n);
	size_t i;

	for (i = 0; i < g->n; i++)	/* offsets_for_times: one request per leader, all at once */
		if (!g->p[i].eof)
			rd_kafka_topic_partition_list_add(l, g->p[i].topic, g->p[i].partition)->offset = -1;
	if (l->cnt > 0)
		(void)rd_kafka_offsets_for_times(g->rk, l, NUDGE_WAIT_MS);
	rd_kafka_topic_partition_list_destroy(l);
}

int
group_at_end(const struct group *g)
{
	size_t i;

	if (!g->assigned || g->awaiting)
		return 0;
	for (i = 0; i < g->n; i++)
		if (!g->p[i].eof)
			return 0;
	return 1;
}

void
group_lag(const struct group *g, char *buf, size_t len, char *json, size_t jlen)
{
	size_t i, b = 0, j = 0;

	buf[0] = json[0] = 0;
	for (i = 0; i < g->n && b < len && j < jlen; i++) {
		const struct part *p = &g->p[i];
		int64_t lo, hi;
		char lag[32];

		if (p->eof)
			snprintf(lag, sizeof lag, "0");
		else if (rd_kafka_get_watermark_offsets(g->rk, p->topic, p->partition, &lo, &hi) || hi < 0 ||
		    p->next < 0)
			snprintf(lag, sizeof lag, "?");
		else
			snprintf(lag, sizeof lag, "%lld", (long long)(hi - p->next));
		b += (size_t)snprintf(buf + b, len - b, "%s%s/%d %s", b ? " " : "", p->topic, p->partition, lag);
		j += (size_t)snprintf(json + j, jlen - j, "%s\"%s/%d\":%s", j ? "," : "", p->topic, p->partition,
		    *lag == '?' ? "null" : lag);
	}
}

/* rd_kafka_consumer_close_queue rather than rd_kafka_consumer_close: the wait is ours to bound,
 * so a stop never hangs in close (kcat's #308) when the brokers are gone. */
int
group_close(struct group *g, double timeout_s)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(g->rk);
	rd_kafka_error_t *e;
	int r = 0;
	double deadline = now_seconds() + (g->unreachable ? 2 : timeout_s);

	g->closing = 1;
	e = rd_kafka_consumer_close_queue(g->rk, q);

	if (e) {
		warnf("close: %s", rd_kafka_error_string(e));
		rd_kafka_error_destroy(e);
	}
	while (!e && !rd_kafka_consumer_closed(g->rk)) {
		rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 100);

		if (ev && rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE)
			on_rebalance(g->rk, rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev), g);
		if (ev)
			rd_kafka_event_destroy(ev);
		if (kafka_stop_level() == STOP_NOW || now_seconds() > deadline) {
			warnf("leaving the group takes too long: giving up (committed offsets stand)");
			r = -1;
			break;
		}
	}
	rd_kafka_queue_destroy(q);
	return e ? -1 : r;
}
