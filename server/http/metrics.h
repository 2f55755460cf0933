/* metrics: request counters and a latency histogram, rendered in the
 * Prometheus text format for GET /metrics. Lock-free (atomics). */
#ifndef CLEW_METRICS_H
#define CLEW_METRICS_H

#include "../base/sbuf.h"

struct kbstate;
struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* Counts one finished request; route is one of the router's patterns. */
void metrics_request(struct metrics *m, const char *route, int status,
		     double seconds);
void metrics_diagnose(struct metrics *m);
/* Counts a page cache lookup (pagecache.h): hit 1, or a miss. */
void metrics_page_cache(struct metrics *m, int hit);
void metrics_reload(struct metrics *m, int ok);

/* Appends the exposition text; kb (may be NULL) gives the KB info. */
void metrics_render(struct metrics *m, const struct kbstate *kb,
		    struct sbuf *out);

#endif
