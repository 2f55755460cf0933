/* sink: where clew serve sends events. A bounded in-memory queue, written
 * to the event store (store.h) in batches by one thread of its own, so
 * that recording never blocks a request: when the store is slow or down,
 * events wait in the queue, and what does not fit is dropped and counted;
 * the thread reconnects when the store is back. */
#ifndef CLEW_EV_SINK_H
#define CLEW_EV_SINK_H

#include <stddef.h>

struct ev_event;
struct sbuf;

struct ev_sink_opts {
	size_t queue;       /* events held at most; 0: 10000 */
	size_t batch;       /* events per transaction at most; 0: 1000 */
	int retention_days; /* events older are deleted (hourly); 0: kept */
	int quiet;          /* 1: no messages on stderr */
};

struct ev_sink_stats {
	unsigned long written;   /* stored */
	unsigned long ignored;   /* refused by the store as duplicates */
	unsigned long dropped;   /* not stored: the queue was full */
	unsigned long lost;      /* not stored: still queued at exit, or
				  * refused by the store (a value it will
				  * never take) */
	unsigned long queued;    /* waiting now */
	int up;                  /* 1 while the store is open and writing */
};

struct ev_sink;

/* Starts a sink writing to the store dsn names (store.h). The store is
 * opened once here: an SQLite store that cannot be opened is an error
 * (NULL, the reason in err); a PostgreSQL one that does not answer yet is
 * a warning, and the sink keeps trying in the background. */
struct ev_sink *ev_sink_new(const char *dsn, const struct ev_sink_opts *opts,
			    struct sbuf *err);

/* Queues e, taking it over. Returns 0, or -1 when the queue is full or the
 * sink is stopping (e is freed and counted as dropped). NULL sink: frees e
 * and returns 0 (recording is off). Safe from any thread. */
int ev_sink_push(struct ev_sink *s, struct ev_event *e);

/* As ev_sink_push, with e copied (it stays the caller's; its strings may
 * be borrowed): for events built on the stack, with no allocation. */
int ev_sink_push_copy(struct ev_sink *s, const struct ev_event *e);

void ev_sink_stats(struct ev_sink *s, struct ev_sink_stats *out);

/* Writes what is queued, waiting at most timeout_ms for the store, then
 * stops the thread and frees the sink; what could not be written is
 * counted as lost and returned. NULL is a no-op (returns 0). */
unsigned long ev_sink_free(struct ev_sink *s, long timeout_ms);

/* Appends the Prometheus text for s (NULL: recording off). */
void ev_sink_metrics(struct ev_sink *s, struct sbuf *out);

#endif
