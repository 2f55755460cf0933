/* app: the server's configuration and shared state. */
#include "app.h"

#include <string.h>

#include "kbstate.h"
#include "pagecache.h"
#include "request.h"

struct kbstate *app_kb(struct app *app)
{
	struct kbstate *kb;

	pthread_mutex_lock(&app->kb_lock);
	kb = app->kb;
	kbstate_ref(kb);
	pthread_mutex_unlock(&app->kb_lock);
	return kb;
}

struct kbstate *app_kb_load(struct app *app, struct sbuf *err)
{
	struct kbstate *kb = kbstate_load(app->cfg.db, app->cfg.threads + 1, err);

	if (kb)
		kb->pages = pagecache_new(app->cfg.page_cache_bytes);
	return kb;
}

void app_set_kb(struct app *app, struct kbstate *kb)
{
	struct kbstate *old;

	pthread_mutex_lock(&app->kb_lock);
	old = app->kb;
	app->kb = kb;
	pthread_mutex_unlock(&app->kb_lock);
	kbstate_release(old);
}

int app_origin_allowed(const struct app *app, const char *origin)
{
	const char *p = app->cfg.cors;
	size_t n;

	if (!origin || !p || !*p)
		return 0;
	n = strlen(origin);
	while (*p) {
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if ((len == 1 && *p == '*') || (len == n && !strncmp(p, origin, n)))
			return 1;
		p += len;
	}
	return 0;
}

/* 1 when a form POST comes from a page of this server (or of an origin
 * --cors allows): its Origin names this Host, or the --base-url's origin.
 * A POST without Origin (no browser sends one from another site's form
 * without it) passes; "Origin: null" does not. */
int app_same_site(const struct http_request *req)
{
	const char *o = req->origin, *host;
	const char *base = req->app->cfg.base_url;

	if (!o)
		return 1;
	if (app_origin_allowed(req->app, o))
		return 1;
	host = strstr(o, "://");
	if (host && req->host && !strcmp(host + 3, req->host))
		return 1;
	if (base && *base) {
		size_t n = strlen(o);

		if (!strncmp(base, o, n) && (!base[n] || base[n] == '/'))
			return 1;
	}
	return 0;
}
