/* admin: the /admin page's charts and the admin API. */
#include "admin.h"

#include <math.h>
#include <stdio.h>
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
#include "i18n.h"
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
			page_error(req, rep, 404, i18n_text(req->app->i18n, page_reader_lang(req),
							    "error_admin_off"));
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
		page_error(req, rep, 401, i18n_text(req->app->i18n, page_reader_lang(req),
						    "error_admin_token"));
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

/* A day's column's tooltip, in l: "2024-05-01: 3 session(s), 1 fixed,
 * 1 not fixed, 1 abandoned". */
static void day_title(const struct i18n *c, const char *l, const cJSON *d,
		      struct sbuf *out)
{
	struct sbuf form = SBUF_INIT;
	char fixed[32], not_fixed[32], abandoned[32];
	const char *const vars[] = { "date", str(d, "date"), "fixed", fixed,
				     "not_fixed", not_fixed, "abandoned", abandoned, NULL };

	snprintf(fixed, sizeof(fixed), "%.0f", num(d, "fixed"));
	snprintf(not_fixed, sizeof(not_fixed), "%.0f", num(d, "not_fixed"));
	snprintf(abandoned, sizeof(abandoned), "%.0f", num(d, "abandoned"));
	i18n_plural(c, l, "admin_day_title", lround(num(d, "sessions")), &form);
	i18n_fill(out, form.buf, vars);
	sbuf_release(&form);
}

/* Sessions per day: stacked columns (fixed, not fixed, abandoned, open),
 * their tooltips in l. */
static cJSON *days_chart(const struct i18n *cat, const char *l, const cJSON *days)
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
		day_title(cat, l, d, &title);
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

/* What a chart's bars count, which says the words of their values. */
enum unit {
	SHARE_OF_ENDED, /* a share of the sessions ended ("ended") */
	SHARE_OF_TRIES, /* a share of the tries ("tries") */
	FAILED, SESSIONS, SEARCHES,
	VOTES           /* the yes votes, and the no ("no") */
};

/* A horizontal bar chart: one row a line of table, its label (label_key,
 * else alt_key) above a bar of value_key / max. */
struct chart {
	const char *id, *title, *none;
	const char *table, *label_key, *alt_key, *value_key;
	enum unit unit;
};

/* A bar's value, in l: "72% of 43 ended session(s)" (v a share, n the
 * sessions or tries it is of), "4 failed", "3 yes, 1 no" (n the no's). */
static void value_text(const struct i18n *c, const char *l, enum unit u, double v,
		       double n, struct sbuf *out)
{
	struct sbuf form = SBUF_INIT;
	char a[32], b[32];
	const char *const vars[] = { "percent", a, "yes", a, "no", b, NULL };

	snprintf(a, sizeof(a), "%.0f", u == SHARE_OF_ENDED || u == SHARE_OF_TRIES ? v * 100 : v);
	snprintf(b, sizeof(b), "%.0f", n);
	switch (u) {
	case SHARE_OF_ENDED:
		i18n_plural(c, l, "admin_share_of_ended", lround(n), &form);
		break;
	case SHARE_OF_TRIES:
		i18n_plural(c, l, "admin_share_of_tries", lround(n), &form);
		break;
	case FAILED:
		i18n_plural(c, l, "admin_n_failed", lround(v), &form);
		break;
	case SESSIONS:
		i18n_plural(c, l, "admin_n_sessions", lround(v), &form);
		break;
	case SEARCHES:
		i18n_plural(c, l, "admin_n_searches", lround(v), &form);
		break;
	case VOTES:
		sbuf_adds(&form, i18n_text(c, l, "admin_votes_yes_no"));
		break;
	}
	i18n_fill(out, form.buf, vars);
	sbuf_release(&form);
}

/* Chart ch of rows, its values' words in l. A share's bar is of 100%; a
 * vote's, of its yes and its no, stacked. */
static cJSON *bar_chart(const struct i18n *c, const char *l, const struct chart *ch,
			const cJSON *rows)
{
	cJSON *o = cJSON_CreateObject(), *out = cJSON_AddArrayToObject(o, "rows"), *r;
	int share = ch->unit == SHARE_OF_ENDED || ch->unit == SHARE_OF_TRIES;
	const char *count_key = ch->unit == SHARE_OF_ENDED ? "ended" :
				ch->unit == SHARE_OF_TRIES ? "tries" :
				ch->unit == VOTES ? "no" : NULL;
	double max = share ? 1 : 0;
	int i = 0;

	cJSON_AddStringToObject(o, "id", ch->id);
	cJSON_AddStringToObject(o, "title", ch->title);
	cJSON_AddStringToObject(o, "none", ch->none);
	cJSON_ArrayForEach(r, rows) {
		double v = num(r, ch->value_key) + (ch->unit == VOTES ? num(r, "no") : 0);

		if (v > max)
			max = v;
	}
	if (max <= 0)
		max = 1;
	cJSON_ArrayForEach(r, rows) {
		cJSON *row = cJSON_CreateObject();
		const char *label = *str(r, ch->label_key) ? str(r, ch->label_key) :
				    str(r, ch->alt_key);
		double v = num(r, ch->value_key), v2 = ch->unit == VOTES ? num(r, "no") : 0;
		struct sbuf text = SBUF_INIT;
		double w = v / max * BAR_W, w2 = v2 / max * BAR_W;

		value_text(c, l, ch->unit, v, count_key ? num(r, count_key) : 0, &text);
		cJSON_AddStringToObject(row, "label", label);
		cJSON_AddStringToObject(row, "value_text", text.buf);
		cJSON_AddNumberToObject(row, "label_y", i * ROW_H + 14);
		cJSON_AddNumberToObject(row, "bar_y", i * ROW_H + 20);
		cJSON_AddNumberToObject(row, "w", round((w > 0 && w < 2 ? 2 : w) * 10) / 10);
		cJSON_AddNumberToObject(row, "x2", round(w * 10) / 10);
		cJSON_AddNumberToObject(row, "w2", round(w2 * 10) / 10);
		cJSON_AddNumberToObject(row, "text_x", round((w + w2 + 6) * 10) / 10);
		cJSON_AddNumberToObject(row, "text_y", i * ROW_H + 31);
		cJSON_AddBoolToObject(row, "stacked", v2 > 0);
		sbuf_release(&text);
		cJSON_AddItemToArray(out, row);
		i++;
	}
	cJSON_AddNumberToObject(o, "width", BAR_W + 120);
	cJSON_AddNumberToObject(o, "height", i * ROW_H + 8);
	cJSON_AddBoolToObject(o, "empty", i == 0);
	return o;
}

/* The bar charts of the tables in doc, their words in l. */
static void add_charts(cJSON *charts, const cJSON *doc, const struct i18n *c, const char *l)
{
	const struct chart list[] = {
		{ "problems", i18n_text(c, l, "admin_chart_problems"),
		  i18n_text(c, l, "admin_none_problems"),
		  "problems", "title", "problem", "share_fixed", SHARE_OF_ENDED },
		{ "fixes", i18n_text(c, l, "admin_chart_fixes"),
		  i18n_text(c, l, "admin_none_fixes"),
		  "fixes", "title", "step", "fix_rate", SHARE_OF_TRIES },
		{ "never", i18n_text(c, l, "admin_chart_never"),
		  i18n_text(c, l, "admin_none_never"),
		  "never_fixed", "title", "step", "failed", FAILED },
		{ "abandoned", i18n_text(c, l, "admin_chart_abandoned"),
		  i18n_text(c, l, "admin_none_abandoned"),
		  "abandoned", "title", "id", "sessions", SESSIONS },
		{ "searches", i18n_text(c, l, "admin_chart_searches"),
		  i18n_text(c, l, "admin_none_searches"),
		  "searches", "query", "query", "searches", SEARCHES },
		{ "no-hits", i18n_text(c, l, "admin_chart_no_hits"),
		  i18n_text(c, l, "admin_none_no_hits"),
		  "no_hits", "query", "query", "searches", SEARCHES },
		{ "no-clicks", i18n_text(c, l, "admin_chart_no_clicks"),
		  i18n_text(c, l, "admin_none_no_clicks"),
		  "no_clicks", "query", "query", "searches", SEARCHES },
		{ "votes", i18n_text(c, l, "admin_chart_votes"),
		  i18n_text(c, l, "admin_none_votes"),
		  "votes", "title", "article", "yes", VOTES },
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(*list); i++)
		cJSON_AddItemToArray(charts, bar_chart(c, l, &list[i],
						       cJSON_GetObjectItem(doc, list[i].table)));
}

void page_admin(struct http_request *req, struct http_reply *rep, const char *param)
{
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	struct sbuf err = SBUF_INIT;
	cJSON *ctx, *doc;

	(void)param;
	rep->route = "/admin";
	if (!admin_allowed(req, rep, 0))
		return;
	ctx = cJSON_CreateObject();
	cJSON_AddItemToObject(ctx, "site", page_site(req, i18n_text(c, l, "admin_heading")));
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
	cJSON_AddItemToObject(ctx, "days_chart", days_chart(c, l, cJSON_GetObjectItem(
		doc, "sessions_per_day")));
	add_charts(cJSON_AddArrayToObject(ctx, "charts"), doc, c, l);
	cJSON_Delete(doc);
render:
	http_reply_header(rep, "Cache-Control", "no-store");
	page_render(req, rep, 200, "admin", ctx);
	sbuf_release(&err);
}
