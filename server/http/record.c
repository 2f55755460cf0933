/* record: events from requests, and the per-client rate that bounds them. */
#include "record.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../events/event.h"
#include "../events/sink.h"
#include "app.h"
#include "kbstate.h"
#include "request.h"

/* Clients tracked at once; a new one takes the slot of the one seen
 * longest ago among those its address hashes near. */
#define SLOTS 4096
#define PROBE 8

struct bucket {
	uint64_t key;     /* hash of the address; 0: free */
	double tokens;
	double at;        /* when tokens was counted (s, monotonic) */
};

/* Votes remembered, to take one a day from a client on an article. */
#define VOTE_SLOTS 8192
#define VOTE_MEMORY_S 86400.0

struct vote_seen {
	uint64_t key;     /* hash of address and article; 0: free */
	double at;
};

struct record_limits {
	int rate;                 /* a minute, and at once; 0: no limit */
	pthread_mutex_t lock;
	struct bucket slots[SLOTS];
	struct vote_seen votes[VOTE_SLOTS];
	atomic_ulong limited;
};

struct record_limits *record_limits_new(int rate)
{
	struct record_limits *l = xcalloc(1, sizeof(*l));

	l->rate = rate;
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

void record_limits_free(struct record_limits *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Takes n tokens from the client's bucket; 0 when it has too few. */
static int take_tokens(struct record_limits *l, const char *client, int n)
{
	uint64_t key = text_hash(TEXT_HASH_INIT, client, strlen(client)) | 1;
	double now = now_s();
	struct bucket *b = NULL, *oldest = NULL;
	int ok;

	if (!l->rate)
		return 1;
	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < PROBE && !b; i++) {
		struct bucket *s = &l->slots[(key + (uint64_t)i) % SLOTS];

		if (s->key == key)
			b = s;
		else if (!oldest || !s->key || (oldest->key && s->at < oldest->at))
			oldest = s;
	}
	if (!b) {
		b = oldest;
		b->key = key;
		b->tokens = l->rate;
		b->at = now;
	}
	b->tokens += (now - b->at) * l->rate / 60.0;
	if (b->tokens > l->rate)
		b->tokens = l->rate;
	b->at = now;
	ok = b->tokens >= n;
	if (ok)
		b->tokens -= n;
	pthread_mutex_unlock(&l->lock);
	if (!ok)
		atomic_fetch_add(&l->limited, (unsigned long)n);
	return ok;
}

int record_rate(struct http_request *req, int n)
{
	return take_tokens(req->app->record_limits, req->client_ip ? req->client_ip : "", n);
}

int record_allowed(struct http_request *req, int n)
{
	const struct app *app = req->app;
	const char *site = req->sec_fetch_site;

	if (!app->events || !req->kb || !strcmp(req->method, "HEAD"))
		return 0;
	/* A page of another site may make the browser ask for ours (an
	 * <img>, a fetch, a hidden frame); what it asks for records nothing.
	 * A reader following a link from another site (a top-level page
	 * load) is a reader. */
	if (site && strcmp(site, "same-origin") && strcmp(site, "same-site") &&
	    strcmp(site, "none") &&
	    !(req->sec_fetch_mode && !strcmp(req->sec_fetch_mode, "navigate") &&
	      req->sec_fetch_dest && !strcmp(req->sec_fetch_dest, "document")))
		return 0;
	return record_rate(req, n);
}

int record_first_vote(struct http_request *req, const char *slug)
{
	struct record_limits *l = req->app->record_limits;
	const char *ip = req->client_ip ? req->client_ip : "";
	uint64_t key = text_hash(text_hash(TEXT_HASH_INIT, ip, strlen(ip) + 1),
				 slug, strlen(slug)) | 1;
	double now = now_s();
	struct vote_seen *free_slot = NULL;
	int first = 1;

	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < PROBE; i++) {
		struct vote_seen *v = &l->votes[(key + (uint64_t)i) % VOTE_SLOTS];

		if (v->key == key && now - v->at < VOTE_MEMORY_S) {
			first = 0;
			break;
		}
		if (!free_slot || !v->key || v->at < free_slot->at)
			free_slot = v;
	}
	if (first) {
		free_slot->key = key;
		free_slot->at = now;
	}
	pthread_mutex_unlock(&l->lock);
	return first;
}

void record_event(struct http_request *req, struct ev_event *e)
{
	if (!record_allowed(req, 1)) {
		ev_event_free(e);
		return;
	}
	ev_event_set(&e->kb, req->kb->content_hash);
	ev_sink_push(req->app->events, e);
}

/* "q=v&q=v" from the document's answers object, in its order (the KB's
 * question order), without 'problem'. */
static void answers_text(struct sbuf *out, const cJSON *answers)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, answers) {
		if (!a->string || !cJSON_IsString(a) || !strcmp(a->string, "problem"))
			continue;
		if (out->len)
			sbuf_addch(out, '&');
		sbuf_addf(out, "%s=%s", a->string, a->valuestring);
	}
}

/* "ref:result,ref:result" from the document's tried list. */
static void tried_text(struct sbuf *out, const cJSON *tried)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, tried) {
		const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(t, "ref"));
		const char *res = cJSON_GetStringValue(cJSON_GetObjectItem(t, "result"));

		if (!ref || !res)
			continue;
		if (out->len)
			sbuf_addch(out, ',');
		sbuf_addf(out, "%s:%s", ref, res);
	}
}

void record_wizard(struct http_request *req, const cJSON *doc, int new_session)
{
	const char *sid = http_arg(req, "sid");
	const char *problem = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "problem"));
	const cJSON *outcome = cJSON_GetObjectItem(doc, "outcome");
	const cJSON *next = cJSON_GetObjectItem(doc, "next_action");
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(next, "type"));
	const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(outcome, "status"));
	struct sbuf answers = SBUF_INIT, tried = SBUF_INIT;
	/* Borrowed strings, copied once into the event the sink keeps: this
	 * runs on every wizard page. */
	struct ev_event e = { .kind = EV_WIZARD, .hits = -1, .rank = -1 };

	/* A session that begins on a page with steps tried or an end
	 * (a shared link, a leaf of the tree of every path) is someone
	 * looking, not someone troubleshooting: not recorded. */
	if (new_session && (status || cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tried"))))
		return;
	if (!sid || !ev_session_valid(sid) || !problem ||
	    !record_allowed(req, status ? 2 : 1))
		return;
	answers_text(&answers, cJSON_GetObjectItem(doc, "answers"));
	tried_text(&tried, cJSON_GetObjectItem(doc, "tried"));
	e.at_ms = ev_now_ms();
	e.kb = req->kb->content_hash;
	e.session = (char *)sid;
	e.article = (char *)problem;
	e.answers = answers.len ? answers.buf : NULL;
	e.tried = tried.len ? tried.buf : NULL;
	if (type && !strcmp(type, "question"))
		e.question = cJSON_GetStringValue(cJSON_GetObjectItem(
			cJSON_GetObjectItem(next, "question"), "id"));
	else if (type && !strcmp(type, "step"))
		e.step = cJSON_GetStringValue(cJSON_GetObjectItem(
			cJSON_GetObjectItem(next, "step"), "ref"));
	e.result = (char *)status;
	ev_sink_push_copy(req->app->events, &e);
	if (status) {
		e.kind = EV_OUTCOME;
		e.question = NULL;
		e.step = cJSON_GetStringValue(cJSON_GetObjectItem(
			cJSON_GetObjectItem(outcome, "fixed_by"), "ref"));
		ev_sink_push_copy(req->app->events, &e);
	}
	sbuf_release(&answers);
	sbuf_release(&tried);
}

void record_metrics(struct http_request *req, struct sbuf *out)
{
	const struct record_limits *l = req->app->record_limits;

	ev_sink_metrics(req->app->events, out);
	sbuf_addf(out, "# HELP clew_events_limited_total Events not recorded: "
		       "their client was over its rate.\n"
		       "# TYPE clew_events_limited_total counter\n"
		       "clew_events_limited_total %lu\n",
		  l ? atomic_load(&l->limited) : 0UL);
}
