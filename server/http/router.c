/* router: maps a request to its handler. */
#include "router.h"

#include <string.h>

#include "admin.h"
#include "api.h"
#include "app.h"
#include "feedback.h"
#include "i18n.h"
#include "kbstate.h"
#include "pages.h"

typedef void handler_fn(struct http_request *req, struct http_reply *rep,
			const char *param);

struct route {
	const char *pattern; /* as metrics name it */
	const char *prefix;  /* for patterns with a {param}: the part before */
	const char *allow;   /* methods, as in the Allow header */
	int needs_kb;
	handler_fn *fn;
};

static const struct route routes[] = {
	{ "/healthz", NULL, "GET, HEAD", 0, api_healthz },
	{ "/metrics", NULL, "GET, HEAD", 0, api_metrics },
	{ "/api/v1/articles", NULL, "GET, HEAD, OPTIONS", 1, api_articles },
	{ "/api/v1/articles/{slug}", "/api/v1/articles/", "GET, HEAD, OPTIONS", 1, api_article },
	{ "/api/v1/search", NULL, "GET, HEAD, OPTIONS", 1, api_search },
	{ "/api/v1/questions", NULL, "GET, HEAD, OPTIONS", 1, api_questions },
	{ "/api/v1/messages", NULL, "GET, HEAD, OPTIONS", 0, api_messages },
	{ "/api/v1/diagnose", NULL, "GET, HEAD, POST, OPTIONS", 1, api_diagnose },
	{ "/api/v1/probe/bluetooth", NULL, "GET, HEAD, OPTIONS", 0, api_probe },
	{ "/api/v1/events", NULL, "POST, OPTIONS", 1, api_events },
	{ "/api/v1/admin/{table}", "/api/v1/admin/", "GET, HEAD", 1, api_admin },
	{ "/", NULL, "GET, HEAD", 1, page_index },
	{ "/articles/{slug}", "/articles/", "GET, HEAD, POST", 1, page_article },
	{ "/search", NULL, "GET, HEAD", 1, page_search },
	{ "/search/open", NULL, "GET, HEAD", 1, page_search_open },
	{ "/wizard", NULL, "GET, HEAD, POST", 1, page_wizard },
	{ "/wizard/detect", NULL, "GET, HEAD", 1, page_detect },
	{ "/wizard/tree", NULL, "GET, HEAD", 1, page_tree },
	{ "/admin", NULL, "GET, HEAD", 1, page_admin },
	{ "/static/{file}", "/static/", "GET, HEAD", 0, page_static },
	{ "/embed.js", NULL, "GET, HEAD", 0, page_embed_js },
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

void router_dispatch(struct http_request *req, struct http_reply *rep)
{
	const char *param = NULL, *etag;
	const struct route *r = match(req->path, &param);

	if (!r) {
		rep->route = "other";
		router_error(req, rep, 404, "not_found", "there is nothing at this address");
		return;
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
		return;
	}
	if (r->needs_kb && !req->kb) {
		router_error(req, rep, 503, "kb_unavailable",
			     "no knowledge base is loaded; try again shortly");
		http_reply_header(rep, "Retry-After", "5");
		add_cors(req, rep);
		return;
	}
	r->fn(req, rep, param);
	if (is_api_path(req->path))
		add_cors(req, rep);
	etag = header_value(rep, "ETag");
	if (rep->status == 200 && etag && etag_matches(req->if_none_match, etag)) {
		rep->status = 304;
		rep->fixed_body = NULL;
		sbuf_reset(&rep->body);
	}
}
