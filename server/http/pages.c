/* pages: the HTML pages and the static files. */
#include "pages.h"
#include "pages_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "../base/xalloc.h"
#include "../engine/model.h"
#include "../events/event.h"
#include "../probe/probe.h"
#include "api.h"
#include "app.h"
#include "feedback.h"
#include "i18n.h"
#include "kbstate.h"
#include "../base/lang.h"
#include "record.h"
#include "statics.h"
#include "template.h"

/* Query arguments that steer the page, not the diagnosis: 'embed' (the
 * page is the help-desk widget's panel; its value is the host page's
 * origin, or 1), 'detected' (answers read by the probe), 'lang' (the
 * reader's language) and 'ask' (the question to ask next, from a "change"
 * link). */
const char *const page_ui_args[] = { "embed", "detected", "lang", "ask", "sid", NULL };

int page_is_ui_arg(const char *key)
{
	for (size_t i = 0; page_ui_args[i]; i++)
		if (!strcmp(key, page_ui_args[i]))
			return 1;
	return 0;
}

/* Length of a language tag's primary subtag ("de" of "de-AT"). */
static size_t primary_len(const char *tag)
{
	return strcspn(tag, "-_");
}

/* The KB language that best serves want (a BCP 47 tag such as "de-AT"):
 * an article language equal to it, else the first with the same primary
 * subtag. Returns borrowed from m, or NULL when no article has it. */
const char *page_kb_language(const struct eng_model *m, const char *want)
{
	const char *near = NULL;
	size_t n;

	if (!want || !*want)
		return NULL;
	n = primary_len(want);
	for (int i = 0; i < m->nr_articles; i++) {
		const char *l = m->articles[i].lang;

		if (!l)
			continue;
		if (!strcasecmp(l, want))
			return l;
		if (!near && primary_len(l) == n && !strncasecmp(l, want, n))
			near = l;
	}
	return near;
}

/* True when article a is in language lang (NULL: any). Articles that do
 * not say their language are offered in every language. */
int page_article_in(const struct eng_article *a, const char *lang)
{
	return !lang || !a->lang || !strcasecmp(a->lang, lang);
}

void page_url_encode(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			sbuf_addch(out, *p);
		} else {
			sbuf_addch(out, '%');
			sbuf_addch(out, hex[*p >> 4]);
			sbuf_addch(out, hex[*p & 15]);
		}
	}
}

/* The page's own arguments, kept on every link of the page. */
static int is_kept_arg(const char *key)
{
	return !strcmp(key, "embed") || !strcmp(key, "lang") || !strcmp(key, "sid");
}

void page_add_param(struct sbuf *u, int *first, const char *k, const char *v)
{
	sbuf_addch(u, *first ? '?' : '&');
	*first = 0;
	page_url_encode(u, k);
	sbuf_addch(u, '=');
	page_url_encode(u, v);
}

/* Appends path?k=v&... with the arguments [0, n) of req, leaving out index
 * skip (-1: none), then extra_key=extra_value when given. The page's own
 * arguments ('embed', 'lang') are kept wherever they stand, so that a
 * reader stays in the widget and in their language; 'ask' is for this
 * page only and never kept. */
char *page_url_with(const struct http_request *req, const char *path, size_t n,
		    long skip, const char *extra_key, const char *extra_value)
{
	struct sbuf u = SBUF_INIT;
	int first = 1;

	sbuf_adds(&u, path);
	for (size_t i = 0; i < req->nr_args; i++) {
		const char *k = req->args[i].key;

		if ((long)i == skip || !strcmp(k, "ask") || (i >= n && !is_kept_arg(k)) ||
		    (!n && !strcmp(k, "sid")))
			continue;
		page_add_param(&u, &first, k, req->args[i].value);
	}
	if (extra_key)
		page_add_param(&u, &first, extra_key, extra_value);
	return sbuf_detach(&u, NULL);
}

/* Answers 303 See Other with url as Location; the body says note (may
 * be NULL), then where to go. Not cached: where it leads depends on more
 * than the URL. */
void page_see_other(const struct http_request *req, struct http_reply *rep,
		    const char *url, const char *note)
{
	const char *const vars[] = { "url", url, NULL };

	rep->status = 303;
	rep->content_type = "text/plain; charset=utf-8";
	http_reply_header(rep, "Location", url);
	http_reply_header(rep, "Cache-Control", "no-store");
	if (note)
		sbuf_addf(&rep->body, "%s\n", note);
	i18n_fill(&rep->body, i18n_text(req->app->i18n, page_reader_lang(req),
					"redirect_see"), vars);
	sbuf_addch(&rep->body, '\n');
}

int page_read_form(struct http_request *req, struct http_reply *rep, const char *what)
{
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	struct sbuf msg = SBUF_INIT;

	if (!http_request_is_form(req)) {
		const char *const vars[] = { "what", what, NULL };

		i18n_fill(&msg, i18n_text(c, l, "error_form_type"), vars);
		page_error(req, rep, 415, msg.buf);
		sbuf_release(&msg);
		return -1;
	}
	if (!app_same_site(req)) {
		page_error(req, rep, 403, i18n_text(c, l, "error_form_other_site"));
		return -1;
	}
	if (http_request_add_form(req, req->body, req->body_len)) {
		page_error(req, rep, 400, i18n_text(c, l, "error_form_unreadable"));
		return -1;
	}
	return 0;
}

void page_add_owned_string(cJSON *o, const char *key, char *s)
{
	cJSON_AddStringToObject(o, key, s);
	free(s);
}

/* Sets the page's language and its writing direction: right to left for
 * Arabic, Hebrew, Persian, Urdu and the other languages written so. */
static void set_lang(cJSON *site, const char *lang)
{
	static const char *const rtl[] = { "ar", "he", "iw", "fa", "ur", "yi",
					   "ps", "dv", "sd", "ug", "ckb" };
	size_t n = strcspn(lang, "-_");
	const char *dir = "ltr";

	for (size_t i = 0; i < sizeof(rtl) / sizeof(*rtl); i++)
		if (strlen(rtl[i]) == n && !strncasecmp(lang, rtl[i], n))
			dir = "rtl";
	cJSON_DeleteItemFromObject(site, "lang");
	cJSON_DeleteItemFromObject(site, "dir");
	cJSON_AddStringToObject(site, "lang", lang);
	cJSON_AddStringToObject(site, "dir", dir);
}

const char *page_reader_lang(const struct http_request *req)
{
	const char *avail[64];
	size_t n = 0, nc;
	const char *const *cat = i18n_langs(req->app->i18n, &nc);

	for (size_t i = 0; i < nc && n < 64; i++)
		avail[n++] = cat[i];
	for (size_t a = 0; req->kb && a < req->kb->nr_langs && n < 64; a++) {
		size_t k;

		for (k = 0; k < n && !lang_eq(avail[k], req->kb->langs[a]); k++)
			;
		if (k == n)
			avail[n++] = req->kb->langs[a];
	}
	return lang_choose(http_arg(req, "lang"), req->accept_language, avail, n,
			   req->kb ? req->kb->default_lang : "en");
}

void page_url_lang(const struct http_request *req, struct sbuf *u)
{
	const char *l = http_arg(req, "lang");
	char *hash;
	struct sbuf out = SBUF_INIT;
	size_t at;

	if (!l || !lang_is_tag(l))
		return;
	hash = strchr(u->buf, '#');
	at = hash ? (size_t)(hash - u->buf) : u->len;
	sbuf_add(&out, u->buf, at);
	sbuf_addf(&out, "%clang=%s", memchr(u->buf, '?', at) ? '&' : '?', l);
	sbuf_adds(&out, u->buf + at);
	sbuf_reset(u);
	sbuf_add(u, out.buf, out.len);
	sbuf_release(&out);
}

void page_want(const struct http_request *req, struct kb_want *want)
{
	want->explicit = http_arg(req, "lang");
	want->accept = req->accept_language;
}

cJSON *page_site(const struct http_request *req, const char *title)
{
	cJSON *site = cJSON_CreateObject();
	const struct static_file *css = statics_get(req->app->statics, "app.css");
	const struct static_file *js = statics_get(req->app->statics, "app.js");
	struct sbuf u = SBUF_INIT;

	cJSON_AddStringToObject(site, "title", title);
	cJSON_AddStringToObject(site, "base_url", req->app->cfg.base_url);
	sbuf_addf(&u, "/static/app.css?v=%s", css ? css->version : "0");
	cJSON_AddStringToObject(site, "css_url", u.buf);
	sbuf_reset(&u);
	if (js) {
		sbuf_addf(&u, "/static/app.js?v=%s", js->version);
		cJSON_AddStringToObject(site, "js_url", u.buf);
	}
	sbuf_release(&u);
	if (req->kb)
		cJSON_AddStringToObject(site, "content_hash", req->kb->content_hash);
	cJSON_AddBoolToObject(site, "embed", http_arg(req, "embed") != NULL);
	cJSON_AddBoolToObject(site, "events", req->app->events != NULL);
	set_lang(site, page_reader_lang(req));
	/* The interface's languages, each a plain link to this page in it
	 * (not in the widget's panel, whose language its host sets). */
	if (!http_arg(req, "embed")) {
		size_t n;
		const char *const *langs = i18n_langs(req->app->i18n, &n);
		const char *ui = i18n_lang(req->app->i18n, page_reader_lang(req));
		cJSON *arr = n > 1 ? cJSON_AddArrayToObject(site, "languages") : NULL;

		if (arr)
			cJSON_AddBoolToObject(site, "many_languages", 1);

		for (size_t i = 0; arr && i < n; i++) {
			cJSON *o = cJSON_CreateObject();
			struct sbuf link = SBUF_INIT;
			int first = 1;

			sbuf_adds(&link, req->path ? req->path : "/");
			for (size_t a = 0; a < req->nr_args; a++)
				if (strcmp(req->args[a].key, "lang") && strcmp(req->args[a].key, "ask"))
					page_add_param(&link, &first, req->args[a].key, req->args[a].value);
			page_add_param(&link, &first, "lang", langs[i]);
			cJSON_AddStringToObject(o, "lang", langs[i]);
			cJSON_AddStringToObject(o, "name", lang_name(langs[i]));
			page_add_owned_string(o, "url", sbuf_detach(&link, NULL));
			cJSON_AddBoolToObject(o, "current", langs[i] == ui);
			cJSON_AddItemToArray(arr, o);
		}
	}
	/* Kept by the templates' links and forms (page_url_lang's rule);
	 * their links keep the widget's panel too. */
	{
		struct sbuf q = SBUF_INIT;
		int first = 1;

		if (http_arg(req, "lang") && lang_is_tag(http_arg(req, "lang"))) {
			cJSON_AddStringToObject(site, "lang_arg", http_arg(req, "lang"));
			page_add_param(&q, &first, "lang", http_arg(req, "lang"));
		}
		if (http_arg(req, "embed"))
			page_add_param(&q, &first, "embed", http_arg(req, "embed"));
		if (q.len)
			cJSON_AddStringToObject(site, "keep_query", q.buf + 1);
		sbuf_release(&q);
	}
	/* The language the interface's words are in: their catalogue's. */
	cJSON_AddStringToObject(site, "ui_lang", i18n_lang(req->app->i18n, page_reader_lang(req)));
	return site;
}

/* 1 when "Detect from this computer" can tell something: a cause for
 * Linux (or for any platform) names a question the probe answers, other
 * than the platform; of problem's article only, when problem is given. */
int page_probe_useful(const struct eng_model *m, const char *problem)
{
	int a = problem ? eng_model_option(m, m->q_problem, problem) : -1;
	int linux_opt = eng_model_option(m, m->q_platform, "linux");

	for (int q = 0; q < m->nr_questions; q++) {
		if (q == m->q_platform || !probe_answers_question(m->questions[q].id))
			continue;
		for (int k = m->named_start[q]; k < m->named_start[q + 1]; k++) {
			const struct eng_cause *c = &m->causes[m->named[k].cause];

			if ((a < 0 || c->article == a) &&
			    (c->platform < 0 || c->platform == linux_opt))
				return 1;
		}
	}
	return 0;
}

/* Appends text to out with '&', '<' and '>' escaped. */
static void add_escaped(struct sbuf *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '&')
			sbuf_adds(out, "&amp;");
		else if (*p == '<')
			sbuf_adds(out, "&lt;");
		else if (*p == '>')
			sbuf_adds(out, "&gt;");
		else
			sbuf_addch(out, *p);
	}
}

/* Renders template name over ctx (freed here) into rep as an HTML page. */
void page_render(struct http_request *req, struct http_reply *rep, int status,
		 const char *name, cJSON *ctx)
{
	const cJSON *site = cJSON_GetObjectItem(ctx, "site");
	const cJSON *lang = cJSON_GetObjectItem(site, "lang");
	const char *l = cJSON_IsString(lang) ? lang->valuestring : "en";

	rep->content_type = "text/html; charset=utf-8";
	rep->is_html = 1;
	rep->status = status;
	sbuf_reset(&rep->body);
	/* The interface's words in the page's language: {{t.KEY}}
	 * (i18n.h; a reference, not a copy). */
	cJSON_AddItemReferenceToObject(ctx, "t", (cJSON *)i18n_strings(req->app->i18n, l));
	cJSON_AddItemToObject(ctx, "t_json_html",
			      cJSON_CreateStringReference(i18n_script_json(req->app->i18n, l)));
	http_reply_header(rep, "Content-Language", i18n_lang(req->app->i18n, l));
	http_reply_header(rep, "Vary", "Accept-Language");
	if (tpl_render(req->app->templates, name, ctx, &rep->body)) {
		rep->status = 500;
		sbuf_reset(&rep->body);
		sbuf_adds(&rep->body, "<!doctype html><title>");
		add_escaped(&rep->body, i18n_text(req->app->i18n, l, "error_title"));
		sbuf_adds(&rep->body, "</title><p>");
		add_escaped(&rep->body, i18n_text(req->app->i18n, l, "error_not_rendered"));
		sbuf_adds(&rep->body, "</p>");
	}
	cJSON_Delete(ctx);
}

void page_error(struct http_request *req, struct http_reply *rep, int status,
		const char *message)
{
	cJSON *ctx = cJSON_CreateObject();

	cJSON_AddItemToObject(ctx, "site", page_site(req, i18n_text(
		req->app->i18n, page_reader_lang(req), "error_title")));
	cJSON_AddNumberToObject(ctx, "status", status);
	cJSON_AddStringToObject(ctx, "message", message);
	page_render(req, rep, status, "error", ctx);
}

/* The platform of the KB's list whose id is id (borrowed), or NULL. */
static const cJSON *find_platform(const cJSON *platforms, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, platforms)
		if (id && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "id")), id))
			return p;
	return NULL;
}

/* GET /[?platform=ID]: the problems to troubleshoot and every article (a
 * platform's and those for no platform in particular, with ?platform=
 * naming one of the KB's), and the platforms, each a link to its list. */
void page_index(struct http_request *req, struct http_reply *rep, const char *param)
{
	cJSON *ctx = cJSON_CreateObject(), *problems, *articles, *platforms, *it;
	const cJSON *chosen = find_platform(req->kb->platforms, http_arg(req, "platform"));
	const char *only = chosen ? cJSON_GetObjectItem(chosen, "id")->valuestring : NULL;

	(void)param;
	rep->route = "/";
	cJSON_AddItemToObject(ctx, "site", page_site(req, i18n_text(
		req->app->i18n, page_reader_lang(req), "index_title")));
	problems = cJSON_AddArrayToObject(ctx, "problems");
	articles = cJSON_AddArrayToObject(ctx, "articles");
	cJSON_ArrayForEach(it, req->kb->list) {
		cJSON *p;
		struct sbuf u = SBUF_INIT;

		/* An article for no platform in particular is for each. */
		if (only && cJSON_GetArraySize(cJSON_GetObjectItem(it, "platforms")) &&
		    !find_platform(cJSON_GetObjectItem(it, "platforms"), only))
			continue;
		cJSON_AddItemToArray(articles, cJSON_Duplicate(it, 1));
		if (cJSON_GetObjectItem(it, "causes")->valueint == 0)
			continue;
		p = cJSON_Duplicate(it, 1);
		sbuf_adds(&u, "/wizard?problem=");
		page_url_encode(&u, cJSON_GetObjectItem(it, "slug")->valuestring);
		page_url_lang(req, &u);
		page_add_owned_string(p, "wizard_url", sbuf_detach(&u, NULL));
		cJSON_AddItemToArray(problems, p);
	}
	platforms = cJSON_Duplicate(req->kb->platforms, 1);
	cJSON_ArrayForEach(it, platforms)
		cJSON_AddBoolToObject(it, "current", only && !strcmp(only,
				      cJSON_GetObjectItem(it, "id")->valuestring));
	cJSON_AddItemToObject(ctx, "platforms", platforms);
	if (chosen)
		cJSON_AddItemToObject(ctx, "platform_name", cJSON_Duplicate(
			cJSON_GetObjectItem(chosen, "name"), 1));
	if (api_probe_allowed(req) && page_probe_useful(req->kb->model, NULL) &&
	    (!only || !strcmp(only, "linux")))
		cJSON_AddBoolToObject(ctx, "can_detect", 1);
	/* With --probe loopback the page differs by client (the detect
	 * button): then it has no ETag, which would claim it does not. */
	if (req->app->cfg.probe != PROBE_LOOPBACK)
		http_reply_header(rep, "ETag", req->kb->etag);
	page_render(req, rep, 200, "index", ctx);
}

/* Gives each of the article's platforms the anchor of its first section,
 * for its chip to link to (none when no section is that platform's). */
static void link_platforms(cJSON *article)
{
	const cJSON *sections = cJSON_GetObjectItem(article, "sections");
	cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(article, "platforms")) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(p, "id"));
		const cJSON *s;

		cJSON_ArrayForEach(s, sections) {
			const char *sp = cJSON_GetStringValue(cJSON_GetObjectItem(s, "platform"));
			const char *anchor = cJSON_GetStringValue(cJSON_GetObjectItem(s, "anchor"));

			if (id && sp && anchor && !strcmp(id, sp)) {
				cJSON_AddStringToObject(p, "anchor", anchor);
				break;
			}
		}
	}
}

/* "Was this helpful?": the form (when events are recorded), or, after a
 * vote (?voted=yes|no), the thanks; its words in the page's language,
 * lang. */
static void add_vote(struct http_request *req, cJSON *ctx, const char *slug,
		     const char *lang)
{
	const char *voted = http_arg(req, "voted");
	struct sbuf u = SBUF_INIT;
	cJSON *v, *reasons;

	if (!req->app->events)
		return;
	v = cJSON_AddObjectToObject(ctx, "vote");
	if (voted && (!strcmp(voted, "yes") || !strcmp(voted, "no"))) {
		cJSON_AddBoolToObject(v, "thanked", 1);
		cJSON_AddBoolToObject(v, "helped", !strcmp(voted, "yes"));
		return;
	}
	sbuf_adds(&u, "/articles/");
	page_url_encode(&u, slug);
	sbuf_adds(&u, "#helpful");
	page_url_lang(req, &u);
	page_add_owned_string(v, "action", sbuf_detach(&u, NULL));
	reasons = cJSON_AddArrayToObject(v, "reasons");
	for (int i = 0; feedback_reasons[i]; i++) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "value", feedback_reasons[i]);
		cJSON_AddStringToObject(r, "label", feedback_reason_label(
			req->app->i18n, lang, feedback_reasons[i]));
		cJSON_AddItemToArray(reasons, r);
	}
}

/* The languages the article is in, as hreflang alternates in the page's
 * head (site.alternates) and as links on it (ctx.languages); and, when
 * the translation shown is outdated, the source's address (source_url). */
static void article_alternates(cJSON *site, cJSON *ctx, const char *slug,
			       const struct kb_doc *d)
{
	const cJSON *t;
	const char *src_lang = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, d->lang ?
							"source_lang" : "lang"));
	cJSON *alts, *o;
	struct sbuf u = SBUF_INIT;

	if (!cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "translations")))
		return;
	alts = cJSON_AddArrayToObject(site, "alternates");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "lang", src_lang && *src_lang ? src_lang : "en");
	cJSON_AddStringToObject(o, "name", lang_name(src_lang && *src_lang ? src_lang : "en"));
	sbuf_addf(&u, "/articles/");
	page_url_encode(&u, slug);
	sbuf_addf(&u, "?lang=%s", src_lang && *src_lang ? src_lang : "en");
	cJSON_AddStringToObject(o, "url", u.buf);
	cJSON_AddBoolToObject(o, "current", !d->lang);
	cJSON_AddItemToArray(alts, o);
	if (d->lang && cJSON_IsTrue(cJSON_GetObjectItem(ctx, "outdated")))
		cJSON_AddStringToObject(ctx, "source_url", u.buf);
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(ctx, "translations")) {
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(t, "lang"));

		if (!l || !lang_is_tag(l))
			continue;
		sbuf_reset(&u);
		sbuf_addf(&u, "/articles/");
		page_url_encode(&u, slug);
		sbuf_addf(&u, "?lang=%s", l);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "lang", l);
		cJSON_AddStringToObject(o, "name", lang_name(l));
		cJSON_AddStringToObject(o, "url", u.buf);
		cJSON_AddBoolToObject(o, "current", d->lang && lang_eq(d->lang, l));
		cJSON_AddItemToArray(alts, o);
	}
	cJSON_AddItemReferenceToObject(ctx, "languages", alts);
	cJSON_AddBoolToObject(ctx, "many_languages", 1);
	sbuf_release(&u);
}

void page_article(struct http_request *req, struct http_reply *rep, const char *slug)
{
	struct kb_want want;
	const struct kb_doc *d;
	cJSON *ctx;
	struct sbuf u = SBUF_INIT;

	page_want(req, &want);
	d = kbstate_article_lang(req->kb, slug, &want);
	rep->route = "/articles/{slug}";
	if (!strcmp(req->method, "POST")) {
		page_vote(req, rep, slug);
		return;
	}
	if (!d) {
		page_error(req, rep, 404, i18n_text(req->app->i18n, page_reader_lang(req),
						    "error_no_article"));
		return;
	}
	ctx = cJSON_Duplicate(d->doc, 1);
	{
		cJSON *site = page_site(req, cJSON_GetObjectItem(ctx, "title")->valuestring);
		const char *lang = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "lang"));
		const char *reader = page_reader_lang(req);

		/* A reader who asked for no language reads the page in the
		 * article's; one who did, in theirs (the article may be in
		 * another: it says so). */
		if (lang && *lang && !want.explicit && !want.accept)
			set_lang(site, lang);
		else if (lang && *lang && !lang_match(reader, &lang, 1))
			cJSON_AddBoolToObject(ctx, "other_language", 1);
		cJSON_AddStringToObject(ctx, "content_lang", lang && *lang ? lang : "en");
		article_alternates(site, ctx, slug, d);
		cJSON_AddItemToObject(ctx, "site", site);
	}
	link_platforms(ctx);
	if (cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "causes"))) {
		sbuf_adds(&u, "/wizard?problem=");
		page_url_encode(&u, slug);
		page_url_lang(req, &u);
		page_add_owned_string(ctx, "wizard_url", sbuf_detach(&u, NULL));
	}
	/* In the page's language: the reader's, or the article's. */
	add_vote(req, ctx, slug, cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(ctx, "site"), "lang")));
	http_reply_header(rep, "ETag", req->kb->etag);
	page_render(req, rep, 200, "article", ctx);
}

/* Where a hit leads: its article (at its section), through /search/open
 * when events are recorded, so that the hit opened is counted. */
static char *hit_url(const struct http_request *req, const char *q,
		     const cJSON *hit, int rank)
{
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItem(hit, "slug"));
	const char *section = cJSON_GetStringValue(cJSON_GetObjectItem(hit, "section"));
	struct sbuf u = SBUF_INIT;
	int first = 1;

	if (!req->app->events) {
		sbuf_adds(&u, "/articles/");
		page_url_encode(&u, slug ? slug : "");
		if (section && *section) {
			sbuf_addch(&u, '#');
			page_url_encode(&u, section);
		}
		page_url_lang(req, &u);
		return sbuf_detach(&u, NULL);
	}
	sbuf_adds(&u, "/search/open");
	page_add_param(&u, &first, "q", q);
	page_add_param(&u, &first, "to", slug ? slug : "");
	if (section && *section)
		page_add_param(&u, &first, "section", section);
	sbuf_addf(&u, "&rank=%d", rank);
	page_url_lang(req, &u);
	return sbuf_detach(&u, NULL);
}

/* A search made on the search page: its normalised query and hits. */
static void record_search(struct http_request *req, const char *q, double total)
{
	struct sbuf norm = SBUF_INIT;

	ev_query_normalise(&norm, q);
	if (norm.len && total >= 0) {
		struct ev_event *e = ev_event_new(EV_SEARCH);

		ev_event_set(&e->query, norm.buf);
		e->hits = (int64_t)total;
		record_event(req, e);
	}
	sbuf_release(&norm);
}

void page_search(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct sbuf err = SBUF_INIT;
	const char *q = http_arg(req, "q"), *code;
	cJSON *ctx, *doc = NULL, *p;
	int status = 200;

	(void)param;
	rep->route = "/search";
	if (q && *q) {
		doc = api_search_doc(req, &status, &code, &err);
		if (!doc && status >= 500) {
			page_error(req, rep, status, err.buf);
			sbuf_release(&err);
			return;
		}
	}
	ctx = doc ? doc : cJSON_CreateObject();
	if (doc) {
		cJSON *hit;

		/* The snippet is escaped text with <mark> tags (store.h): say
		 * by its name that the template inserts it as HTML. */
		int rank = 0;

		cJSON_ArrayForEach(hit, cJSON_GetObjectItem(doc, "hits")) {
			cJSON_AddItemToObject(hit, "snippet_html", cJSON_Duplicate(
				cJSON_GetObjectItem(hit, "snippet"), 1));
			page_add_owned_string(hit, "url", hit_url(req, q, hit, ++rank));
		}
		cJSON_AddBoolToObject(ctx, "has_hits",
				      cJSON_GetArraySize(cJSON_GetObjectItem(doc, "hits")) > 0);
		record_search(req, q, cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "total")));
	}
	cJSON_AddItemToObject(ctx, "site", page_site(req, q && *q ? q : i18n_text(
		req->app->i18n, page_reader_lang(req), "search_heading")));
	if (!doc)
		cJSON_AddStringToObject(ctx, "query", q ? q : "");
	if (err.len) {
		cJSON_AddStringToObject(ctx, "error", err.buf);
		status = 400;
	} else {
		status = 200;
	}
	p = cJSON_AddArrayToObject(ctx, "platform_filters");
	{
		const cJSON *it;
		const char *current = http_arg(req, "platform");

		cJSON_ArrayForEach(it, req->kb->platforms) {
			cJSON *f = cJSON_Duplicate(it, 1);
			cJSON_AddBoolToObject(f, "selected", current &&
					      !strcmp(current, cJSON_GetObjectItem(it, "id")->valuestring));
			cJSON_AddItemToArray(p, f);
		}
	}
	http_reply_header(rep, "ETag", req->kb->etag);
	page_render(req, rep, status, "search", ctx);
	sbuf_release(&err);
}

/* The reply is file f of the static table, with its ETag. */
static void reply_file(struct http_reply *rep, const struct static_file *f)
{
	rep->content_type = f->type;
	rep->fixed_body = f->data;
	rep->fixed_len = f->len;
	rep->fixed_cz = f->cz;
	http_reply_header(rep, "ETag", f->etag);
}

void page_static(struct http_request *req, struct http_reply *rep, const char *file)
{
	const struct static_file *f = statics_get(req->app->statics, file);
	const char *v = http_arg(req, "v");

	rep->route = "/static/{file}";
	if (!f) {
		page_error(req, rep, 404, i18n_text(req->app->i18n, page_reader_lang(req),
						    "error_no_file"));
		return;
	}
	reply_file(rep, f);
	/* A URL naming this exact content may be cached for good. */
	http_reply_header(rep, "Cache-Control", v && !strcmp(v, f->version) ?
			  "public, max-age=31536000, immutable" :
			  "public, max-age=300");
}

/* GET /embed.js: the help-desk widget's loader (static/embed.js). Host
 * pages name this fixed address, so it is cached for minutes, not for
 * good, and may be loaded from any origin: what it may then do there is
 * up to --cors and --frame-ancestors. */
void page_embed_js(struct http_request *req, struct http_reply *rep, const char *param)
{
	const struct static_file *f = statics_get(req->app->statics, "embed.js");

	(void)param;
	rep->route = "/embed.js";
	if (!f) {
		page_error(req, rep, 404, i18n_text(req->app->i18n, page_reader_lang(req),
						    "error_no_widget"));
		return;
	}
	reply_file(rep, f);
	http_reply_header(rep, "Cache-Control", "public, max-age=300");
	http_reply_header(rep, "Cross-Origin-Resource-Policy", "cross-origin");
}
