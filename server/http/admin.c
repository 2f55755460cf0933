/* admin: the /admin page's charts and the admin API. */
#include "admin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../events/event.h"
#include "../events/store.h"
#include "../stats/stats.h"
#include "api.h"
#include "app.h"
#include "kbstate.h"
#include "pages.h"
#include "pages_internal.h"
#include "request.h"

/* Chart geometry, in SVG user units. */
#define DAYS_W 720
#define DAYS_H 180
#define BAR_W 600
#define ROW_H 44

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 s (padding optional) into out; -1 when it is not. */
static int b64_decode(const char *s, struct sbuf *out)
{
	unsigned acc = 0;
	int bits = 0;

	for (; *s && *s != '='; s++) {
		int v = b64_value(*s);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sbuf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
	return 0;
}

/* Compares without stopping at the first difference. */
static int same_secret(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;

	for (size_t i = 0; i < na; i++)
		d |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
	return !d;
}

/* The token the request presents: "Bearer T", or Basic with T as the
 * password (any user name). Appended to out. */
static void presented_token(const struct http_request *req, struct sbuf *out)
{
	const char *h = req->authorization;

	if (!h)
		return;
	if (!strncasecmp(h, "Bearer ", 7)) {
		sbuf_adds(out, h + 7);
	} else if (!strncasecmp(h, "Basic ", 6)) {
		struct sbuf plain = SBUF_INIT;
		const char *colon;

		if (!b64_decode(h + 6, &plain) && (colon = strchr(plain.buf, ':')))
			sbuf_adds(out, colon + 1);
		sbuf_release(&plain);
	}
}

/* 1 when the Host header names this machine: localhost, 127.x.y.z or
 * [::1], with or without a port. */
static int loopback_host(const char *host)
{
	size_t n;

	if (!host)
		return 0;
	if (!strncasecmp(host, "localhost", 9))
		n = 9;
	else if (!strncmp(host, "[::1]", 5))
		n = 5;
	else if (!strncmp(host, "127.", 4))
		n = 4 + strspn(host + 4, "0123456789.");
	else
		return 0;
	return !host[n] || (host[n] == ':' && strspn(host + n + 1, "0123456789") ==
			    strlen(host + n + 1));
}

/* 1 when req may see the admin pages; else fills rep (404 when they are
 * off for this client, 401 asking for the token) and returns 0. */
static int admin_allowed(struct http_request *req, struct http_reply *rep, int api)
{
	const char *token = req->app->cfg.admin_token;
	struct sbuf given = SBUF_INIT;
	int ok;

	if (!token || !*token) {
		/* This machine: a loopback peer, not relayed, that asked for a
		 * loopback name (not a page of another site whose name was
		 * rebound to 127.0.0.1). */
		if (req->client_loopback && !req->forwarded && loopback_host(req->host))
			return 1;
		if (api)
			api_error(rep, 404, "not_found", "the admin pages are off: start "
				  "clew serve with --admin-token (or use them from this machine)");
		else
			page_error(req, rep, 404, "The admin pages are off: start clew "
				   "serve with --admin-token, or open them on the server itself.");
		return 0;
	}
	presented_token(req, &given);
	ok = given.len && same_secret(given.buf, token);
	sbuf_release(&given);
	if (ok)
		return 1;
	http_reply_header(rep, "WWW-Authenticate", "Basic realm=\"Clew admin\", charset=\"UTF-8\"");
	if (api)
		api_error(rep, 401, "unauthorized", "send the admin token: "
			  "Authorization: Bearer TOKEN");
	else
		page_error(req, rep, 401, "The admin pages ask for the admin token "
			   "(as the password; any user name).");
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_event(const struct ev_event *e, void *ctx)
{
	stats_add(ctx, e);
	return 0;
}

/* The tables (a copy; caller frees), computed again when the cached ones
 * are older than ADMIN_CACHE_SECONDS; NULL with the reason in err. */
static cJSON *admin_tables(struct http_request *req, struct sbuf *err)
{
	struct app *app = (struct app *)req->app;
	struct stats_opts o = { 0 };
	struct ev_store *ev;
	struct stats *s;
	cJSON *doc = NULL;
	long long now = now_ms();

	pthread_mutex_lock(&app->admin_lock);
	if (app->admin_doc && now - app->admin_at_ms < ADMIN_CACHE_SECONDS * 1000) {
		doc = cJSON_Duplicate(app->admin_doc, 1);
		pthread_mutex_unlock(&app->admin_lock);
		return doc;
	}
	/* One reader at a time: the others wait for its tables. */
	o.model = req->kb->model;
	o.now_ms = now;
	s = stats_new(&o);
	ev = ev_store_open(app->events_dsn, err);
	if (ev && ev_store_scan(ev, stats_window_start(s), add_event, s, err) >= 0) {
		cJSON_Delete(app->admin_doc);
		app->admin_doc = stats_json(s);
		app->admin_at_ms = now;
		doc = cJSON_Duplicate(app->admin_doc, 1);
	}
	ev_store_free(ev);
	stats_free(s);
	pthread_mutex_unlock(&app->admin_lock);
	return doc;
}

void admin_release(struct app *app)
{
	cJSON_Delete(app->admin_doc);
	app->admin_doc = NULL;
}

void api_admin(struct http_request *req, struct http_reply *rep, const char *table)
{
	struct sbuf err = SBUF_INIT;
	cJSON *doc, *out;
	int known = !strcmp(table, "report");

	rep->route = "/api/v1/admin/{table}";
	for (int i = 0; stats_tables[i]; i++)
		known |= !strcmp(table, stats_tables[i]);
	known |= !strcmp(table, "totals");
	if (!admin_allowed(req, rep, 1))
		return;
	if (!known) {
		api_error(rep, 404, "not_found", "no admin table '%s' (report, totals, "
			  "sessions_per_day, problems, fixes, never_fixed, abandoned, "
			  "searches, no_hits, no_clicks, votes)", table);
		return;
	}
	if (!req->app->events_dsn) {
		api_error(rep, 404, "not_found", "events are not recorded on this "
			  "server (--events off)");
		return;
	}
	doc = admin_tables(req, &err);
	if (!doc) {
		api_error(rep, 503, "events_unavailable", "the events store cannot be "
			  "read: %s", err.buf);
		sbuf_release(&err);
		return;
	}
	if (!strcmp(table, "report")) {
		out = doc;
	} else {
		out = cJSON_CreateObject();
		cJSON_AddItemToObject(out, "generated_at", cJSON_Duplicate(
			cJSON_GetObjectItem(doc, "generated_at"), 1));
		cJSON_AddItemToObject(out, table, cJSON_DetachItemFromObject(doc, table));
		cJSON_Delete(doc);
	}
	http_reply_header(rep, "Cache-Control", "no-store");
	api_json(rep, out);
	sbuf_release(&err);
}

static double num(const cJSON *o, const char *k)
{
	double v = cJSON_GetNumberValue(cJSON_GetObjectItem(o, k));

	return isnan(v) ? 0 : v;
}

static const char *str(const cJSON *o, const char *k)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));

	return v ? v : "";
}

/* Sessions per day: stacked columns (fixed, not fixed, abandoned, open). */
static cJSON *days_chart(const cJSON *days)
{
	static const char *const parts[] = { "fixed", "not_fixed", "abandoned", "open" };
	cJSON *c = cJSON_CreateObject(), *cols = cJSON_AddArrayToObject(c, "columns"), *d;
	int n = cJSON_GetArraySize(days), i = 0;
	double max = 1, step = n ? (double)DAYS_W / n : DAYS_W;

	cJSON_ArrayForEach(d, days)
		if (num(d, "sessions") > max)
			max = num(d, "sessions");
	cJSON_AddNumberToObject(c, "width", DAYS_W);
	cJSON_AddNumberToObject(c, "height", DAYS_H + 24);
	cJSON_AddNumberToObject(c, "base", DAYS_H);
	cJSON_AddNumberToObject(c, "max", max);
	cJSON_ArrayForEach(d, days) {
		cJSON *col = cJSON_CreateObject(), *segs = cJSON_AddArrayToObject(col, "segments");
		double y = DAYS_H;
		struct sbuf title = SBUF_INIT;

		for (size_t k = 0; k < sizeof(parts) / sizeof(*parts); k++) {
			double h = num(d, parts[k]) / max * (DAYS_H - 10);
			cJSON *sg;

			if (h <= 0)
				continue;
			sg = cJSON_CreateObject();
			y -= h;
			cJSON_AddNumberToObject(sg, "x", round(i * step * 10) / 10);
			cJSON_AddNumberToObject(sg, "y", round(y * 10) / 10);
			cJSON_AddNumberToObject(sg, "w", round(step * 0.7 * 10) / 10);
			cJSON_AddNumberToObject(sg, "h", round(h * 10) / 10);
			cJSON_AddStringToObject(sg, "class", parts[k]);
			cJSON_AddItemToArray(segs, sg);
		}
		sbuf_addf(&title, "%s: %.0f session(s), %.0f fixed, %.0f not fixed, %.0f abandoned",
			  str(d, "date"), num(d, "sessions"), num(d, "fixed"),
			  num(d, "not_fixed"), num(d, "abandoned"));
		cJSON_AddStringToObject(col, "title", title.buf);
		sbuf_release(&title);
		/* A date under every seventh column, the last one included. */
		if ((n - 1 - i) % 7 == 0) {
			cJSON_AddStringToObject(col, "label", str(d, "date") + 5);
			/* The last one ends at the chart's edge. */
			cJSON_AddStringToObject(col, "anchor", i == n - 1 ? "end" : "middle");
			cJSON_AddNumberToObject(col, "label_x", i == n - 1 ? DAYS_W :
						round((i * step + step * 0.35) * 10) / 10);
			cJSON_AddNumberToObject(col, "label_y", DAYS_H + 18);
		}
		cJSON_AddItemToArray(cols, col);
		i++;
	}
	return c;
}

/* A horizontal bar chart: one row a line of the table, its label above a
 * bar of value / max (a second, stacked part when value2 is given). */
/* A percentage says what it is of, when count_key is given: count_key's
 * value and unit ("72% of 43 session(s)"). */
static cJSON *bar_chart_of(const char *id, const char *title, const char *none,
			   const cJSON *rows, const char *label_key, const char *alt_key,
			   const char *value_key, const char *value2_key, int percent,
			   const char *unit, const char *count_key)
{
	cJSON *c = cJSON_CreateObject(), *out = cJSON_AddArrayToObject(c, "rows"), *r;
	double max = percent ? 1 : 0;
	int i = 0;

	cJSON_AddStringToObject(c, "id", id);
	cJSON_AddStringToObject(c, "title", title);
	cJSON_AddStringToObject(c, "none", none);
	cJSON_ArrayForEach(r, rows) {
		double v = num(r, value_key) + (value2_key ? num(r, value2_key) : 0);

		if (v > max)
			max = v;
	}
	if (max <= 0)
		max = 1;
	cJSON_ArrayForEach(r, rows) {
		cJSON *o = cJSON_CreateObject();
		const char *label = *str(r, label_key) ? str(r, label_key) : str(r, alt_key);
		double v = num(r, value_key), v2 = value2_key ? num(r, value2_key) : 0;
		struct sbuf text = SBUF_INIT;
		double w = v / max * BAR_W, w2 = v2 / max * BAR_W;

		if (percent && count_key)
			sbuf_addf(&text, "%.0f%% of %.0f %s", v * 100, num(r, count_key), unit);
		else if (percent)
			sbuf_addf(&text, "%.0f%%", v * 100);
		else if (value2_key)
			sbuf_addf(&text, "%.0f %s, %.0f no", v, unit, v2);
		else
			sbuf_addf(&text, "%.0f %s", v, unit);
		cJSON_AddStringToObject(o, "label", label);
		cJSON_AddStringToObject(o, "value_text", text.buf);
		cJSON_AddNumberToObject(o, "label_y", i * ROW_H + 14);
		cJSON_AddNumberToObject(o, "bar_y", i * ROW_H + 20);
		cJSON_AddNumberToObject(o, "w", round((w > 0 && w < 2 ? 2 : w) * 10) / 10);
		cJSON_AddNumberToObject(o, "x2", round(w * 10) / 10);
		cJSON_AddNumberToObject(o, "w2", round(w2 * 10) / 10);
		cJSON_AddNumberToObject(o, "text_x", round((w + w2 + 6) * 10) / 10);
		cJSON_AddNumberToObject(o, "text_y", i * ROW_H + 31);
		cJSON_AddBoolToObject(o, "stacked", v2 > 0);
		sbuf_release(&text);
		cJSON_AddItemToArray(out, o);
		i++;
	}
	cJSON_AddNumberToObject(c, "width", BAR_W + 120);
	cJSON_AddNumberToObject(c, "height", i * ROW_H + 8);
	cJSON_AddBoolToObject(c, "empty", i == 0);
	return c;
}

static cJSON *bar_chart(const char *id, const char *title, const char *none,
			const cJSON *rows, const char *label_key, const char *alt_key,
			const char *value_key, const char *value2_key, int percent,
			const char *unit)
{
	return bar_chart_of(id, title, none, rows, label_key, alt_key, value_key,
			    value2_key, percent, unit, NULL);
}

void page_admin(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct sbuf err = SBUF_INIT;
	cJSON *ctx, *doc, *charts;

	(void)param;
	rep->route = "/admin";
	if (!admin_allowed(req, rep, 0))
		return;
	ctx = cJSON_CreateObject();
	cJSON_AddItemToObject(ctx, "site", page_site(req, "Is it helping?"));
	if (!req->app->events_dsn) {
		cJSON_AddBoolToObject(ctx, "off", 1);
		goto render;
	}
	doc = admin_tables(req, &err);
	if (!doc) {
		cJSON_AddStringToObject(ctx, "error", err.buf);
		goto render;
	}
	cJSON_AddItemToObject(ctx, "totals", cJSON_Duplicate(cJSON_GetObjectItem(doc, "totals"), 1));
	cJSON_AddItemToObject(ctx, "generated_at", cJSON_Duplicate(
		cJSON_GetObjectItem(doc, "generated_at"), 1));
	cJSON_AddItemToObject(ctx, "days", cJSON_Duplicate(cJSON_GetObjectItem(doc, "days"), 1));
	cJSON_AddNumberToObject(ctx, "share_fixed_pct",
				round(num(cJSON_GetObjectItem(doc, "totals"), "share_fixed") * 100));
	cJSON_AddItemToObject(ctx, "days_chart", days_chart(cJSON_GetObjectItem(doc, "sessions_per_day")));
	charts = cJSON_AddArrayToObject(ctx, "charts");
	cJSON_AddItemToArray(charts, bar_chart_of("problems", "Share fixed, per problem",
		"No session has ended yet.", cJSON_GetObjectItem(doc, "problems"),
		"title", "problem", "share_fixed", NULL, 1, "ended session(s)", "ended"));
	cJSON_AddItemToArray(charts, bar_chart_of("fixes", "Fixes that work: how often each fixed it when tried",
		"No step has been tried yet.", cJSON_GetObjectItem(doc, "fixes"),
		"title", "step", "fix_rate", NULL, 1, "tries", "tries"));
	cJSON_AddItemToArray(charts, bar_chart("never", "Fixes that never worked (failed 3 times or more)",
		"None: every fix tried often has fixed it at least once.",
		cJSON_GetObjectItem(doc, "never_fixed"), "title", "step", "failed", NULL, 0, "failed"));
	cJSON_AddItemToArray(charts, bar_chart("abandoned", "Where sessions were abandoned",
		"No session was abandoned.", cJSON_GetObjectItem(doc, "abandoned"),
		"title", "id", "sessions", NULL, 0, "session(s)"));
	cJSON_AddItemToArray(charts, bar_chart("searches", "Top searches",
		"No search yet.", cJSON_GetObjectItem(doc, "searches"),
		"query", "query", "searches", NULL, 0, "search(es)"));
	cJSON_AddItemToArray(charts, bar_chart("no-hits", "Searches that found nothing",
		"None: every search found something.", cJSON_GetObjectItem(doc, "no_hits"),
		"query", "query", "searches", NULL, 0, "search(es)"));
	cJSON_AddItemToArray(charts, bar_chart("no-clicks", "Searches whose hits no one opened",
		"None.", cJSON_GetObjectItem(doc, "no_clicks"),
		"query", "query", "searches", NULL, 0, "search(es)"));
	cJSON_AddItemToArray(charts, bar_chart("votes", "\"Was this helpful?\" per article",
		"No vote yet.", cJSON_GetObjectItem(doc, "votes"),
		"title", "article", "yes", "no", 0, "yes"));
	cJSON_Delete(doc);
render:
	http_reply_header(rep, "Cache-Control", "no-store");
	page_render(req, rep, 200, "admin", ctx);
	sbuf_release(&err);
}
