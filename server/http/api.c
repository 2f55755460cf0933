/* api: the JSON API (v1), /healthz and /metrics. */
#include "api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/lang.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../probe/probe.h"
#include "../store/store.h"
#include "app.h"
#include "i18n.h"
#include "kbstate.h"
#include "memo.h"
#include "metrics.h"
#include "pages.h"
#include "record.h"

void api_error(struct http_reply *rep, int status, const char *code,
	       const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	cJSON *doc = cJSON_CreateObject(), *err;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err = cJSON_AddObjectToObject(doc, "error");
	cJSON_AddStringToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", msg.buf);
	rep->status = status;
	rep->fixed_body = NULL;
	rep->fixed_cz = NULL;
	rep->is_html = 0;
	sbuf_reset(&rep->body);
	api_json(rep, doc);
	sbuf_release(&msg);
}

void api_json(struct http_reply *rep, cJSON *doc)
{
	char *s = cJSON_PrintUnformatted(doc);

	rep->content_type = "application/json";
	sbuf_adds(&rep->body, s);
	free(s);
	cJSON_Delete(doc);
}

void api_healthz(struct http_request *req, struct http_reply *rep, const char *param)
{
	cJSON *doc = cJSON_CreateObject(), *kb;

	(void)param;
	rep->route = "/healthz";
	if (!req->kb) {
		api_error(rep, 503, "kb_unavailable", "no knowledge base is loaded");
		cJSON_Delete(doc);
		return;
	}
	cJSON_AddStringToObject(doc, "status", "ok");
	kb = cJSON_AddObjectToObject(doc, "kb");
	cJSON_AddNumberToObject(kb, "articles", req->kb->nr_articles);
	cJSON_AddStringToObject(kb, "schema_version",
				req->kb->schema_version ? req->kb->schema_version : "");
	cJSON_AddStringToObject(kb, "content_hash", req->kb->content_hash);
	cJSON_AddStringToObject(kb, "built_at", req->kb->built_at);
	http_reply_header(rep, "Cache-Control", "no-store");
	api_json(rep, doc);
}

void api_messages(struct http_request *req, struct http_reply *rep, const char *param)
{
	const char *lang = page_reader_lang(req);
	struct sbuf body = SBUF_INIT;

	(void)param;
	rep->route = "/api/v1/messages";
	lang = i18n_lang(req->app->i18n, lang);
	/* The catalogue's JSON is script-safe already: it is valid JSON. */
	sbuf_addf(&body, "{\"lang\":\"%s\",\"messages\":%s}", lang,
		  i18n_json(req->app->i18n, lang));
	rep->status = 200;
	rep->content_type = "application/json";
	sbuf_reset(&rep->body);
	sbuf_add(&rep->body, body.buf, body.len);
	sbuf_release(&body);
	/* The interface's words are public: the widget reads them from any
	 * help-desk page (embed.js). */
	http_reply_header(rep, "Access-Control-Allow-Origin", "*");
	http_reply_header(rep, "Content-Language", lang);
	http_reply_header(rep, "Vary", "Accept-Language");
	http_reply_header(rep, "Cache-Control", "public, max-age=300");
}

void api_metrics(struct http_request *req, struct http_reply *rep, const char *param)
{
	(void)param;
	rep->route = "/metrics";
	rep->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_reply_header(rep, "Cache-Control", "no-store");
	metrics_render(req->app->metrics, req->kb, &rep->body);
	record_metrics(req, &rep->body);
}

/* Parses a decimal argument in [lo, hi]; def when absent. */
static int int_arg(const struct http_request *req, const char *key, long def,
		   long lo, long hi, long *out, struct sbuf *err)
{
	const char *v = http_arg(req, key);
	char *end;
	long n;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi) {
		sbuf_addf(err, "'%s' must be a whole number from %ld to %ld", key, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

static int has_string(const cJSON *arr, const char *key, const char *want)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(it, key) : it;
		if (cJSON_IsString(v) && text_ieq(v->valuestring, want))
			return 1;
	}
	return 0;
}

cJSON *api_articles_doc(struct http_request *req, int *status, const char **code,
			struct sbuf *err)
{
	const char *platform = http_arg(req, "platform");
	const char *product = http_arg(req, "product");
	long limit, offset, total = 0;
	cJSON *doc, *items;
	const cJSON *it;

	*status = 400;
	*code = "bad_request";
	if (int_arg(req, "limit", 50, 1, 1000, &limit, err) ||
	    int_arg(req, "offset", 0, 0, 1000000000L, &offset, err))
		return NULL;
	doc = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(doc, "items");
	cJSON_ArrayForEach(it, req->kb->list) {
		if (platform && *platform &&
		    !has_string(cJSON_GetObjectItem(it, "platforms"), "id", platform))
			continue;
		if (product && *product &&
		    !has_string(cJSON_GetObjectItem(it, "products"), NULL, product))
			continue;
		if (total >= offset && total < offset + limit) {
			cJSON *o = cJSON_Duplicate(it, 1);
			struct kb_want want;
			const struct kb_doc *d;

			/* Its title in the reader's language, when translated. */
			page_want(req, &want);
			d = kbstate_article_lang(req->kb, cJSON_GetStringValue(
				cJSON_GetObjectItem(it, "slug")), &want);
			if (d && d->lang) {
				cJSON_ReplaceItemInObject(o, "title", cJSON_Duplicate(
					cJSON_GetObjectItem(d->doc, "title"), 1));
				cJSON_AddStringToObject(o, "lang", d->lang);
			}
			cJSON_AddItemToArray(items, o);
		}
		total++;
	}
	cJSON_AddNumberToObject(doc, "total", (double)total);
	cJSON_AddNumberToObject(doc, "limit", (double)limit);
	cJSON_AddNumberToObject(doc, "offset", (double)offset);
	return doc;
}

typedef cJSON *doc_fn(struct http_request *req, int *status, const char **code,
		     struct sbuf *err);

/* The KB's ETag, with the language the KB has that serves the reader
 * best when that is another than the sources' own: one representation a
 * tag, as caches need (Vary: Accept-Language). */
static void kb_etag(struct http_request *req, struct http_reply *rep)
{
	const char *l = lang_choose(http_arg(req, "lang"), req->accept_language,
				    (const char *const *)req->kb->langs, req->kb->nr_langs, NULL);
	struct sbuf e = SBUF_INIT;

	if (l && !lang_eq(l, req->kb->default_lang))
		sbuf_addf(&e, "\"%s-%s\"", req->kb->content_hash, l);
	else
		sbuf_adds(&e, req->kb->etag);
	http_reply_header(rep, "ETag", e.buf);
	http_reply_header(rep, "Vary", "Accept-Language");
	sbuf_release(&e);
}

/* Fills rep with the KB-derived document make builds (with the KB's
 * ETag), or with its error. */
static void reply_doc(struct http_request *req, struct http_reply *rep,
		      doc_fn *make)
{
	struct sbuf err = SBUF_INIT;
	const char *code;
	int status;
	cJSON *doc = make(req, &status, &code, &err);

	if (!doc) {
		api_error(rep, status, code, "%s", err.buf);
	} else {
		api_json(rep, doc);
		kb_etag(req, rep);
	}
	sbuf_release(&err);
}

void api_articles(struct http_request *req, struct http_reply *rep, const char *param)
{
	(void)param;
	rep->route = "/api/v1/articles";
	reply_doc(req, rep, api_articles_doc);
}

void api_article(struct http_request *req, struct http_reply *rep, const char *slug)
{
	struct kb_want want;
	const struct kb_doc *d;
	const char *lang;

	page_want(req, &want);
	d = kbstate_article_lang(req->kb, slug, &want);
	rep->route = "/api/v1/articles/{slug}";
	if (!d) {
		api_error(rep, 404, "not_found", "no article with slug '%s'", slug);
		return;
	}
	rep->fixed_body = d->json;
	rep->fixed_len = d->len;
	rep->fixed_cz = d->cz;
	lang = cJSON_GetStringValue(cJSON_GetObjectItem(d->doc, "lang"));
	if (lang && *lang)
		http_reply_header(rep, "Content-Language", lang);
	http_reply_header(rep, "Vary", "Accept-Language");
	/* One KB, several documents by language: the tag says which. */
	http_reply_header(rep, "ETag", d->lang ? d->etag : req->kb->etag);
}

void api_questions(struct http_request *req, struct http_reply *rep, const char *param)
{
	(void)param;
	struct kb_want want;
	const char *tag, *json;

	page_want(req, &want);
	json = kbstate_questions_json(req->kb, &want, &tag);
	rep->route = "/api/v1/questions";
	rep->fixed_body = json;
	rep->fixed_len = strlen(json);
	http_reply_header(rep, "Content-Language", tag ? tag : "en");
	http_reply_header(rep, "Vary", "Accept-Language");
	if (tag) {
		struct sbuf e = SBUF_INIT;

		sbuf_addf(&e, "\"%s-%s\"", req->kb->content_hash, tag);
		http_reply_header(rep, "ETag", e.buf);
		sbuf_release(&e);
	} else {
		http_reply_header(rep, "ETag", req->kb->etag);
	}
}

cJSON *api_search_doc(struct http_request *req, int *status, const char **code,
		      struct sbuf *err)
{
	struct store_search_opts so = { http_arg(req, "q"), http_arg(req, "platform"), 10, page_reader_lang(req) };
	struct store *st;
	cJSON *doc = NULL;
	long limit;

	*status = 400;
	*code = "bad_query";
	if (int_arg(req, "limit", 10, 1, 100, &limit, err))
		return NULL;
	so.limit = (int)limit;
	if (so.platform && !*so.platform)
		so.platform = NULL;
	if (!so.query) {
		sbuf_adds(err, "missing 'q': give the words to search for");
		return NULL;
	}
	st = kbstate_store_take(req->kb);
	switch (store_search(st, &so, &doc)) {
	case STORE_SEARCH_OK:
		break;
	case STORE_SEARCH_BAD_QUERY:
		sbuf_adds(err, store_errmsg(st));
		break;
	default:
		*status = 500;
		*code = "internal";
		sbuf_adds(err, store_errmsg(st));
		break;
	}
	kbstate_store_give(req->kb, st);
	return doc;
}

void api_search(struct http_request *req, struct http_reply *rep, const char *param)
{
	(void)param;
	rep->route = "/api/v1/search";
	reply_doc(req, rep, api_search_doc);
}

/* Weights each article by its full-text match with text (1 = best). */
static void boost_from_text(struct http_request *req, const char *text,
			    double *boost)
{
	struct store *st = kbstate_store_take(req->kb);

	store_text_boost(st, req->kb->model, text, boost);
	kbstate_store_give(req->kb, st);
}

static int skipped(const char *key, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strcmp(key, *skip))
			return 1;
	return 0;
}

/* Reads the answers (from body when given, else from the query) into
 * answers, the steps tried into tried and the free text into *text
 * (borrowed from the request). Returns 0, or -1 with *status, *code and
 * err set. */
static int parse_diagnose(struct http_request *req, const cJSON *body,
			  const char *const *skip, int *answers,
			  struct eng_tried *tried, const char **text,
			  int *status, const char **code, struct sbuf *err)
{
	const struct eng_model *m = req->kb->model;

	*status = 400;
	*code = "bad_answer";
	*text = NULL;
	if (body) {
		const cJSON *it, *answers_obj = NULL, *tried_obj = NULL;

		cJSON_ArrayForEach(it, body) {
			if (!strcmp(it->string, "problem") && cJSON_IsString(it)) {
				if (eng_answer_set(m, answers, "problem", it->valuestring, err))
					return -1;
			} else if (!strcmp(it->string, "problem") && cJSON_IsNull(it)) {
				continue;
			} else if (!strcmp(it->string, "q") && cJSON_IsString(it)) {
				*text = it->valuestring;
			} else if (!strcmp(it->string, "answers") && cJSON_IsObject(it)) {
				answers_obj = it;
			} else if (!strcmp(it->string, "tried") && cJSON_IsObject(it)) {
				tried_obj = it;
			} else if ((!strcmp(it->string, "tried") || !strcmp(it->string, "answers") ||
				    !strcmp(it->string, "q")) && cJSON_IsNull(it)) {
				continue;
			} else {
				*code = "bad_request";
				sbuf_addf(err, "unexpected '%s': the body is {\"problem\": "
					  "slug, \"q\": text, \"answers\": {question: "
					  "value}, \"tried\": {step: result}}, each optional",
					  it->string);
				return -1;
			}
		}
		cJSON_ArrayForEach(it, answers_obj) {
			if (!cJSON_IsString(it)) {
				*code = "bad_request";
				sbuf_addf(err, "the answer to '%s' must be a string", it->string);
				return -1;
			}
			if (eng_answer_set(m, answers, it->string, it->valuestring, err))
				return -1;
		}
		*code = "bad_step";
		cJSON_ArrayForEach(it, tried_obj) {
			if (!cJSON_IsString(it)) {
				*code = "bad_request";
				sbuf_addf(err, "the result of step '%s' must be a string "
					  "(failed, fixed or skipped)", it->string);
				return -1;
			}
			if (eng_tried_set(m, answers, tried, it->string, it->valuestring, err))
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < req->nr_args; i++) {
		const struct http_arg *a = &req->args[i];

		if (skipped(a->key, skip) || !strcmp(a->key, "tried"))
			continue;
		if (!strcmp(a->key, "q"))
			*text = a->value;
		else if (eng_answer_set(m, answers, a->key, a->value, err))
			return -1;
	}
	/* Steps once every answer is read: an id is a step of the problem. */
	*code = "bad_step";
	for (size_t i = 0; i < req->nr_args; i++)
		if (!strcmp(req->args[i].key, "tried") &&
		    eng_tried_parse(m, answers, tried, req->args[i].value, err))
			return -1;
	return 0;
}

/* Ranks for parsed answers; returns the diagnose document (caller frees). */
static cJSON *run_diagnose(struct http_request *req, const int *answers,
			   const struct eng_tried *tried, const char *text)
{
	const struct eng_model *m = req->kb->model;
	double *boost = NULL;
	struct eng_work *w;
	struct eng_result r;
	cJSON *doc;

	if (text && *text) {
		boost = xcalloc((size_t)m->nr_articles + 1, sizeof(*boost));
		boost_from_text(req, text, boost);
	}
	w = kbstate_work_take(req->kb);
	eng_diagnose(w, answers, tried->result, boost, &r);
	doc = eng_result_json(m, answers, tried, &r);
	kbstate_work_give(req->kb, w);
	metrics_diagnose(req->app->metrics);
	free(boost);
	return doc;
}

cJSON *api_diagnose_doc(struct http_request *req, const cJSON *body,
			const char *const *skip, int *status, const char **code,
			struct sbuf *err)
{
	int *answers = eng_answers_new(req->kb->model);
	struct eng_tried tried;
	const char *text;
	cJSON *doc = NULL;

	eng_tried_init(&tried, req->kb->model);
	if (!parse_diagnose(req, body, skip, answers, &tried, &text, status, code, err))
		doc = run_diagnose(req, answers, &tried, text);
	eng_tried_release(&tried);
	free(answers);
	return doc;
}

/* The diagnose document for parsed answers, as rep's body: from the
 * KB's memo when the same session was seen (a fixed body, which rep
 * holds), else ranked, printed and memoised. The
 * key is the answers array (every question's value index, in catalogue
 * order, so argument order and spelling do not matter), the steps tried
 * with their results in the order reported (the document lists them so),
 * and the text. */
static void diagnose_printed(struct http_request *req, const int *answers,
			     const struct eng_tried *tried, const char *text,
			     struct http_reply *rep)
{
	struct memo_doc *kept;
	size_t n = (size_t)req->kb->model->nr_questions * sizeof(*answers);
	struct sbuf key = SBUF_INIT;
	struct kb_want want;
	cJSON *doc;
	char *s;

	sbuf_add(&key, answers, n);
	for (int i = 0; i < tried->nr; i++) {
		int step = tried->order[i];

		sbuf_add(&key, &step, sizeof(step));
		sbuf_addch(&key, (char)tried->result[step]);
	}
	sbuf_addch(&key, '\0');
	sbuf_adds(&key, text ? text : "");
	/* In the reader's language (one model, the text translated): the
	 * language the KB has that serves them best is part of the key. */
	{
		const char *l = lang_choose(http_arg(req, "lang"), req->accept_language,
					    (const char *const *)req->kb->langs, req->kb->nr_langs,
					    NULL);

		want.explicit = l;
		want.accept = NULL;
		sbuf_addch(&key, '\0');
		sbuf_adds(&key, l ? l : "");
	}
	kept = memo_ref(req->kb->diagnoses, key.buf, key.len);
	if (kept) {
		/* Served as kept, with its compressed copies (made once, from
		 * the second time a diagnosis is asked for on: a one-off costs
		 * only the router's fast compression). */
		metrics_diagnose(req->app->metrics);
		rep->fixed_body = kept->data;
		rep->fixed_len = kept->len;
		rep->fixed_cz = kept->cz;
		rep->hold = kept;
		rep->hold_release = memo_doc_release;
		sbuf_release(&key);
		return;
	}
	doc = run_diagnose(req, answers, tried, text);
	if (want.explicit)
		kbstate_translate_doc(req->kb, &want, cJSON_GetStringValue(
			cJSON_GetObjectItem(doc, "problem")), doc);
	s = cJSON_PrintUnformatted(doc);
	memo_put(req->kb->diagnoses, key.buf, key.len, s, strlen(s));
	sbuf_adds(&rep->body, s);
	free(s);
	cJSON_Delete(doc);
	sbuf_release(&key);
}

void api_diagnose(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct sbuf err = SBUF_INIT;
	cJSON *body = NULL;
	const char *code, *text;
	struct eng_tried tried;
	int status, *answers;

	(void)param;
	rep->route = "/api/v1/diagnose";
	if (!strcmp(req->method, "POST")) {
		const char *ct = req->content_type ? req->content_type : "";

		if (strncmp(ct, "application/json", 16) ||
		    (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
			api_error(rep, 415, "unsupported_media_type",
				  "POST a JSON body with Content-Type: application/json");
			return;
		}
		body = cJSON_ParseWithLength(req->body ? req->body : "", req->body_len);
		if (!cJSON_IsObject(body)) {
			api_error(rep, 400, "bad_json",
				  "the body is not a JSON object: send {\"problem\": "
				  "slug, \"q\": text, \"answers\": {question: value}, "
				  "\"tried\": {step: result}}");
			cJSON_Delete(body);
			return;
		}
	}
	answers = eng_answers_new(req->kb->model);
	eng_tried_init(&tried, req->kb->model);
	/* lang (the reader's language) is no answer. */
	static const char *const not_answers[] = { "lang", NULL };

	if (parse_diagnose(req, body, not_answers, answers, &tried, &text, &status, &code, &err)) {
		api_error(rep, status, code, "%s", err.buf);
	} else {
		rep->content_type = "application/json";
		diagnose_printed(req, answers, &tried, text, rep);
		if (!body)
			kb_etag(req, rep);
		else
			http_reply_header(rep, "Vary", "Accept-Language");
	}
	free(answers);
	eng_tried_release(&tried);
	cJSON_Delete(body);
	sbuf_release(&err);
}

int api_probe_allowed(const struct http_request *req)
{
	switch (req->app->cfg.probe) {
	case PROBE_ANY:
		return 1;
	case PROBE_LOOPBACK:
		/* A proxy on this host relays everyone from loopback; what
		 * it relays is not this machine's user. */
		return req->client_loopback && !req->forwarded;
	default:
		return 0;
	}
}

void api_probe(struct http_request *req, struct http_reply *rep, const char *param)
{
	struct probe_opts opts = { http_arg(req, "device"), 0, 0 };
	struct probe_result *r;

	(void)param;
	rep->route = "/api/v1/probe/bluetooth";
	if (req->app->cfg.probe == PROBE_OFF) {
		api_error(rep, 404, "not_found",
			  "the Bluetooth probe is off on this server (--probe off)");
		return;
	}
	if (!api_probe_allowed(req)) {
		/* The probe reveals the host's hardware: by default, only to
		 * clients on this machine. */
		api_error(rep, 403, "forbidden",
			  "the Bluetooth probe answers only clients on this machine "
			  "(--probe loopback)");
		return;
	}
	if (opts.device && !*opts.device)
		opts.device = NULL;
	r = probe_run(&opts);
	if (!probe_bluez_available(r)) {
		api_error(rep, 503, "bluez_unavailable", "%s",
			  probe_bluez_errmsg(r) ? probe_bluez_errmsg(r) :
						  "BlueZ could not be reached");
	} else {
		api_json(rep, probe_json(r));
	}
	http_reply_header(rep, "Cache-Control", "no-store");
	probe_result_free(r);
}
