/* record: what readers do, turned into events for the sink
 * (events/sink.h): wizard pages shown and how sessions end, "Was this
 * helpful?" votes, searches and the hits opened. Nothing here blocks: an
 * event is queued or dropped and counted. Each client (by address) may
 * record a bounded number of events a minute; see docs/outcomes.md. */
#ifndef CLEW_RECORD_H
#define CLEW_RECORD_H

struct cJSON;
struct ev_event;
struct http_request;
struct record_limits;
struct sbuf;

/* Events a client may record in a minute, and at once, by default. */
#define RECORD_RATE_PER_MINUTE 120

/* rate: events a client may record in a minute (and at once); 0: no limit. */
struct record_limits *record_limits_new(int rate);
/* NULL is a no-op. */
void record_limits_free(struct record_limits *l);

/* 1 when req may record n events: recording is on, the request is not a
 * HEAD, not made by another site's page (Sec-Fetch-Site cross-site, but
 * for a top-level page load: Sec-Fetch-Mode navigate, Sec-Fetch-Dest
 * document), and its client is within its rate. Counts what a client over
 * its rate loses. */
int record_allowed(struct http_request *req, int n);

/* 1 when req's client is within its rate for n more events (and takes
 * them); the other checks of record_allowed are the caller's. */
int record_rate(struct http_request *req, int n);

/* 1 the first time in a day that req's client votes on article slug (the
 * client's address is kept in memory only, hashed, never stored). */
int record_first_vote(struct http_request *req, const char *slug);

/* Queues e (taken over, stamped with the KB's content hash) when
 * record_allowed(req, 1). */
void record_event(struct http_request *req, struct ev_event *e);

/* A wizard page with a session (argument 'sid') and a problem: what was
 * answered and tried, what it shows next, and, when it shows an end, the
 * session's outcome. doc is the diagnose document the page shows;
 * new_session says this page made the session (then a page that already
 * has steps tried, or an end, records nothing: a link shared or a leaf of
 * the tree, not a session). */
void record_wizard(struct http_request *req, const struct cJSON *doc, int new_session);

/* Appends the events' Prometheus text (the sink's and the rate limit's). */
void record_metrics(struct http_request *req, struct sbuf *out);

#endif
