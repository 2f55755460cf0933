/* wizard: the troubleshooter's pages: each step (a question, a repair
 * step to try, or how the session ended), the form POST that a step's
 * "Yes, it's fixed" sends, the decision tree, and detection by the probe. */
#include "pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/model.h"
#include "../engine/report.h"
#include "../events/event.h"
#include "../probe/probe.h"
#include "anchors.h"
#include "api.h"
#include "app.h"
#include "i18n.h"
#include "kbstate.h"
#include "pages_internal.h"
#include "record.h"
#include "treeview.h"

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

/* What the wizard says when it has nothing more to ask or try and the
 * session has no outcome (a problem with no steps): that here is the
 * likely cause only when one stands out; that a cause the article does
 * not list is as likely, when it is. */
static const char *done_text(const struct i18n *c, const char *l, const cJSON *doc)
{
	const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0);
	double p = top ? cJSON_GetNumberValue(cJSON_GetObjectItem(top, "probability")) : 0;
	double other = cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "other_probability"));

	if (!top)
		return i18n_text(c, l, "wizard_done_no_cause");
	if (other >= p)
		return i18n_text(c, l, "wizard_done_unlisted");
	if (p < 0.5)
		return i18n_text(c, l, "wizard_done_ranked");
	return i18n_text(c, l, "wizard_done_top");
}

/* "about 5 minutes", "under a minute", "about 2 hours", in l. */
static char *cost_text(const struct i18n *c, const char *l, double minutes)
{
	struct sbuf t = SBUF_INIT;

	/* (nearbyint rounds as printf's "%.0f" did: half to even.) */
	if (minutes < 1)
		sbuf_adds(&t, i18n_text(c, l, "wizard_cost_under_minute"));
	else if (minutes < 1.5)
		sbuf_adds(&t, i18n_text(c, l, "wizard_cost_a_minute"));
	else if (minutes < 90)
		i18n_plural(c, l, "wizard_cost_minutes", (long)nearbyint(minutes), &t);
	else
		i18n_plural(c, l, "wizard_cost_hours", (long)nearbyint(minutes / 60), &t);
	return sbuf_detach(&t, NULL);
}

/* How a step tried went ("fixed", "failed", "skipped"), in l. */
static const char *result_label(const struct i18n *c, const char *l, const char *result)
{
	if (!strcmp(result, "fixed"))
		return i18n_text(c, l, "wizard_status_fixed");
	if (!strcmp(result, "failed"))
		return i18n_text(c, l, "wizard_status_failed");
	return i18n_text(c, l, "wizard_status_skipped");
}

/* The doc's tried entry for ref (as the document names it, or as
 * SLUG/ID), or NULL. */
static const cJSON *tried_entry(const cJSON *doc, const char *ref, size_t len)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tried")) {
		const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(t, "ref"));
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(t, "article"));
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(t, "step"));
		size_t n = a ? strlen(a) : 0;

		if (r && strlen(r) == len && !strncmp(r, ref, len))
			return t;
		if (a && id && len == n + 1 + strlen(id) && !strncmp(ref, a, n) &&
		    ref[n] == '/' && !strncmp(ref + n + 1, id, len - n - 1))
			return t;
	}
	return NULL;
}


/* The answers given and steps tried, in the order of the URL, each with
 * a link that takes it back ("change" asks the question again, keeping
 * every other answer; "undo" offers the step again). */
static void add_answered(struct http_request *req, cJSON *ctx)
{
	const struct eng_model *m = req->kb->model;
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	cJSON *list = cJSON_AddArrayToObject(ctx, "answered");

	for (size_t i = 0; i < req->nr_args; i++) {
		const struct http_arg *a = &req->args[i];
		cJSON *s;

		if (!strcmp(a->key, "problem") || !strcmp(a->key, "q") ||
		    page_is_ui_arg(a->key))
			continue;
		if (!strcmp(a->key, "tried")) {
			/* One step an argument in the wizard's links; a list
			 * ("a:failed,b:skipped") from elsewhere reads as one. */
			for (const char *p = a->value; *p;) {
				size_t n = strcspn(p, ","), r = n;
				const cJSON *t;

				while (r && p[r - 1] != ':')
					r--;
				t = r ? tried_entry(ctx, p, r - 1) : NULL;
				if (t) {
					s = cJSON_CreateObject();
					cJSON_AddStringToObject(s, "text", cJSON_GetStringValue(
						cJSON_GetObjectItem(t, "title")));
					cJSON_AddStringToObject(s, "label", result_label(c, l,
						cJSON_GetStringValue(cJSON_GetObjectItem(t, "result"))));
					cJSON_AddBoolToObject(s, "is_step", 1);
					page_add_owned_string(s, "change_url", page_url_with(
						req, "/wizard", req->nr_args, (long)i, NULL, NULL));
					cJSON_AddItemToArray(list, s);
				}
				p += n + (p[n] == ',');
			}
			continue;
		}
		{
			int q = eng_model_question(m, a->key);
			int v = q >= 0 ? eng_model_option(m, q, a->value) : -1;

			s = cJSON_CreateObject();
			cJSON_AddStringToObject(s, "question", a->key);
			cJSON_AddStringToObject(s, "text", q >= 0 ? m->questions[q].text : a->key);
			cJSON_AddStringToObject(s, "answer", a->value);
			cJSON_AddStringToObject(s, "label", v >= 0 ?
						m->questions[q].options[v].label :
						i18n_text(c, l, "wizard_answer_unknown"));
			cJSON_AddBoolToObject(s, "detected", in_csv(http_arg(req, "detected"),
								    a->key));
			/* "change": this answer left out and its question asked
			 * again; the other answers stay. */
			page_add_owned_string(s, "change_url", page_url_with(
				req, "/wizard", req->nr_args, (long)i, "ask", a->key));
			cJSON_AddItemToArray(list, s);
		}
	}
	cJSON_AddBoolToObject(ctx, "has_answered", cJSON_GetArraySize(list) > 0);
}

/* "try": the step the next action offers, as the page shows it: its
 * title and body, what it costs, its chance, why it comes now, the three
 * answers' values, and the steps planned after it. */
static void add_try(struct http_request *req, cJSON *ctx)
{
	const struct eng_model *m = req->kb->model;
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	const cJSON *next = cJSON_GetObjectItem(ctx, "next_action");
	const cJSON *why = cJSON_GetObjectItem(next, "why");
	cJSON *step = cJSON_GetObjectItem(next, "step"), *t, *later;
	const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(step, "ref"));
	const char *q = cJSON_GetStringValue(cJSON_GetObjectItem(why, "question"));
	double eco = cJSON_GetNumberValue(cJSON_GetObjectItem(why, "expected_cost_asking_first"));
	static const char *const results[] = { "fixed", "failed", "skipped" };
	struct sbuf v = SBUF_INIT;
	int n = 0;

	if (!cJSON_IsObject(step) || !ref)
		return;
	t = cJSON_Duplicate(step, 1);
	solution_body(t);
	page_add_owned_string(t, "cost_text", cost_text(c, l,
		cJSON_GetNumberValue(cJSON_GetObjectItem(step, "cost"))));
	page_add_owned_string(t, "total_text", cost_text(c, l, cJSON_GetNumberValue(
		cJSON_GetObjectItem(why, "expected_cost_of_repair"))));
	if (q && !isnan(eco)) {
		int qi = eng_model_question(m, q);

		struct kb_want want;
		const cJSON *tr;

		page_want(req, &want);
		tr = kbstate_question_text(req->kb, &want, q);
		cJSON_AddStringToObject(t, "weighed_text",
					cJSON_GetStringValue(cJSON_GetObjectItem(tr, "text")) ?
					cJSON_GetStringValue(cJSON_GetObjectItem(tr, "text")) :
					qi >= 0 ? m->questions[qi].text : q);
		page_add_owned_string(t, "weighed_cost_text", cost_text(c, l, eco));
	}
	/* The three answers' values of 'tried'. */
	for (size_t i = 0; i < sizeof(results) / sizeof(*results); i++) {
		sbuf_reset(&v);
		sbuf_addf(&v, "%s:%s", ref, results[i]);
		cJSON_AddStringToObject(t, results[i], v.buf);
	}
	sbuf_release(&v);
	later = cJSON_AddArrayToObject(t, "later");
	{
		const cJSON *s;

		cJSON_ArrayForEach(s, cJSON_GetObjectItem(ctx, "steps")) {
			if (n++ == 0)
				continue; /* this one */
			cJSON_AddItemToArray(later, cJSON_CreateString(cJSON_GetStringValue(
				cJSON_GetObjectItem(s, "title"))));
		}
	}
	cJSON_AddNumberToObject(t, "nr_later", cJSON_GetArraySize(later));
	cJSON_AddItemToObject(ctx, "try", t);
}

/* A line of the hand-over summary: "- ", form with vars, a newline. */
static void summary_line(struct sbuf *t, const char *form, const char *const *vars)
{
	sbuf_adds(t, "- ");
	i18n_fill(t, form, vars);
	sbuf_addch(t, '\n');
}

/* probability (0 to 1) as a percentage, "%.0f" (for {percent}). */
static const char *percent_of(const cJSON *o, const char *key, char *buf, size_t n)
{
	snprintf(buf, n, "%.0f", cJSON_GetNumberValue(cJSON_GetObjectItem(o, key)) * 100);
	return buf;
}

/* The answers and the steps tried, as the hand-over summary lists them. */
static void summary_answers(const struct i18n *c, const char *l, const cJSON *sum,
			    struct sbuf *t)
{
	const cJSON *a;
	int n = 0;

	cJSON_ArrayForEach(a, cJSON_GetObjectItem(sum, "answers")) {
		const char *answer = cJSON_GetStringValue(cJSON_GetObjectItem(a, "answer"));

		if (!n++)
			sbuf_addf(t, "%s\n", i18n_text(c, l, "wizard_summary_answers"));
		sbuf_addf(t, "- %s %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(a, "text")),
			  answer && !strcmp(answer, "unknown") ?
			  i18n_text(c, l, "wizard_answer_unknown") :
			  cJSON_GetStringValue(cJSON_GetObjectItem(a, "label")));
	}
	n = 0;
	/* (Of a session not fixed: each step failed or was skipped.) */
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(sum, "tried")) {
		const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(a, "result"));
		const char *const vars[] = {
			"result", r && !strcmp(r, "skipped") ?
				  i18n_text(c, l, "wizard_tried_skipped") :
				  i18n_text(c, l, "wizard_tried_failed"),
			"step", cJSON_GetStringValue(cJSON_GetObjectItem(a, "title")), NULL };

		if (!n++)
			sbuf_addf(t, "%s\n", i18n_text(c, l, "wizard_summary_tried"));
		summary_line(t, i18n_text(c, l, "wizard_summary_step"), vars);
	}
}

/* The hand-over summary of a session not fixed, for the support team, in
 * l: the engine's summary_text, as the engine writes it in English, said
 * again from its parts (outcome o's "summary", translated; title, the
 * problem's title in the reader's language, or NULL). */
static char *summary_text(const struct i18n *c, const char *l, const cJSON *o,
			  const char *title)
{
	const cJSON *sum = cJSON_GetObjectItem(o, "summary"), *it;
	const cJSON *problem = cJSON_GetObjectItem(sum, "problem");
	struct sbuf t = SBUF_INIT;
	char pct[32];
	int n = 0;

	if (cJSON_IsObject(problem)) {
		const char *const vars[] = {
			"title", title ? title :
				 cJSON_GetStringValue(cJSON_GetObjectItem(problem, "title")),
			"slug", cJSON_GetStringValue(cJSON_GetObjectItem(problem, "slug")), NULL };

		i18n_fill(&t, i18n_text(c, l, "wizard_summary_problem"), vars);
		sbuf_addch(&t, '\n');
	}
	summary_answers(c, l, sum, &t);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(sum, "causes")) {
		const char *const vars[] = {
			"percent", percent_of(it, "probability", pct, sizeof(pct)),
			"cause", cJSON_GetStringValue(cJSON_GetObjectItem(it, "title")), NULL };

		if (!n++)
			sbuf_addf(&t, "%s\n", i18n_text(c, l, "wizard_summary_causes"));
		summary_line(&t, i18n_text(c, l, "wizard_summary_cause"), vars);
	}
	{
		const char *const vars[] = {
			"percent", percent_of(sum, "other_probability", pct, sizeof(pct)), NULL };

		i18n_fill(&t, i18n_text(c, l, "wizard_summary_other"), vars);
	}
	return sbuf_detach(&t, NULL);
}

/* The title of the page's problem in the reader's language (borrowed),
 * or NULL. */
static const char *problem_title(const struct http_request *req, const cJSON *ctx)
{
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "problem"));
	const struct kb_doc *d;
	struct kb_want want;

	page_want(req, &want);
	d = slug ? kbstate_article_lang(req->kb, slug, &want) : NULL;
	return d ? cJSON_GetStringValue(cJSON_GetObjectItem(d->doc, "title")) : NULL;
}

/* "fixed" / "not_fixed": how the session ended, as the page says it. */
static void add_outcome(struct http_request *req, cJSON *ctx)
{
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	const cJSON *o = cJSON_GetObjectItem(ctx, "outcome");
	const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(o, "status"));
	cJSON *e;

	if (!status)
		return;
	if (!strcmp(status, "fixed")) {
		e = cJSON_AddObjectToObject(ctx, "fixed");
		cJSON_AddStringToObject(e, "title", cJSON_GetStringValue(cJSON_GetObjectItem(
			cJSON_GetObjectItem(o, "fixed_by"), "title")));
		return;
	}
	e = cJSON_AddObjectToObject(ctx, "not_fixed");
	cJSON_AddStringToObject(e, "reason_text",
		!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "reason")), "unlisted_cause") ?
		i18n_text(c, l, "wizard_not_fixed_unlisted") :
		i18n_text(c, l, "wizard_not_fixed_no_step"));
	cJSON_AddItemToObject(e, "escalation_html", cJSON_Duplicate(
		cJSON_GetObjectItem(o, "escalation_html"), 1));
	/* The engine's English text, as it is, for an English reader; the
	 * others', said again in their language. */
	if (!strcmp(i18n_lang(c, l), "en"))
		cJSON_AddItemToObject(e, "summary_text", cJSON_Duplicate(
			cJSON_GetObjectItem(o, "summary_text"), 1));
	else
		page_add_owned_string(e, "summary_text", summary_text(c, l, o,
			problem_title(req, ctx)));
	/* Tall enough to read the summary whole: a row a line. */
	{
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(e, "summary_text"));
		int rows = 1;

		for (; t && *t; t++)
			rows += *t == '\n';
		cJSON_AddNumberToObject(e, "summary_rows", rows < 4 ? 4 : rows > 30 ? 30 : rows);
	}
}

/* A cause's explanation says of each step tried that fixes it, and did
 * not fix the problem, "did not fix it": in l. */
static void explain_steps(const struct i18n *c, const char *l, cJSON *cause)
{
	cJSON *ex;

	cJSON_ArrayForEach(ex, cJSON_GetObjectItem(cause, "explanation"))
		if (cJSON_GetObjectItem(ex, "step"))
			cJSON_ReplaceItemInObject(ex, "label", cJSON_CreateString(
				i18n_text(c, l, "wizard_tried_failed")));
}

/* A cause's explanation as the page says it: what makes it more likely
 * ("why_more"), then what makes it less likely ("why_less"), each under
 * one label rather than a label an item. */
static void why_lists(cJSON *cause)
{
	cJSON *more = cJSON_AddArrayToObject(cause, "why_more");
	cJSON *less = cJSON_AddArrayToObject(cause, "why_less");
	cJSON *ex;

	cJSON_ArrayForEach(ex, cJSON_GetObjectItem(cause, "explanation"))
		cJSON_AddItemReferenceToArray(cJSON_IsTrue(cJSON_GetObjectItem(ex, "supports")) ?
					      more : less, ex);
	cJSON_AddBoolToObject(cause, "has_why_more", cJSON_GetArraySize(more) > 0);
	cJSON_AddBoolToObject(cause, "has_why_less", cJSON_GetArraySize(less) > 0);
}

/* Of the causes, those whose fixes a page shows in full: the likeliest,
 * and the next ones (the first three at most) that are at least half as
 * likely; the others' fixes are links (the reader looks at those rarely,
 * and they were most of a page). */
static int is_leading(int rank, double p, double top)
{
	return rank == 1 || (rank <= 3 && p >= top / 2);
}

/* The fixes a page shows in full, so far: "ARTICLE/ID\n" each, the
 * step on offer's first. */
static void shown_add(struct sbuf *shown, const char *article, const char *id)
{
	sbuf_addf(shown, "%s/%s\n", article ? article : "", id ? id : "");
}

/* Where in shown the entry of article's id starts, or -1. */
static long shown_at(const struct sbuf *shown, const char *article, const char *id)
{
	struct sbuf key = SBUF_INIT;
	long at = -1;

	shown_add(&key, article, id);
	for (size_t i = 0; shown->len && i < shown->len; i += strcspn(shown->buf + i, "\n") + 1)
		if (!strncmp(shown->buf + i, key.buf, key.len)) {
			at = (long)i;
			break;
		}
	sbuf_release(&key);
	return at;
}

static int shown_has(const struct sbuf *shown, const char *article, const char *id)
{
	return shown_at(shown, article, id) >= 0;
}

/* 1 when article's id is shown's first entry (the step on offer). */
static int shown_is_first(const struct sbuf *shown, const char *article, const char *id)
{
	return shown_at(shown, article, id) == 0;
}

/* Adds to ctx what the wizard page needs beyond the diagnose document:
 * the answers given and steps tried (with links that take them back),
 * back / start over / skip links, the step to try or how it ended, and the
 * hidden fields that carry the session so far. */
static void wizard_links(struct http_request *req, cJSON *ctx)
{
	const cJSON *next = cJSON_GetObjectItem(ctx, "next_question");
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
		if (!strcmp(a->key, "problem") || page_is_ui_arg(a->key))
			continue;
		last = (long)i;
	}
	add_answered(req, ctx);
	{
		/* The answers listed, in the reader's language too. */
		struct kb_want want;

		page_want(req, &want);
		kbstate_translate_doc(req->kb, &want, NULL, cJSON_GetObjectItem(ctx, "answered"));
	}
	add_try(req, ctx);
	add_outcome(req, ctx);
	cJSON_AddBoolToObject(ctx, "has_causes",
			      cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "causes")) > 0);
	cJSON_AddBoolToObject(ctx, "ended", cJSON_GetObjectItem(ctx, "fixed") ||
			      cJSON_GetObjectItem(ctx, "not_fixed"));
	cJSON_AddStringToObject(ctx, "done_text", done_text(req->app->i18n,
							    page_reader_lang(req), ctx));
	if (last >= 0)
		page_add_owned_string(ctx, "back_url", page_url_with(req, "/wizard", req->nr_args, last, NULL, NULL));
	/* Start over: the page's own arguments, and the problem. */
	page_add_owned_string(ctx, "start_over_url",
			 page_url_with(req, "/wizard", 0, -1, http_arg(req, "problem") ? "problem" : NULL,
				  http_arg(req, "problem")));
	if (cJSON_IsObject(next)) {
		const char *id = cJSON_GetObjectItem(next, "id")->valuestring;
		cJSON *opt;

		page_add_owned_string((cJSON *)next, "skip_url",
				 page_url_with(req, "/wizard", req->nr_args, -1, id, "unknown"));
		cJSON_ArrayForEach(opt, cJSON_GetObjectItem(next, "options"))
			page_add_owned_string(opt, "url",
					 page_url_with(req, "/wizard", req->nr_args, -1, id,
						  cJSON_GetObjectItem(opt, "value")->valuestring));
	}
	{
		const char *l = page_reader_lang(req);
		const cJSON *tr = cJSON_GetObjectItem(ctx, "try");
		double top = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
			cJSON_GetObjectItem(ctx, "causes"), 0), "probability"));
		struct sbuf shown = SBUF_INIT;
		struct kb_want want;
		cJSON *c;
		int rank = 0, open = !tr, checks = 0;

		page_want(req, &want);
		/* The step on offer is on the page in full already. */
		if (tr)
			shown_add(&shown, cJSON_GetStringValue(cJSON_GetObjectItem(tr, "article")),
				  cJSON_GetStringValue(cJSON_GetObjectItem(tr, "id")));
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(ctx, "causes")) {
			struct sbuf u = SBUF_INIT;
			const struct kb_doc *d;
			const char *article = cJSON_GetStringValue(cJSON_GetObjectItem(c, "article"));
			int leading;
			cJSON *so;

			cJSON_AddNumberToObject(c, "rank", ++rank);
			leading = is_leading(rank, cJSON_GetNumberValue(
				cJSON_GetObjectItem(c, "probability")), top);
			/* A checklist's check: what one step looks for. */
			cJSON_AddBoolToObject(c, "is_check", !strcmp(cJSON_GetStringValue(
				cJSON_GetObjectItem(c, "kind")), "check"));
			checks += cJSON_IsTrue(cJSON_GetObjectItem(c, "is_check"));
			cJSON_AddBoolToObject(c, "top", rank == 1);
			/* The top cause's fixes open, unless a step is on offer
			 * above them. */
			cJSON_AddBoolToObject(c, "open", rank == 1 && open);
			cJSON_AddBoolToObject(c, "has_explanation", cJSON_GetArraySize(
				cJSON_GetObjectItem(c, "explanation")) > 0 ||
				cJSON_GetObjectItem(c, "learned_from"));
			cJSON_AddBoolToObject(c, "has_solutions", cJSON_GetArraySize(
				cJSON_GetObjectItem(c, "solutions")) > 0);
			explain_steps(req->app->i18n, l, c);
			why_lists(c);
			sbuf_adds(&u, "/articles/");
			page_url_encode(&u, article);
			page_url_lang(req, &u);
			d = kbstate_article_lang(req->kb, article, &want);
			cJSON_ArrayForEach(so, cJSON_GetObjectItem(c, "solutions")) {
				const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(so, "status"));
				const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(so, "id"));

				solution_body(so);
				if (st && strcmp(st, "untried"))
					cJSON_AddStringToObject(so, "status_text", result_label(
						req->app->i18n, l, st));
				/* Each fix's text once on a page, and only under the
				 * causes that lead; elsewhere its title links to where
				 * it is said: the step above, or its article. */
				if (leading && !shown_has(&shown, article, id)) {
					cJSON_AddBoolToObject(so, "inline", 1);
					shown_add(&shown, article, id);
				} else if (tr && shown_is_first(&shown, article, id)) {
					cJSON_AddStringToObject(so, "fix_url", "#try");
				} else {
					const char *anchor = d ? anchors_solution(d->doc, id) : NULL;
					struct sbuf f = SBUF_INIT;

					sbuf_add(&f, u.buf, u.len);
					if (anchor)
						sbuf_addf(&f, "#%s", anchor);
					page_add_owned_string(so, "fix_url", sbuf_detach(&f, NULL));
				}
			}
			page_add_owned_string(c, "article_url", sbuf_detach(&u, NULL));
		}
		cJSON_AddBoolToObject(ctx, "all_checks", rank > 0 && checks == rank);
		sbuf_release(&shown);
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
	cJSON *question, *action;

	if (q < 0 || http_arg(req, ask))
		return;
	/* The options as the problem chosen (if any) allows them. */
	answers = eng_answers_new(m);
	if (cJSON_IsString(problem))
		answers[m->q_problem] = eng_model_option(m, m->q_problem,
							 problem->valuestring);
	question = eng_question_json(m, answers, q);
	free(answers);
	/* That question is all the page asks: no step on offer, no ending
	 * beside it (the answer may change both). */
	action = cJSON_CreateObject();
	cJSON_AddStringToObject(action, "type", "question");
	cJSON_AddItemToObject(action, "question", cJSON_Duplicate(question, 1));
	cJSON_ReplaceItemInObject(doc, "next_question", question);
	cJSON_ReplaceItemInObject(doc, "next_action", action);
	cJSON_ReplaceItemInObject(doc, "outcome", cJSON_CreateNull());
}

/* With 'lang' naming a language the KB has, the problems offered are the
 * articles in that language (and those that do not say theirs). */
static void only_language(struct http_request *req, cJSON *doc)
{
	const struct eng_model *m = req->kb->model;
	const char *lang = page_kb_language(m, http_arg(req, "lang"));
	cJSON *next = cJSON_GetObjectItem(doc, "next_question");
	cJSON *opts = cJSON_GetObjectItem(next, "options");
	const cJSON *id = cJSON_GetObjectItem(next, "id");

	if (!lang || !cJSON_IsString(id) || strcmp(id->valuestring, "problem"))
		return;
	for (int i = cJSON_GetArraySize(opts) - 1; i >= 0; i--) {
		const cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(opts, i), "value");
		int a = cJSON_IsString(v) ? eng_model_option(m, m->q_problem, v->valuestring) : -1;

		if (a >= 0 && !page_article_in(&m->articles[a], lang))
			cJSON_DeleteItemFromArray(opts, i);
	}
}

/* POST /wizard: a step's "Yes, it's fixed" (a form, so that a browser
 * without JavaScript can send it, and so that recording outcomes later
 * changes no page). Answered 303 with the GET URL of the page it leads
 * to, the form's fields as its arguments, in order. */
static void wizard_post(struct http_request *req, struct http_reply *rep)
{
	struct sbuf url = SBUF_INIT;
	size_t from = req->nr_args;
	int first = 1;

	if (page_read_form(req, rep, i18n_text(req->app->i18n, page_reader_lang(req),
					       "form_what_wizard")))
		return;
	sbuf_adds(&url, "/wizard");
	for (size_t i = from; i < req->nr_args; i++)
		if (strcmp(req->args[i].key, "ask"))
			page_add_param(&url, &first, req->args[i].key, req->args[i].value);
	page_see_other(req, rep, url.buf, NULL);
	sbuf_release(&url);
}

void page_wizard(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct sbuf err = SBUF_INIT;
	struct kb_want want;
	const char *code;
	int status, new_session = 0;
	cJSON *doc;

	(void)param;
	rep->route = "/wizard";
	if (!strcmp(req->method, "POST")) {
		wizard_post(req, rep);
		return;
	}
	/* An article with nothing to troubleshoot (no causes, so no answer
	 * to 'problem'; an old link, say): the article itself. */
	{
		const char *problem = http_arg(req, "problem");
		const struct eng_model *m = req->kb->model;

		if (problem && *problem && eng_model_option(m, m->q_problem, problem) < 0 &&
		    kbstate_article(req->kb, problem)) {
			struct sbuf url = SBUF_INIT, note = SBUF_INIT;
			const char *const vars[] = { "problem", problem, NULL };

			sbuf_adds(&url, "/articles/");
			page_url_encode(&url, problem);
			i18n_fill(&note, i18n_text(req->app->i18n, page_reader_lang(req),
						   "wizard_no_causes_note"), vars);
			page_see_other(req, rep, url.buf, note.buf);
			sbuf_release(&url);
			sbuf_release(&note);
			return;
		}
	}
	/* With recording on, the wizard's links carry a session id ('sid'),
	 * made here when the URL has none (a new session). */
	if (req->app->events) {
		const char *sid = http_arg(req, "sid");

		if (!sid || !ev_session_valid(sid)) {
			struct sbuf s = SBUF_INIT;

			ev_session_new(&s);
			http_request_set_arg(req, "sid", s.buf);
			sbuf_release(&s);
			new_session = 1;
		}
	}
	doc = api_diagnose_doc(req, NULL, page_ui_args, &status, &code, &err);
	if (!doc) {
		page_error(req, rep, status, err.buf);
		sbuf_release(&err);
		return;
	}
	record_wizard(req, doc, new_session);
	/* The links of a page that shows an end ("undo", "Back", "change")
	 * begin a new session: the store keeps one outcome a session. That
	 * page is then the reader's own, as one that made a session is. */
	if (req->app->events && cJSON_IsObject(cJSON_GetObjectItem(doc, "outcome"))) {
		struct sbuf s = SBUF_INIT;

		ev_session_new(&s);
		http_request_set_arg(req, "sid", s.buf);
		sbuf_release(&s);
		new_session = 1;
	}
	cJSON_AddItemToObject(doc, "site", page_site(req, i18n_text(
		req->app->i18n, page_reader_lang(req), "wizard_heading")));
	page_want(req, &want);
	kbstate_translate_doc(req->kb, &want,
		       cJSON_GetStringValue(cJSON_GetObjectItem(doc, "problem")), doc);
	/* Every path of the wizard is a URL: not for search engines. */
	cJSON_AddBoolToObject(cJSON_GetObjectItem(doc, "site"), "noindex", 1);
	ask_again(req, doc);
	only_language(req, doc);
	wizard_links(req, doc);
	/* "Detect from this computer": for Linux (or before the platform is
	 * known), when this client may use the probe and the problem's
	 * causes (any problem's, before one is chosen) ask what it reads. */
	{
		const char *platform = http_arg(req, "platform");

		if (api_probe_allowed(req) && !http_arg(req, "detected") &&
		    !cJSON_IsTrue(cJSON_GetObjectItem(doc, "ended")) &&
		    (!platform || !strcmp(platform, "linux")) &&
		    page_probe_useful(req->kb->model, http_arg(req, "problem")))
			cJSON_AddBoolToObject(doc, "can_detect", 1);
	}
	{
		const char *title = problem_title(req, doc);

		if (title)
			cJSON_AddStringToObject(doc, "problem_title", title);
	}
	/* A page that made a session is that reader's own. */
	if (new_session)
		http_reply_header(rep, "Cache-Control", "no-store");
	else if (req->app->cfg.probe != PROBE_LOOPBACK)
		http_reply_header(rep, "ETag", req->kb->etag);
	page_render(req, rep, 200, "wizard", doc);
	sbuf_release(&err);
}

/* Largest tree drawn; past it the page says the tree was cut. */
#define TREE_MAX_NODES 2000

/* GET /wizard/tree?problem=SLUG: the whole decision tree the wizard would
 * walk (as `clew tree`), as an outline: each question with its answers,
 * the steps to try in order, and where each path ends; every node opens
 * the wizard at the step its path leads to. */
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
	{
		/* In the reader's language: the catalogue's and the
		 * article's translations. */
		struct kb_want want;

		page_want(req, &want);
		kbstate_translate_doc(req->kb, &want, problem, tree);
	}
	ctx = treeview_context(tree, req->app->i18n, page_reader_lang(req));
	cJSON_Delete(tree);
	cJSON_AddItemToObject(ctx, "site", page_site(req, i18n_text(
		req->app->i18n, page_reader_lang(req), "tree_heading")));
	cJSON_AddBoolToObject(cJSON_GetObjectItem(ctx, "site"), "noindex", 1);
	if (problem) {
		struct kb_want want;
		const struct kb_doc *d;

		page_want(req, &want);
		d = kbstate_article_lang(req->kb, problem, &want);
		if (d)
			cJSON_AddItemToObject(ctx, "problem_title", cJSON_Duplicate(
				cJSON_GetObjectItem(d->doc, "title"), 1));
	}
	http_reply_header(rep, "ETag", req->kb->etag);
	page_render(req, rep, 200, "tree", ctx);
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
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req);
	struct probe_opts opts = { http_arg(req, "device"), 0, 0 };
	struct probe_result *r;
	const struct probe_answer *ans;
	struct sbuf url = SBUF_INIT, detected = SBUF_INIT, note = SBUF_INIT;
	int nr = 0, first = 1;

	(void)param;
	rep->route = "/wizard/detect";
	if (!api_probe_allowed(req)) {
		page_error(req, rep, req->app->cfg.probe == PROBE_OFF ? 404 : 403,
			   req->app->cfg.probe == PROBE_OFF ?
			   i18n_text(c, l, "error_detect_off") :
			   i18n_text(c, l, "error_detect_local"));
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
		page_add_param(&url, &first, a->key, a->value);
	}
	for (int i = 0; i < nr; i++) {
		/* Only questions this KB asks, and not ones answered already. */
		if (http_arg(req, ans[i].question) ||
		    eng_model_question(req->kb->model, ans[i].question) < 0)
			continue;
		page_add_param(&url, &first, ans[i].question, ans[i].value);
		sbuf_addf(&detected, "%s%s", detected.len ? "," : "", ans[i].question);
	}
	if (detected.len)
		page_add_param(&url, &first, "detected", detected.buf);
	if (!probe_bluez_available(r)) {
		const char *const vars[] = { "reason", probe_bluez_errmsg(r) ?
			probe_bluez_errmsg(r) : i18n_text(c, l, "wizard_unknown_error"), NULL };

		i18n_fill(&note, i18n_text(c, l, "wizard_bluez_unreachable"), vars);
	}
	page_see_other(req, rep, url.buf, note.len ? note.buf : NULL);
	probe_result_free(r);
	sbuf_release(&url);
	sbuf_release(&detected);
	sbuf_release(&note);
}

