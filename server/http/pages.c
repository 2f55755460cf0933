/* pages: the HTML pages and the static files. */
#include "pages.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "../base/xalloc.h"
#include "../engine/model.h"
#include "../probe/probe.h"
#include "api.h"
#include "app.h"
#include "kbstate.h"
#include "statics.h"
#include "template.h"
#include "treeview.h"
#include "../engine/engine.h"
#include "../engine/report.h"

/* Query arguments that steer the page, not the diagnosis: 'embed' (the
 * page is the help-desk widget's panel; its value is the host page's
 * origin, or 1), 'detected' (answers read by the probe), 'lang' (the
 * reader's language) and 'ask' (the question to ask next, from a "change"
 * link). */
static const char *const ui_args[] = { "embed", "detected", "lang", "ask", NULL };

static int is_ui_arg(const char *key)
{
	for (size_t i = 0; ui_args[i]; i++)
		if (!strcmp(key, ui_args[i]))
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
static const char *kb_language(const struct eng_model *m, const char *want)
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
static int article_in(const struct eng_article *a, const char *lang)
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
	return !strcmp(key, "embed") || !strcmp(key, "lang");
}

/* Appends "?k=v" to the first argument of u, "&k=v" to the others. */
static void add_param(struct sbuf *u, int *first, const char *k, const char *v)
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
static char *url_with(const struct http_request *req, const char *path, size_t n,
		      long skip, const char *extra_key, const char *extra_value)
{
	struct sbuf u = SBUF_INIT;
	int first = 1;

	sbuf_adds(&u, path);
	for (size_t i = 0; i < req->nr_args; i++) {
		const char *k = req->args[i].key;

		if ((long)i == skip || !strcmp(k, "ask") || (i >= n && !is_kept_arg(k)))
			continue;
		add_param(&u, &first, k, req->args[i].value);
	}
	if (extra_key)
		add_param(&u, &first, extra_key, extra_value);
	return sbuf_detach(&u, NULL);
}

static void add_owned_string(cJSON *o, const char *key, char *s)
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

static cJSON *site_json(const struct http_request *req, const char *title)
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
	{
		const char *lang = req->kb ? kb_language(req->kb->model, http_arg(req, "lang")) : NULL;

		set_lang(site, lang ? lang : "en");
	}
	return site;
}

/* 1 when "Detect from this computer" can tell something: a cause for
 * Linux (or for any platform) names a question the probe answers, other
 * than the platform; of problem's article only, when problem is given. */
static int probe_useful(const struct eng_model *m, const char *problem)
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

/* Renders template name over ctx (freed here) into rep as an HTML page. */
static void render(struct http_request *req, struct http_reply *rep, int status,
		   const char *name, cJSON *ctx)
{
	rep->content_type = "text/html; charset=utf-8";
	rep->is_html = 1;
	rep->status = status;
	sbuf_reset(&rep->body);
	if (tpl_render(req->app->templates, name, ctx, &rep->body)) {
		rep->status = 500;
		sbuf_reset(&rep->body);
		sbuf_adds(&rep->body, "<!doctype html><title>Error</title>"
			  "<p>This page could not be rendered.</p>");
	}
	cJSON_Delete(ctx);
}

void page_error(struct http_request *req, struct http_reply *rep, int status,
		const char *message)
{
	cJSON *ctx = cJSON_CreateObject();

	cJSON_AddItemToObject(ctx, "site", site_json(req, "Error"));
	cJSON_AddNumberToObject(ctx, "status", status);
	cJSON_AddStringToObject(ctx, "message", message);
	render(req, rep, status, "error", ctx);
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
	cJSON_AddItemToObject(ctx, "site", site_json(req, "Troubleshooting"));
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
		add_owned_string(p, "wizard_url", sbuf_detach(&u, NULL));
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
	if (api_probe_allowed(req) && probe_useful(req->kb->model, NULL) &&
	    (!only || !strcmp(only, "linux")))
		cJSON_AddBoolToObject(ctx, "can_detect", 1);
	/* With --probe loopback the page differs by client (the detect
	 * button): then it has no ETag, which would claim it does not. */
	if (req->app->cfg.probe != PROBE_LOOPBACK)
		http_reply_header(rep, "ETag", req->kb->etag);
	render(req, rep, 200, "index", ctx);
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

void page_article(struct http_request *req, struct http_reply *rep, const char *slug)
{
	const struct kb_doc *d = kbstate_article(req->kb, slug);
	cJSON *ctx;
	struct sbuf u = SBUF_INIT;

	rep->route = "/articles/{slug}";
	if (!d) {
		page_error(req, rep, 404, "There is no article at this address.");
		return;
	}
	ctx = cJSON_Duplicate(d->doc, 1);
	{
		cJSON *site = site_json(req, cJSON_GetObjectItem(ctx, "title")->valuestring);
		const cJSON *lang = cJSON_GetObjectItem(ctx, "lang");

		/* The page is in the article's language when it says one. */
		if (cJSON_IsString(lang) && *lang->valuestring)
			set_lang(site, lang->valuestring);
		cJSON_AddItemToObject(ctx, "site", site);
	}
	link_platforms(ctx);
	if (cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "causes"))) {
		sbuf_adds(&u, "/wizard?problem=");
		page_url_encode(&u, slug);
		add_owned_string(ctx, "wizard_url", sbuf_detach(&u, NULL));
	}
	http_reply_header(rep, "ETag", req->kb->etag);
	render(req, rep, 200, "article", ctx);
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
		cJSON_ArrayForEach(hit, cJSON_GetObjectItem(doc, "hits"))
			cJSON_AddItemToObject(hit, "snippet_html", cJSON_Duplicate(
				cJSON_GetObjectItem(hit, "snippet"), 1));
		cJSON_AddBoolToObject(ctx, "has_hits",
				      cJSON_GetArraySize(cJSON_GetObjectItem(doc, "hits")) > 0);
	}
	cJSON_AddItemToObject(ctx, "site", site_json(req, q && *q ? q : "Search"));
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
	render(req, rep, status, "search", ctx);
	sbuf_release(&err);
}

/* Returns 1 when word is one of the comma-separated words of list. */
static int in_csv(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, word, n))
			return 1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Skips blanks and tags; the next character of html's text. */
static const char *html_next_char(const char *p)
{
	for (;;) {
		if (*p == '<') {
			const char *end = strchr(p, '>');

			p = end ? end + 1 : p + strlen(p);
		} else if (is_blank(*p)) {
			p++;
		} else {
			return p;
		}
	}
}

/* The character at h, an entity decoded (cmark escapes only &, <, > and
 * "); *n is set to its length in html. */
static char html_char(const char *h, size_t *n)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	};

	*n = 1;
	for (size_t i = 0; *h == '&' && i < sizeof(ents) / sizeof(*ents); i++)
		if (!strncmp(h, ents[i].ent, strlen(ents[i].ent))) {
			*n = strlen(ents[i].ent);
			return ents[i].c;
		}
	return *h;
}

/* Matches title against the start of html's text, blanks aside, copying
 * the tags it passes to tags (when not NULL). Returns where html goes on
 * after the title, or NULL when its text does not start with title. */
static const char *html_skip_title(const char *html, const char *title,
				   struct sbuf *tags)
{
	const char *h = html, *t = title;

	for (;;) {
		size_t n;

		while (is_blank(*t))
			t++;
		if (!*t)
			return h;
		if (*h == '<') {
			const char *end = strchr(h, '>');

			end = end ? end + 1 : h + strlen(h);
			if (tags)
				sbuf_add(tags, h, (size_t)(end - h));
			h = end;
		} else if (is_blank(*h)) {
			h++;
		} else if (!*h || html_char(h, &n) != *t) {
			return NULL;
		} else {
			h += n;
			t++;
		}
	}
}

/* 1 when text ends a sentence: '.', '!', '?' or ':', or their full-width
 * forms, blanks aside. */
static int ends_sentence(const char *text)
{
	size_t n = strlen(text);

	while (n && is_blank(text[n - 1]))
		n--;
	if (n && strchr(".!?:", text[n - 1]))
		return 1;
	return n >= 3 && (!strncmp(text + n - 3, "\xe3\x80\x82", 3) ||  /* 。 */
			  !strncmp(text + n - 3, "\xef\xbc\x81", 3) ||  /* ！ */
			  !strncmp(text + n - 3, "\xef\xbc\x9f", 3) ||  /* ？ */
			  !strncmp(text + n - 3, "\xef\xbc\x9a", 3));   /* ： */
}

/* 1 when html, blanks aside, starts by closing a block: what came before
 * was all of a paragraph, item or heading. */
static int ends_block(const char *html)
{
	while (is_blank(*html))
		html++;
	return !strncmp(html, "</p>", 4) || !strncmp(html, "</li>", 5) ||
	       !strncmp(html, "</h", 3);
}

/* A solution as the wizard shows it: "brief" when its body says no more
 * than its title (shown once, not as a summary over the same sentence);
 * else, when its body starts with the title as a sentence or a block of
 * its own, the body without it, as the summary above it already reads it. */
static void solution_body(cJSON *so)
{
	const char *html = cJSON_GetStringValue(cJSON_GetObjectItem(so, "html"));
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItem(so, "title"));
	struct sbuf body = SBUF_INIT;
	const char *rest;

	if (!html || !title)
		return;
	rest = html_skip_title(html, title, &body);
	if (rest && !*html_next_char(rest)) {
		cJSON_AddBoolToObject(so, "brief", 1);
	} else if (rest && (ends_sentence(title) || ends_block(rest))) {
		/* (A title that is no sentence, "Restart", may be the start
		 * of one: "Restarting the PC often fixes it.") */
		while (is_blank(*rest))
			rest++;
		/* The paragraph the title was alone in goes with it. */
		if (body.len >= 3 && !strcmp(body.buf + body.len - 3, "<p>") &&
		    !strncmp(rest, "</p>", 4)) {
			sbuf_setlen(&body, body.len - 3);
			rest += 4;
			while (is_blank(*rest))
				rest++;
		}
		sbuf_adds(&body, rest);
		cJSON_ReplaceItemInObject(so, "html", cJSON_CreateString(body.buf));
	}
	sbuf_release(&body);
}

/* What the wizard says when it asks no more (as app.js's doneText): that
 * here is the likely cause only when one stands out; that a cause the
 * article does not list is as likely, when it is. */
static const char *done_text(const cJSON *doc)
{
	const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0);
	double p = top ? cJSON_GetNumberValue(cJSON_GetObjectItem(top, "probability")) : 0;
	double other = cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "other_probability"));

	if (!top)
		return "No listed cause fits these answers.";
	if (other >= p)
		return "No further question would tell these apart, and a cause "
		       "not listed here is as likely: the article may not cover "
		       "your case.";
	if (p < 0.5)
		return "No further question would tell these apart: here they "
		       "are, most likely first.";
	return "That is as far as the questions go: here is the most likely cause.";
}

/* Adds to ctx what the wizard page needs beyond the diagnose document:
 * the answers given (with "change" links), back / start over / skip links,
 * and the hidden fields that carry the answers so far. */
static void wizard_links(struct http_request *req, cJSON *ctx)
{
	const struct eng_model *m = req->kb->model;
	const cJSON *next = cJSON_GetObjectItem(ctx, "next_question");
	cJSON *steps = cJSON_AddArrayToObject(ctx, "steps");
	cJSON *hidden = cJSON_AddArrayToObject(ctx, "hidden");
	long last = -1;

	for (size_t i = 0; i < req->nr_args; i++) {
		const struct http_arg *a = &req->args[i];

		if (strcmp(a->key, "ask")) {
			cJSON *h = cJSON_CreateObject();

			cJSON_AddStringToObject(h, "name", a->key);
			cJSON_AddStringToObject(h, "value", a->value);
			cJSON_AddItemToArray(hidden, h);
		}
		if (!strcmp(a->key, "problem") || is_ui_arg(a->key))
			continue;
		last = (long)i;
		if (strcmp(a->key, "q")) {
			int q = eng_model_question(m, a->key);
			int v = q >= 0 ? eng_model_option(m, q, a->value) : -1;
			cJSON *s = cJSON_CreateObject();

			cJSON_AddStringToObject(s, "question", a->key);
			cJSON_AddStringToObject(s, "text", q >= 0 ? m->questions[q].text : a->key);
			cJSON_AddStringToObject(s, "answer", a->value);
			cJSON_AddStringToObject(s, "label", v >= 0 ?
						m->questions[q].options[v].label :
						"I don't know");
			cJSON_AddBoolToObject(s, "detected", in_csv(http_arg(req, "detected"),
								    a->key));
			/* "change": this answer left out and its question asked
			 * again; the other answers stay. */
			add_owned_string(s, "change_url", url_with(req, "/wizard", req->nr_args,
								   (long)i, "ask", a->key));
			cJSON_AddItemToArray(steps, s);
		}
	}
	cJSON_AddBoolToObject(ctx, "has_steps", cJSON_GetArraySize(steps) > 0);
	cJSON_AddBoolToObject(ctx, "has_causes",
			      cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "causes")) > 0);
	cJSON_AddStringToObject(ctx, "done_text", done_text(ctx));
	if (last >= 0)
		add_owned_string(ctx, "back_url", url_with(req, "/wizard", req->nr_args, last, NULL, NULL));
	/* Start over: the page's own arguments, and the problem. */
	add_owned_string(ctx, "start_over_url",
			 url_with(req, "/wizard", 0, -1, http_arg(req, "problem") ? "problem" : NULL,
				  http_arg(req, "problem")));
	if (cJSON_IsObject(next)) {
		const char *id = cJSON_GetObjectItem(next, "id")->valuestring;
		cJSON *opt;

		add_owned_string((cJSON *)next, "skip_url",
				 url_with(req, "/wizard", req->nr_args, -1, id, "unknown"));
		cJSON_ArrayForEach(opt, cJSON_GetObjectItem(next, "options"))
			add_owned_string(opt, "url",
					 url_with(req, "/wizard", req->nr_args, -1, id,
						  cJSON_GetObjectItem(opt, "value")->valuestring));
	}
	{
		cJSON *c;
		int rank = 0;

		cJSON_ArrayForEach(c, cJSON_GetObjectItem(ctx, "causes")) {
			struct sbuf u = SBUF_INIT;
			cJSON *so;

			cJSON_AddNumberToObject(c, "rank", ++rank);
			cJSON_AddBoolToObject(c, "top", rank == 1);
			cJSON_AddBoolToObject(c, "has_explanation", cJSON_GetArraySize(
				cJSON_GetObjectItem(c, "explanation")) > 0);
			cJSON_AddBoolToObject(c, "has_solutions", cJSON_GetArraySize(
				cJSON_GetObjectItem(c, "solutions")) > 0);
			cJSON_ArrayForEach(so, cJSON_GetObjectItem(c, "solutions"))
				solution_body(so);
			sbuf_adds(&u, "/articles/");
			page_url_encode(&u, cJSON_GetObjectItem(c, "article")->valuestring);
			add_owned_string(c, "article_url", sbuf_detach(&u, NULL));
		}
	}
}

/* 'ask=QUESTION' (from a "change" link): that question is the one asked
 * next, when it is a question of the KB and not answered. */
static void ask_again(struct http_request *req, cJSON *doc)
{
	const struct eng_model *m = req->kb->model;
	const char *ask = http_arg(req, "ask");
	const cJSON *problem = cJSON_GetObjectItem(doc, "problem");
	int q = ask ? eng_model_question(m, ask) : -1, *answers;

	if (q < 0 || http_arg(req, ask))
		return;
	/* The options as the problem chosen (if any) allows them. */
	answers = eng_answers_new(m);
	if (cJSON_IsString(problem))
		answers[m->q_problem] = eng_model_option(m, m->q_problem,
							 problem->valuestring);
	cJSON_ReplaceItemInObject(doc, "next_question", eng_question_json(m, answers, q));
	free(answers);
}

/* With 'lang' naming a language the KB has, the problems offered are the
 * articles in that language (and those that do not say theirs). */
static void only_language(struct http_request *req, cJSON *doc)
{
	const struct eng_model *m = req->kb->model;
	const char *lang = kb_language(m, http_arg(req, "lang"));
	cJSON *next = cJSON_GetObjectItem(doc, "next_question");
	cJSON *opts = cJSON_GetObjectItem(next, "options");
	const cJSON *id = cJSON_GetObjectItem(next, "id");

	if (!lang || !cJSON_IsString(id) || strcmp(id->valuestring, "problem"))
		return;
	for (int i = cJSON_GetArraySize(opts) - 1; i >= 0; i--) {
		const cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(opts, i), "value");
		int a = cJSON_IsString(v) ? eng_model_option(m, m->q_problem, v->valuestring) : -1;

		if (a >= 0 && !article_in(&m->articles[a], lang))
			cJSON_DeleteItemFromArray(opts, i);
	}
}

void page_wizard(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct sbuf err = SBUF_INIT;
	const char *code;
	int status;
	cJSON *doc;

	(void)param;
	rep->route = "/wizard";
	/* An article with nothing to troubleshoot (no causes, so no answer
	 * to 'problem'; an old link, say): the article itself. */
	{
		const char *problem = http_arg(req, "problem");
		const struct eng_model *m = req->kb->model;

		if (problem && *problem && eng_model_option(m, m->q_problem, problem) < 0 &&
		    kbstate_article(req->kb, problem)) {
			struct sbuf url = SBUF_INIT;

			sbuf_adds(&url, "/articles/");
			page_url_encode(&url, problem);
			rep->status = 303;
			rep->content_type = "text/plain; charset=utf-8";
			http_reply_header(rep, "Location", url.buf);
			sbuf_addf(&rep->body, "'%s' has no causes to troubleshoot; see %s\n",
				  problem, url.buf);
			sbuf_release(&url);
			return;
		}
	}
	doc = api_diagnose_doc(req, NULL, ui_args, &status, &code, &err);
	if (!doc) {
		page_error(req, rep, status, err.buf);
		sbuf_release(&err);
		return;
	}
	cJSON_AddItemToObject(doc, "site", site_json(req, "Troubleshooter"));
	ask_again(req, doc);
	only_language(req, doc);
	wizard_links(req, doc);
	/* "Detect from this computer": for Linux (or before the platform is
	 * known), when this client may use the probe and the problem's
	 * causes (any problem's, before one is chosen) ask what it reads. */
	{
		const char *platform = http_arg(req, "platform");

		if (api_probe_allowed(req) && !http_arg(req, "detected") &&
		    (!platform || !strcmp(platform, "linux")) &&
		    probe_useful(req->kb->model, http_arg(req, "problem")))
			cJSON_AddBoolToObject(doc, "can_detect", 1);
	}
	if (cJSON_IsString(cJSON_GetObjectItem(doc, "problem"))) {
		const struct kb_doc *d = kbstate_article(
			req->kb, cJSON_GetObjectItem(doc, "problem")->valuestring);
		if (d)
			cJSON_AddItemToObject(doc, "problem_title", cJSON_Duplicate(
				cJSON_GetObjectItem(d->doc, "title"), 1));
	}
	if (req->app->cfg.probe != PROBE_LOOPBACK)
		http_reply_header(rep, "ETag", req->kb->etag);
	render(req, rep, 200, "wizard", doc);
	sbuf_release(&err);
}

/* Largest tree drawn; past it the page says the tree was cut. */
#define TREE_MAX_NODES 2000

/* GET /wizard/tree?problem=SLUG: the whole decision tree the wizard would
 * walk (as `clew tree`), drawn as inline SVG; a leaf opens the wizard at
 * the step its path leads to. */
void page_tree(struct http_request *req, struct http_reply *rep, const char *param)
{
	const struct eng_model *m = req->kb->model;
	const char *problem = http_arg(req, "problem");
	struct sbuf err = SBUF_INIT;
	int *answers = eng_answers_new(m);
	struct eng_work *w;
	cJSON *tree, *ctx;

	(void)param;
	rep->route = "/wizard/tree";
	if (problem && *problem && eng_answer_set(m, answers, "problem", problem, &err)) {
		page_error(req, rep, 400, err.buf);
		goto cleanup;
	}
	if (problem && !*problem)
		problem = NULL;
	w = kbstate_work_take(req->kb);
	tree = eng_tree_json(w, answers, TREE_MAX_NODES);
	kbstate_work_give(req->kb, w);
	ctx = treeview_layout(tree, problem);
	cJSON_AddItemToObject(ctx, "site", site_json(req, "Decision tree"));
	cJSON_AddItemToObject(ctx, "nodes_total",
			      cJSON_Duplicate(cJSON_GetObjectItem(tree, "nodes"), 1));
	cJSON_AddItemToObject(ctx, "truncated",
			      cJSON_Duplicate(cJSON_GetObjectItem(tree, "truncated"), 1));
	if (problem) {
		const struct kb_doc *d = kbstate_article(req->kb, problem);

		cJSON_AddStringToObject(ctx, "problem", problem);
		if (d)
			cJSON_AddItemToObject(ctx, "problem_title", cJSON_Duplicate(
				cJSON_GetObjectItem(d->doc, "title"), 1));
	}
	cJSON_Delete(tree);
	http_reply_header(rep, "ETag", req->kb->etag);
	render(req, rep, 200, "tree", ctx);
cleanup:
	free(answers);
	sbuf_release(&err);
}

/* GET /wizard/detect: runs the probe, then sends the browser to the
 * wizard step with the detected answers added (answers already given win)
 * and listed in 'detected', so the page can mark them and every step
 * stays a plain, shareable URL. */
void page_detect(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct probe_opts opts = { http_arg(req, "device"), 0, 0 };
	struct probe_result *r;
	const struct probe_answer *ans;
	struct sbuf url = SBUF_INIT, detected = SBUF_INIT;
	int nr = 0, first = 1;

	(void)param;
	rep->route = "/wizard/detect";
	if (!api_probe_allowed(req)) {
		page_error(req, rep, req->app->cfg.probe == PROBE_OFF ? 404 : 403,
			   req->app->cfg.probe == PROBE_OFF ?
			   "Detection is off on this server." :
			   "Detection works only from the computer that runs this server.");
		return;
	}
	if (opts.device && !*opts.device)
		opts.device = NULL;
	r = probe_run(&opts);
	ans = probe_answers(r, &nr);
	sbuf_adds(&url, "/wizard");
	for (size_t i = 0; i < req->nr_args; i++) {
		const struct http_arg *a = &req->args[i];

		if (!strcmp(a->key, "device") || !strcmp(a->key, "detected"))
			continue;
		add_param(&url, &first, a->key, a->value);
	}
	for (int i = 0; i < nr; i++) {
		/* Only questions this KB asks, and not ones answered already. */
		if (http_arg(req, ans[i].question) ||
		    eng_model_question(req->kb->model, ans[i].question) < 0)
			continue;
		add_param(&url, &first, ans[i].question, ans[i].value);
		sbuf_addf(&detected, "%s%s", detected.len ? "," : "", ans[i].question);
	}
	if (detected.len)
		add_param(&url, &first, "detected", detected.buf);
	rep->status = 303;
	rep->content_type = "text/plain; charset=utf-8";
	http_reply_header(rep, "Location", url.buf);
	http_reply_header(rep, "Cache-Control", "no-store");
	if (!probe_bluez_available(r))
		sbuf_addf(&rep->body, "BlueZ could not be reached: %s\n",
			  probe_bluez_errmsg(r) ? probe_bluez_errmsg(r) : "unknown error");
	sbuf_addf(&rep->body, "See %s\n", url.buf);
	probe_result_free(r);
	sbuf_release(&url);
	sbuf_release(&detected);
}

/* The reply is file f of the static table, with its ETag. */
static void reply_file(struct http_reply *rep, const struct static_file *f)
{
	rep->content_type = f->type;
	rep->fixed_body = f->data;
	rep->fixed_len = f->len;
	http_reply_header(rep, "ETag", f->etag);
}

void page_static(struct http_request *req, struct http_reply *rep, const char *file)
{
	const struct static_file *f = statics_get(req->app->statics, file);
	const char *v = http_arg(req, "v");

	rep->route = "/static/{file}";
	if (!f) {
		page_error(req, rep, 404, "There is no such file.");
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
		page_error(req, rep, 404, "The widget is not installed on this server.");
		return;
	}
	reply_file(rep, f);
	http_reply_header(rep, "Cache-Control", "public, max-age=300");
	http_reply_header(rep, "Cross-Origin-Resource-Policy", "cross-origin");
}
