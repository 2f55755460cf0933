/* sink: the bounded event queue and the thread that writes it. */
#include "sink.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "event.h"
#include "store.h"

/* Waits between tries to reach a store that is down: from the first to
 * the last, doubling. */
#define RETRY_FIRST_MS 100
#define RETRY_LAST_MS 5000
/* A batch is written once it is full, or this long after its first event
 * was queued: one transaction for many events, whatever the rate. */
#define GATHER_MS 500

/* A queued event lives in its slot, its strings in the slot's buffer:
 * no allocation per event, and none freed by another thread than the one
 * that made it (glibc makes such frees dear). An event too large for the
 * buffer is a packed copy on the heap (big). */
#define SLOT_BYTES 480

struct slot {
	struct ev_event ev;
	struct ev_event *big;
	char buf[SLOT_BYTES];
};

struct ev_sink {
	char *dsn;
	struct ev_sink_opts opts;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* events queued, or stop */
	struct slot *ring;         /* opts.queue slots */
	size_t head, count;
	int stopping;
	long long deadline;        /* while stopping: give up at (ms, monotonic) */
	struct ev_sink_stats st;   /* under lock */
	struct ev_store *store;    /* the thread's */
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct ev_sink *s, const char *fmt, const char *detail)
{
	if (!s->opts.quiet)
		fprintf(stderr, fmt, detail);
}

/* Waits (lock held) until the monotonic time until_ms, or a wake-up. */
static void pause_until(struct ev_sink *s, long long until_ms)
{
	struct timespec ts = { (time_t)(until_ms / 1000), (long)(until_ms % 1000) * 1000000L };

	pthread_cond_timedwait(&s->wake, &s->lock, &ts);
}

/* Waits up to ms for a stop (lock held); returns 1 when the sink is
 * stopping and past its deadline. */
static int pause_ms(struct ev_sink *s, long ms)
{
	struct timespec until;
	long long now = mono_ms();

	if (s->stopping && now + ms > s->deadline)
		ms = (long)(s->deadline - now);
	if (ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
	}
	return s->stopping && mono_ms() >= s->deadline;
}

/* Drops the first n queued events (lock held). */
static void take(struct ev_sink *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t at = (s->head + i) % s->opts.queue;

		ev_event_free(s->ring[at].big);
		s->ring[at].big = NULL;
	}
	s->head = (s->head + n) % s->opts.queue;
	s->count -= n;
	s->st.queued = s->count;
}

static void *writer(void *arg)
{
	struct ev_sink *s = arg;
	struct ev_event **batch = xmalloc(s->opts.batch * sizeof(*batch));
	struct sbuf err = SBUF_INIT;
	long retry = RETRY_FIRST_MS;
	int said_down = 0;
	long long next_expire = 0;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		/* Of the batch's k events, the first `settled` were written,
		 * ignored or refused; `down` when the store failed on the rest. */
		size_t k, settled, refused = 0;
		long stored, written = 0;
		int down;

		while (!s->count && !s->stopping)
			pthread_cond_wait(&s->wake, &s->lock);
		/* Gather a batch; producers wake this thread when it is
		 * full (or on stop). */
		if (s->count < s->opts.batch && !s->stopping && !said_down) {
			long long until = mono_ms() + GATHER_MS;

			while (s->count < s->opts.batch && !s->stopping && mono_ms() < until)
				pause_until(s, until);
		}
		if (!s->count || (s->stopping && mono_ms() >= s->deadline))
			break;
		k = s->count < s->opts.batch ? s->count : s->opts.batch;
		for (size_t i = 0; i < k; i++) {
			struct slot *sl = &s->ring[(s->head + i) % s->opts.queue];

			batch[i] = sl->big ? sl->big : &sl->ev;
		}
		pthread_mutex_unlock(&s->lock);

		sbuf_reset(&err);
		if (!s->store)
			s->store = ev_store_open(s->dsn, &err);
		stored = s->store ? ev_store_write(s->store, batch, k, &err) : EV_STORE_DOWN;
		settled = stored >= 0 ? k : 0;
		written = stored >= 0 ? stored : 0;
		/* A batch the store refuses: one by one, so that only the
		 * events it will never take are lost (and counted). */
		if (stored == EV_STORE_REFUSED) {
			for (; settled < k; settled++) {
				long one = ev_store_write(s->store, &batch[settled], 1, &err);

				if (one == EV_STORE_DOWN)
					break;
				if (one == EV_STORE_REFUSED)
					refused++;
				else
					written += one;
			}
			if (refused && !s->opts.quiet)
				fprintf(stderr, "clew: %zu event(s) refused by the store and "
					"lost: %s\n", refused, err.buf);
		}
		down = settled < k;
		if (!down && s->opts.retention_days > 0 && mono_ms() >= next_expire) {
			struct sbuf xerr = SBUF_INIT;

			if (ev_store_expire(s->store, wall_ms() -
					    (long long)s->opts.retention_days * 86400000LL, &xerr) < 0)
				say(s, "clew: events older than the retention were not deleted: %s\n",
				    xerr.buf);
			sbuf_release(&xerr);
			next_expire = mono_ms() + 3600 * 1000LL;
		}

		pthread_mutex_lock(&s->lock);
		s->st.written += (unsigned long)written;
		s->st.lost += refused;
		s->st.ignored += settled - refused - (size_t)written;
		take(s, settled);
		if (!down) {
			s->st.up = 1;
			if (said_down)
				say(s, "clew: events store is back%s\n", "");
			said_down = 0;
			retry = RETRY_FIRST_MS;
			continue;
		}
		s->st.up = 0;
		if (!said_down)
			say(s, "clew: events are queued, not stored: %s\n", err.buf);
		said_down = 1;
		ev_store_free(s->store);
		s->store = NULL;
		if (pause_ms(s, retry))
			break;
		retry = retry * 2 > RETRY_LAST_MS ? RETRY_LAST_MS : retry * 2;
	}
	s->st.lost += s->count;
	take(s, s->count);
	pthread_mutex_unlock(&s->lock);
	ev_store_free(s->store);
	s->store = NULL;
	sbuf_release(&err);
	free(batch);
	return NULL;
}

struct ev_sink *ev_sink_new(const char *dsn, const struct ev_sink_opts *opts,
			    struct sbuf *err)
{
	struct ev_sink *s = xcalloc(1, sizeof(*s));
	struct sbuf why = SBUF_INIT;

	if (opts)
		s->opts = *opts;
	if (!s->opts.queue)
		s->opts.queue = 10000;
	if (!s->opts.batch)
		s->opts.batch = 1000;
	s->dsn = xstrdup(dsn);
	s->store = ev_store_open(dsn, &why);
	if (!s->store) {
		if (!ev_store_dsn_is_postgres(dsn)) {
			sbuf_add(err, why.buf, why.len);
			goto fail;
		}
		say(s, "clew: the events store does not answer yet (events are queued "
		       "until it does): %s\n", why.buf);
	} else
		s->st.up = 1;
	s->ring = xcalloc(s->opts.queue, sizeof(*s->ring));
	pthread_mutex_init(&s->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&s->thread, NULL, writer, s)) {
		sbuf_addf(err, "cannot start the events thread: %s", strerror(errno));
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		goto fail;
	}
	sbuf_release(&why);
	return s;
fail:
	sbuf_release(&why);
	ev_store_free(s->store);
	free(s->ring);
	free(s->dsn);
	free(s);
	return NULL;
}

/* Copies e into slot sl (lock held): its strings into the slot's buffer
 * when they fit, else a packed copy on the heap. */
static void fill_slot(struct slot *sl, const struct ev_event *e)
{
	size_t size = 0;
	char *at = sl->buf;

#define SIZE_ONE(f) size += e->f ? strlen(e->f) + 1 : 0;
	SIZE_ONE(kb) SIZE_ONE(session) SIZE_ONE(article) SIZE_ONE(answers)
	SIZE_ONE(tried) SIZE_ONE(question) SIZE_ONE(step) SIZE_ONE(result)
	SIZE_ONE(reason) SIZE_ONE(query)
#undef SIZE_ONE
	if (size > SLOT_BYTES) {
		sl->big = ev_event_packed_copy(e);
		return;
	}
	sl->big = NULL;
	sl->ev = *e;
	sl->ev.packed = 1;
#define COPY_ONE(f)                                                            \
	if (e->f) {                                                            \
		size_t n = strlen(e->f) + 1;                                   \
		memcpy(at, e->f, n);                                           \
		sl->ev.f = at;                                                 \
		at += n;                                                       \
	}
	COPY_ONE(kb) COPY_ONE(session) COPY_ONE(article) COPY_ONE(answers)
	COPY_ONE(tried) COPY_ONE(question) COPY_ONE(step) COPY_ONE(result)
	COPY_ONE(reason) COPY_ONE(query)
#undef COPY_ONE
}

int ev_sink_push_copy(struct ev_sink *s, const struct ev_event *e)
{
	int ret = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (s->stopping || s->count == s->opts.queue) {
		s->st.dropped++;
		ret = -1;
	} else {
		fill_slot(&s->ring[(s->head + s->count) % s->opts.queue], e);
		s->count++;
		s->st.queued = s->count;
		/* The writer waits for a first event, then for a full batch. */
		if (s->count == 1 || s->count == s->opts.batch)
			pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int ev_sink_push(struct ev_sink *s, struct ev_event *e)
{
	int ret = ev_sink_push_copy(s, e);

	ev_event_free(e);
	return ret;
}

void ev_sink_stats(struct ev_sink *s, struct ev_sink_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

unsigned long ev_sink_free(struct ev_sink *s, long timeout_ms)
{
	unsigned long lost;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	s->deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	lost = s->st.lost;
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s->dsn);
	free(s);
	return lost;
}

void ev_sink_metrics(struct ev_sink *s, struct sbuf *out)
{
	struct ev_sink_stats st = { 0 };

	if (s)
		ev_sink_stats(s, &st);
	sbuf_addf(out,
		  "# HELP clew_events_written_total Events stored.\n"
		  "# TYPE clew_events_written_total counter\n"
		  "clew_events_written_total %lu\n"
		  "# HELP clew_events_ignored_total Events the store refused as duplicates.\n"
		  "# TYPE clew_events_ignored_total counter\n"
		  "clew_events_ignored_total %lu\n"
		  "# HELP clew_events_dropped_total Events not stored, by reason.\n"
		  "# TYPE clew_events_dropped_total counter\n"
		  "clew_events_dropped_total{reason=\"queue_full\"} %lu\n"
		  "clew_events_dropped_total{reason=\"lost\"} %lu\n"
		  "# HELP clew_events_queued Events waiting to be stored.\n"
		  "# TYPE clew_events_queued gauge\n"
		  "clew_events_queued %lu\n"
		  "# HELP clew_events_store_up 1 while the events store takes writes.\n"
		  "# TYPE clew_events_store_up gauge\n"
		  "clew_events_store_up %d\n",
		  st.written, st.ignored, st.dropped, st.lost, st.queued, s ? st.up : 0);
}
