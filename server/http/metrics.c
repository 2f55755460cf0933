/* metrics: request counters and a latency histogram for GET /metrics. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "kbstate.h"
#include "pagecache.h"

/* The routes and statuses counted; anything else lands on "other". */
static const char *const routes[] = {
	"/", "/articles/{slug}", "/search", "/search/open", "/wizard", "/wizard/detect", "/wizard/tree",
	"/static/{file}", "/embed.js", "/healthz", "/metrics",
	"/api/v1/articles", "/api/v1/articles/{slug}", "/api/v1/search",
	"/api/v1/questions", "/api/v1/messages", "/api/v1/diagnose", "/api/v1/probe/bluetooth",
	"/api/v1/events", "/api/v1/admin/{table}", "/admin",
	"other",
};
static const int statuses[] = { 200, 202, 204, 303, 304, 400, 401, 403, 404, 405,
				413, 414, 415, 429, 500, 503, 0 };
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				  0.05, 0.1, 0.25, 0.5, 1, 2.5 };

#define NR_ROUTES (sizeof(routes) / sizeof(*routes))
#define NR_STATUSES (sizeof(statuses) / sizeof(*statuses))
#define NR_BUCKETS (sizeof(buckets) / sizeof(*buckets))

struct metrics {
	atomic_ulong requests[NR_ROUTES][NR_STATUSES];
	atomic_ulong bucket[NR_BUCKETS + 1]; /* the last is +Inf */
	atomic_ulong latency_us;
	atomic_ulong count;
	atomic_ulong diagnoses;
	atomic_ulong page_hits, page_misses;
	atomic_ulong reloads_ok, reloads_failed;
};

struct metrics *metrics_new(void)
{
	return xcalloc(1, sizeof(struct metrics));
}

void metrics_free(struct metrics *m)
{
	free(m);
}

static size_t route_index(const char *route)
{
	for (size_t i = 0; i + 1 < NR_ROUTES; i++)
		if (!strcmp(routes[i], route))
			return i;
	return NR_ROUTES - 1;
}

static size_t status_index(int status)
{
	for (size_t i = 0; i + 1 < NR_STATUSES; i++)
		if (statuses[i] == status)
			return i;
	return NR_STATUSES - 1;
}

void metrics_request(struct metrics *m, const char *route, int status,
		     double seconds)
{
	size_t b = 0;

	atomic_fetch_add(&m->requests[route_index(route)][status_index(status)], 1);
	while (b < NR_BUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&m->bucket[b], 1);
	atomic_fetch_add(&m->latency_us, (unsigned long)(seconds * 1e6));
	atomic_fetch_add(&m->count, 1);
}

void metrics_diagnose(struct metrics *m)
{
	atomic_fetch_add(&m->diagnoses, 1);
}

void metrics_page_cache(struct metrics *m, int hit)
{
	if (m)
		atomic_fetch_add(hit ? &m->page_hits : &m->page_misses, 1);
}

void metrics_reload(struct metrics *m, int ok)
{
	atomic_fetch_add(ok ? &m->reloads_ok : &m->reloads_failed, 1);
}

void metrics_render(struct metrics *m, const struct kbstate *kb,
		    struct sbuf *out)
{
	unsigned long cumulative = 0;

	sbuf_adds(out, "# HELP clew_http_requests_total HTTP requests by route and status.\n"
		       "# TYPE clew_http_requests_total counter\n");
	for (size_t r = 0; r < NR_ROUTES; r++)
		for (size_t s = 0; s < NR_STATUSES; s++) {
			unsigned long n = atomic_load(&m->requests[r][s]);

			if (!n)
				continue;
			if (statuses[s])
				sbuf_addf(out, "clew_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n",
					  routes[r], statuses[s], n);
			else
				sbuf_addf(out, "clew_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
					  routes[r], n);
		}
	sbuf_adds(out, "# HELP clew_http_request_duration_seconds Time to answer a request.\n"
		       "# TYPE clew_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= NR_BUCKETS; b++) {
		cumulative += atomic_load(&m->bucket[b]);
		if (b < NR_BUCKETS)
			sbuf_addf(out, "clew_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
				  buckets[b], cumulative);
		else
			sbuf_addf(out, "clew_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n",
				  cumulative);
	}
	sbuf_addf(out, "clew_http_request_duration_seconds_sum %.6f\n",
		  (double)atomic_load(&m->latency_us) / 1e6);
	sbuf_addf(out, "clew_http_request_duration_seconds_count %lu\n",
		  atomic_load(&m->count));
	sbuf_addf(out, "# HELP clew_diagnoses_total Diagnoses served.\n"
		       "# TYPE clew_diagnoses_total counter\n"
		       "clew_diagnoses_total %lu\n", atomic_load(&m->diagnoses));
	sbuf_addf(out, "# HELP clew_kb_reloads_total KB reloads by result.\n"
		       "# TYPE clew_kb_reloads_total counter\n"
		       "clew_kb_reloads_total{result=\"ok\"} %lu\n"
		       "clew_kb_reloads_total{result=\"failed\"} %lu\n",
		  atomic_load(&m->reloads_ok), atomic_load(&m->reloads_failed));
	sbuf_addf(out, "# HELP clew_page_cache_lookups_total Page cache lookups by result.\n"
		       "# TYPE clew_page_cache_lookups_total counter\n"
		       "clew_page_cache_lookups_total{result=\"hit\"} %lu\n"
		       "clew_page_cache_lookups_total{result=\"miss\"} %lu\n",
		  atomic_load(&m->page_hits), atomic_load(&m->page_misses));
	if (kb && kb->pages) {
		size_t entries, bytes;

		pagecache_stats(kb->pages, &entries, &bytes);
		sbuf_addf(out, "# HELP clew_page_cache_entries Pages kept for the KB being served.\n"
			       "# TYPE clew_page_cache_entries gauge\n"
			       "clew_page_cache_entries %zu\n"
			       "# HELP clew_page_cache_bytes Bytes those pages hold (with their compressed copies).\n"
			       "# TYPE clew_page_cache_bytes gauge\n"
			       "clew_page_cache_bytes %zu\n", entries, bytes);
	}
	if (kb) {
		/* Hash and time are hex and ISO 8601: no label escaping needed. */
		sbuf_addf(out, "# HELP clew_kb_info The KB being served.\n"
			       "# TYPE clew_kb_info gauge\n"
			       "clew_kb_info{content_hash=\"%s\",built_at=\"%s\",schema_version=\"%s\"} 1\n"
			       "# HELP clew_kb_articles Articles in the KB being served.\n"
			       "# TYPE clew_kb_articles gauge\n"
			       "clew_kb_articles %d\n",
			  kb->content_hash, kb->built_at,
			  kb->schema_version ? kb->schema_version : "", kb->nr_articles);
	}
}
