/* router: maps a request to its handler, and makes what the handler
 * fills into the reply sent: the page cache, caching headers, the
 * Content-Encoding negotiated, 304 Not Modified. */
#include "router.h"

#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "admin.h"
#include "api.h"
#include "app.h"
#include "compress.h"
#include "feedback.h"
#include "httpdate.h"
#include "i18n.h"
#include "kbstate.h"
#include "metrics.h"
#include "pagecache.h"
#include "pages.h"

typedef void handler_fn(struct http_request *req, struct http_reply *rep,
			const char *param);

/* What the router may do with a route's GET replies (flags). */
enum {
	/* A document of the KB alone: cacheable by anyone for a while
	 * (KB_CACHE_CONTROL), Last-Modified the KB's build time. */
	R_KB_DOC = 1,
	/* An HTML page that is a function of the KB, the path, the query
	 * arguments, Accept-Language and whether the probe answers this
	 * client: kept in the KB's page cache. */
	R_MEMO = 2,
	/* Records an event per request when events are on (a search, a
	 * wizard step): then neither kept nor cached without asking. */
	R_RECORDS = 4,
	/* Shows the probe's "Detect" button to a client the probe answers
	 * (--probe loopback: this machine's): that reply is its own. */
	R_PROBE = 8,
};

struct route {
	const char *pattern; /* as metrics name it */
	const char *prefix;  /* for patterns with a {param}: the part before */
	const char *allow;   /* methods, as in the Allow header */
	int needs_kb;
	handler_fn *fn;
	int flags;
};

/* A minute fresh, then served stale for up to ten more minutes while a
 * cache asks again (ETag: usually a 304): a new KB reaches readers within
 * a minute or so of a replica serving it. docs/deploy.md, "Caching and
 * compression". */
#define KB_CACHE_CONTROL "public, max-age=60, stale-while-revalidate=600"
/* A page the probe's button makes this client's own, or one that records
 * an event: a cache may keep it but must ask each time. */
#define OWN_CACHE_CONTROL "private, no-cache"
#define RECORDS_CACHE_CONTROL "no-cache"

static const struct route routes[] = {
	{ "/healthz", NULL, "GET, HEAD", 0, api_healthz, 0 },
	{ "/metrics", NULL, "GET, HEAD", 0, api_metrics, 0 },
	{ "/api/v1/articles", NULL, "GET, HEAD, OPTIONS", 1, api_articles, R_KB_DOC },
	{ "/api/v1/articles/{slug}", "/api/v1/articles/", "GET, HEAD, OPTIONS", 1, api_article,
	  R_KB_DOC },
	{ "/api/v1/search", NULL, "GET, HEAD, OPTIONS", 1, api_search, R_KB_DOC },
	{ "/api/v1/questions", NULL, "GET, HEAD, OPTIONS", 1, api_questions, R_KB_DOC },
	{ "/api/v1/messages", NULL, "GET, HEAD, OPTIONS", 0, api_messages, 0 },
	{ "/api/v1/diagnose", NULL, "GET, HEAD, POST, OPTIONS", 1, api_diagnose, R_KB_DOC },
	{ "/api/v1/probe/bluetooth", NULL, "GET, HEAD, OPTIONS", 0, api_probe, 0 },
	{ "/api/v1/events", NULL, "POST, OPTIONS", 1, api_events, 0 },
	{ "/api/v1/admin/{table}", "/api/v1/admin/", "GET, HEAD", 1, api_admin, 0 },
	{ "/", NULL, "GET, HEAD", 1, page_index, R_KB_DOC | R_MEMO | R_PROBE },
	{ "/articles/{slug}", "/articles/", "GET, HEAD, POST", 1, page_article, R_KB_DOC | R_MEMO },
	{ "/search", NULL, "GET, HEAD", 1, page_search, R_KB_DOC | R_MEMO | R_RECORDS },
	{ "/search/open", NULL, "GET, HEAD", 1, page_search_open, 0 },
	{ "/wizard", NULL, "GET, HEAD, POST", 1, page_wizard,
	  R_KB_DOC | R_MEMO | R_RECORDS | R_PROBE },
	{ "/wizard/detect", NULL, "GET, HEAD", 1, page_detect, 0 },
	{ "/wizard/tree", NULL, "GET, HEAD", 1, page_tree, R_KB_DOC | R_MEMO },
	{ "/admin", NULL, "GET, HEAD", 1, page_admin, 0 },
	{ "/static/{file}", "/static/", "GET, HEAD", 0, page_static, 0 },
	{ "/embed.js", NULL, "GET, HEAD", 0, page_embed_js, 0 },
};

#define NR_ROUTES (sizeof(routes) / sizeof(*routes))

static int is_api_path(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/healthz") ||
	       !strcmp(path, "/metrics");
}

/* An error page's words for code, in the reader's language; message
 * (the API's, in English) for a code the catalogues do not have. */
static const char *page_message(const struct http_request *req, const char *code,
				const char *message)
{
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);

	if (!strcmp(code, "not_found"))
		return i18n_text(c, l, "error_not_found");
	if (!strcmp(code, "method_not_allowed"))
		return i18n_text(c, l, "error_method_not_allowed");
	if (!strcmp(code, "kb_unavailable"))
		return i18n_text(c, l, "error_kb_unavailable");
	if (!strcmp(code, "uri_too_long"))
		return i18n_text(c, l, "error_uri_too_long");
	if (!strcmp(code, "body_too_large"))
		return i18n_text(c, l, "error_body_too_large");
	if (!strcmp(code, "bad_request"))
		return i18n_text(c, l, "error_address_nul");
	return message;
}

void router_error(struct http_request *req, struct http_reply *rep, int status,
		  const char *code, const char *message)
{
	if (is_api_path(req->path))
		api_error(rep, status, code, "%s", message);
	else
		page_error(req, rep, status, page_message(req, code, message));
}

/* Returns the route for path and sets *param (borrowed from path). */
static const struct route *match(const char *path, const char **param)
{
	for (size_t i = 0; i < NR_ROUTES; i++) {
		const struct route *r = &routes[i];

		if (!r->prefix) {
			if (!strcmp(path, r->pattern)) {
				*param = NULL;
				return r;
			}
			continue;
		}
		if (!strncmp(path, r->prefix, strlen(r->prefix))) {
			const char *rest = path + strlen(r->prefix);

			if (*rest && !strchr(rest, '/')) {
				*param = rest;
				return r;
			}
		}
	}
	return NULL;
}

static int method_allowed(const struct route *r, const char *method)
{
	const char *p = r->allow;
	size_t n = strlen(method);

	if (!n)
		return 0; /* strstr finds "" everywhere, and p would never move */
	while ((p = strstr(p, method))) {
		if ((p == r->allow || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static const char *header_value(const struct http_reply *rep, const char *name)
{
	for (size_t i = 0; i < rep->nr_headers; i++)
		if (!strcmp(rep->headers[i].name, name))
			return rep->headers[i].value;
	return NULL;
}

static void add_cors(const struct http_request *req, struct http_reply *rep)
{
	if (!req->origin || !app_origin_allowed(req->app, req->origin))
		return;
	/* A route open to every origin says so itself (GET /api/v1/messages:
	 * "*"): a second value would make the browser refuse the reply. */
	if (header_value(rep, "Access-Control-Allow-Origin"))
		return;
	http_reply_header(rep, "Access-Control-Allow-Origin", req->origin);
	http_reply_header(rep, "Vary", "Origin");
}

/* True when an If-None-Match list names etag (or is "*"). */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (!inm)
		return 0;
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (*p == '*')
			return 1;
		if (!strncmp(p, etag, n))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* ---- the page cache ----------------------------------------------------- */

static void add_field(struct sbuf *key, const char *s)
{
	/* Length first: no two lists of fields make the same key. */
	sbuf_addf(key, "%zu:", strlen(s));
	sbuf_adds(key, s);
}

/* The request's canonical form for the page cache: everything a page
 * depends on besides the KB and the configuration. The query arguments
 * stay in their order (the wizard's answers and its links follow it);
 * Accept-Language is taken whole (it picks both the interface's language
 * and each article's translation, so no one language stands for it); and
 * whether the probe answers this client (the "Detect" button). */
static void page_key(const struct http_request *req, struct sbuf *key)
{
	add_field(key, req->path);
	sbuf_addf(key, "%zu;", req->nr_args);
	for (size_t i = 0; i < req->nr_args; i++) {
		add_field(key, req->args[i].key);
		add_field(key, req->args[i].value);
	}
	if (req->accept_language)
		add_field(key, req->accept_language);
	else
		sbuf_addch(key, '-');
	sbuf_addch(key, api_probe_allowed(req) ? 'P' : 'p');
}

/* 1 when the route's reply to this request may be kept or looked up. */
static int memo_allowed(const struct http_request *req, const struct route *r)
{
	return (r->flags & R_MEMO) && req->kb && req->kb->pages &&
	       (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) &&
	       !((r->flags & R_RECORDS) && req->app->events);
}

/* 1 when the reply the handler made may be kept: a whole page, not one
 * made for this reader alone. */
static int memo_storable(const struct http_reply *rep)
{
	const char *cc = header_value(rep, "Cache-Control");

	return rep->status == 200 && !rep->fixed_body && rep->is_html &&
	       !(cc && (strstr(cc, "no-store") || strstr(cc, "private")));
}

/* Serves rep's body from entry e (whose reference rep takes over), with
 * its compressed copies when cz. */
static void reply_from_entry(struct http_reply *rep, struct pagecache_entry *e, int cz)
{
	sbuf_release(&rep->body);
	rep->fixed_body = e->body;
	rep->fixed_len = e->len;
	rep->fixed_cz = cz ? e->cz : NULL;
	rep->hold = e;
	rep->hold_release = pagecache_entry_release;
}

/* Runs the route's handler, or answers from the KB's page cache. */
static void run_handler(struct http_request *req, struct http_reply *rep,
			const struct route *r, const char *param)
{
	struct sbuf key = SBUF_INIT;
	struct pagecache_entry *e;

	if (!memo_allowed(req, r)) {
		r->fn(req, rep, param);
		return;
	}
	page_key(req, &key);
	e = pagecache_get(req->kb->pages, key.buf, key.len);
	metrics_page_cache(req->app->metrics, e != NULL);
	if (e) {
		rep->status = e->status;
		rep->content_type = e->content_type;
		rep->is_html = e->is_html;
		rep->route = r->pattern;
		for (size_t i = 0; i < e->nr_headers; i++)
			http_reply_header(rep, e->headers[i].name, e->headers[i].value);
		/* Compressed at the best level from its second request on: a
		 * page asked for once (or a flood of distinct addresses) costs
		 * only the fast level, as a page not kept does. */
		pagecache_encode(req->kb->pages, e, cz_negotiate(req->accept_encoding));
		reply_from_entry(rep, e, 1);
		/* A wizard step is a diagnosis served, kept or not. */
		if (!strcmp(r->pattern, "/wizard") && req->app->metrics)
			metrics_diagnose(req->app->metrics);
	} else {
		r->fn(req, rep, param);
		if (memo_storable(rep) &&
		    (e = pagecache_put(req->kb->pages, key.buf, key.len, rep)))
			reply_from_entry(rep, e, 0);
	}
	sbuf_release(&key);
}

/* ---- what the reply says about caching ---------------------------------- */

static void drop_header(struct http_reply *rep, const char *name)
{
	for (size_t i = 0; i < rep->nr_headers; i++)
		if (!strcasecmp(rep->headers[i].name, name)) {
			free(rep->headers[i].name);
			free(rep->headers[i].value);
			memmove(&rep->headers[i], &rep->headers[i + 1],
				(rep->nr_headers - i - 1) * sizeof(*rep->headers));
			rep->nr_headers--;
			return;
		}
}

/* Cache-Control and Last-Modified on a KB document's 200 to GET or
 * HEAD, unless the handler said otherwise (no-store: a page that made a
 * session). */
static void cache_headers(const struct http_request *req, struct http_reply *rep,
			  const struct route *r)
{
	if (!(r->flags & R_KB_DOC) || rep->status != 200 || !req->kb ||
	    (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return;
	if (req->kb->last_modified)
		http_reply_header(rep, "Last-Modified", req->kb->last_modified);
	if (header_value(rep, "Cache-Control"))
		return;
	if ((r->flags & R_RECORDS) && req->app->events)
		http_reply_header(rep, "Cache-Control", RECORDS_CACHE_CONTROL);
	else if ((r->flags & R_PROBE) && req->app->cfg.probe == PROBE_LOOPBACK &&
		 api_probe_allowed(req))
		http_reply_header(rep, "Cache-Control", OWN_CACHE_CONTROL);
	else
		http_reply_header(rep, "Cache-Control", KB_CACHE_CONTROL);
}

/* ---- Content-Encoding ----------------------------------------------------- */

/* Puts suffix inside the quotes of the reply's ETag. */
static void etag_suffix(struct http_reply *rep, const char *suffix)
{
	for (size_t i = 0; i < rep->nr_headers; i++) {
		char *v = rep->headers[i].value;
		size_t n = strlen(v);
		struct sbuf t = SBUF_INIT;

		if (strcasecmp(rep->headers[i].name, "ETag") || n < 2 || v[n - 1] != '"')
			continue;
		sbuf_add(&t, v, n - 1);
		sbuf_adds(&t, suffix);
		sbuf_addch(&t, '"');
		free(v);
		rep->headers[i].value = sbuf_detach(&t, NULL);
		return;
	}
}

/* Compresses the reply's body when the client accepts it and it is worth
 * it: from the copies kept beside a fixed body, else for this reply at
 * the fast level. The representation then has its own ETag. */
static void encode_reply(const struct http_request *req, struct http_reply *rep)
{
	size_t len = rep->fixed_body ? rep->fixed_len : rep->body.len;
	const char *body = rep->fixed_body ? rep->fixed_body : rep->body.buf;
	enum cz_coding c;

	if (rep->status == 204 || rep->status == 304 || len < CZ_MIN_BYTES ||
	    !cz_type_compressible(rep->content_type) || header_value(rep, "Content-Encoding"))
		return;
	http_reply_header(rep, "Vary", "Accept-Encoding");
	c = cz_negotiate(req->accept_encoding);
	if (c == CZ_IDENTITY)
		return;
	if (rep->fixed_body && rep->fixed_cz) {
		size_t n;
		const char *enc = cz_set_get(rep->fixed_cz, c, &n);

		if (!enc)
			return;
		rep->fixed_body = enc;
		rep->fixed_len = n;
	} else {
		struct sbuf out = SBUF_INIT;

		if (cz_encode(c, CZ_FAST, body, len, &out) || out.len >= len) {
			sbuf_release(&out);
			return;
		}
		sbuf_release(&rep->body);
		rep->body = out;
		rep->fixed_body = NULL;
	}
	http_reply_header(rep, "Content-Encoding", cz_name(c));
	etag_suffix(rep, cz_etag_suffix(c));
}

/* 1 when the client's copy is current: If-None-Match names the reply's
 * ETag, or, without If-None-Match, If-Modified-Since is no earlier than
 * its Last-Modified. */
static int not_modified(const struct http_request *req, const struct http_reply *rep)
{
	const char *etag = header_value(rep, "ETag");
	const char *lm = header_value(rep, "Last-Modified");
	long long since, built;

	if (rep->status != 200 || (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return 0;
	if (req->if_none_match)
		return etag && etag_matches(req->if_none_match, etag);
	return lm && req->if_modified_since && !httpdate_parse(lm, &built) &&
	       !httpdate_parse(req->if_modified_since, &since) && since >= built;
}

void router_dispatch(struct http_request *req, struct http_reply *rep)
{
	const char *param = NULL;
	const struct route *r = match(req->path, &param);

	if (!r) {
		rep->route = "other";
		router_error(req, rep, 404, "not_found", "there is nothing at this address");
		goto finish;
	}
	rep->route = r->pattern;
	if (!strcmp(req->method, "OPTIONS") && method_allowed(r, "OPTIONS")) {
		rep->status = 204;
		add_cors(req, rep);
		if (req->origin && app_origin_allowed(req->app, req->origin)) {
			http_reply_header(rep, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
			http_reply_header(rep, "Access-Control-Allow-Headers", "Content-Type");
			http_reply_header(rep, "Access-Control-Max-Age", "600");
		}
		http_reply_header(rep, "Allow", r->allow);
		return;
	}
	if (!method_allowed(r, req->method)) {
		router_error(req, rep, 405, "method_not_allowed",
			     "this method is not allowed here");
		http_reply_header(rep, "Allow", r->allow);
		add_cors(req, rep);
		goto finish;
	}
	if (r->needs_kb && !req->kb) {
		router_error(req, rep, 503, "kb_unavailable",
			     "no knowledge base is loaded; try again shortly");
		http_reply_header(rep, "Retry-After", "5");
		add_cors(req, rep);
		goto finish;
	}
	run_handler(req, rep, r, param);
	if (is_api_path(req->path))
		add_cors(req, rep);
	cache_headers(req, rep, r);
finish:
	encode_reply(req, rep);
	if (not_modified(req, rep)) {
		rep->status = 304;
		rep->fixed_body = NULL;
		sbuf_reset(&rep->body);
		drop_header(rep, "Content-Encoding");
	}
}
