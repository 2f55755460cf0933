/* app: the server's configuration and shared state, built once by
 * `clew serve` and passed down to every handler (no globals). */
#ifndef CLEW_APP_H
#define CLEW_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct cJSON;
struct ev_sink;
struct kbstate;
struct metrics;
struct record_limits;
struct statics;
struct tpl_set;

enum probe_access { PROBE_OFF, PROBE_LOOPBACK, PROBE_ANY };

struct app_config {
	const char *db;
	const char *listen;          /* ADDR:PORT */
	int threads;
	const char *cors;            /* comma-separated origins, "*", or NULL */
	const char *frame_ancestors; /* CSP frame-ancestors sources */
	enum probe_access probe;
	const char *base_url;        /* public URL prefix, or "" */
	const char *templates_dir;
	const char *static_dir;
	const char *i18n_dir;        /* message catalogues (i18n.h) */
	int access_log;              /* 1: one JSON line per request on stdout */
	const char *admin_token;     /* --admin-token, or NULL */
	size_t page_cache_bytes;     /* --page-cache-mb; 0: pages not kept */
};

struct app {
	struct app_config cfg;
	struct tpl_set *templates;
	struct i18n *i18n;           /* the interface's words, per language */
	struct statics *statics;
	struct metrics *metrics;
	char *csp;                   /* the Content-Security-Policy value */
	pthread_mutex_t kb_lock;     /* guards kb */
	struct kbstate *kb;          /* current KB, or NULL */
	atomic_int in_flight;        /* requests begun and not completed */
	atomic_ulong request_seq;    /* for request ids */
	long pid;                    /* for request ids */
	struct ev_sink *events;      /* where events go; NULL: not recorded */
	char *events_dsn;            /* the sink's store (for /admin), or NULL */
	struct record_limits *record_limits;
	/* /admin's tables, computed at most every few seconds. */
	pthread_mutex_t admin_lock;
	struct cJSON *admin_doc;     /* owned; NULL until first asked */
	long long admin_at_ms;       /* when admin_doc was computed */
};

/* Returns the current KB with a reference taken (release with
 * kbstate_release), or NULL when none is loaded. */
struct kbstate *app_kb(struct app *app);

/* Loads the KB file of the configuration as the server serves it: with
 * a SQLite handle per thread and an empty page cache of the configured
 * size. Returns it with one reference, or NULL with a message in err. */
struct sbuf;
struct kbstate *app_kb_load(struct app *app, struct sbuf *err);

/* Makes kb current (taking over the caller's reference) and releases the
 * previous one; requests holding it finish on it. */
void app_set_kb(struct app *app, struct kbstate *kb);

struct http_request;

/* 1 when a form POST comes from a page of this server (or of an origin
 * --cors allows): its Origin names this Host, or the --base-url's origin.
 * A POST without Origin passes; "Origin: null" does not. */
int app_same_site(const struct http_request *req);

/* Returns 1 when origin may use the API (per --cors). */
int app_origin_allowed(const struct app *app, const char *origin);

#endif
