/* feedback: events API, "Was this helpful?" votes, search hits opened. */
#include "feedback.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../events/event.h"
#include "../events/sink.h"
#include "api.h"
#include "app.h"
#include "i18n.h"
#include "kbstate.h"
#include "pages.h"
#include "pages_internal.h"
#include "record.h"
#include "request.h"

const char *const feedback_reasons[] = {
	"not-my-problem", "unclear", "did-not-work", "outdated", "other", NULL,
};

const char *feedback_reason_label(const struct i18n *c, const char *lang,
				  const char *reason)
{
	if (!strcmp(reason, "not-my-problem"))
		return i18n_text(c, lang, "article_reason_not_my_problem");
	if (!strcmp(reason, "unclear"))
		return i18n_text(c, lang, "article_reason_unclear");
	if (!strcmp(reason, "did-not-work"))
		return i18n_text(c, lang, "article_reason_did_not_work");
	if (!strcmp(reason, "outdated"))
		return i18n_text(c, lang, "article_reason_outdated");
	return i18n_text(c, lang, "article_reason_other");
}

void api_events(struct http_request *req, struct http_reply *rep, const char *param)
{
	const char *ct = req->content_type ? req->content_type : "";
	struct ev_event *evs[FEEDBACK_MAX_EVENTS];
	struct sbuf err = SBUF_INIT;
	cJSON *body = NULL, *doc;
	const cJSON *list, *it;
	int n = 0, dropped = 0;

	(void)param;
	rep->route = "/api/v1/events";
	if (!req->app->events) {
		api_error(rep, 404, "not_found",
			  "events are not recorded on this server (--events off)");
		return;
	}
	if (strncmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
		api_error(rep, 415, "unsupported_media_type",
			  "POST events as JSON with Content-Type: application/json");
		return;
	}
	/* Another site's page may not record on its visitors' behalf. */
	if (!app_same_site(req)) {
		api_error(rep, 403, "forbidden", "events are taken from this server's "
			  "pages and from the origins --cors allows");
		return;
	}
	body = cJSON_ParseWithLength(req->body ? req->body : "", req->body_len);
	list = cJSON_IsArray(body) ? body : cJSON_GetObjectItemCaseSensitive(body, "events");
	if (!list && cJSON_IsObject(body))
		list = NULL;
	else if (!cJSON_IsArray(list)) {
		api_error(rep, 400, "bad_json", "the body is not an event (a JSON object "
			  "with 'kind'), an array of events, or {\"events\": [...]}");
		goto done;
	}
	if (list && (cJSON_GetArraySize(list) < 1 ||
		     cJSON_GetArraySize(list) > FEEDBACK_MAX_EVENTS)) {
		api_error(rep, 400, "bad_request", "send from 1 to %d events a request",
			  FEEDBACK_MAX_EVENTS);
		goto done;
	}
	/* All or nothing: one bad event and none is recorded. */
	for (it = list ? list->child : body; it; it = list ? it->next : NULL) {
		struct ev_event *e = ev_event_from_json(it, req->kb->content_hash, &err);

		if (!e) {
			if (list)
				api_error(rep, 400, "bad_event", "event %d: %s", n + 1, err.buf);
			else
				api_error(rep, 400, "bad_event", "%s", err.buf);
			goto done;
		}
		evs[n++] = e;
	}
	if (!record_rate(req, n)) {
		http_reply_header(rep, "Retry-After", "60");
		api_error(rep, 429, "rate_limited", "this client has recorded too many "
			  "events (--events-rate a minute); wait a minute");
		goto done;
	}
	for (int i = 0; i < n; i++) {
		dropped += ev_sink_push(req->app->events, evs[i]) != 0;
		evs[i] = NULL;
	}
	rep->status = 202;
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "accepted", n - dropped);
	cJSON_AddNumberToObject(doc, "dropped", dropped);
	http_reply_header(rep, "Cache-Control", "no-store");
	api_json(rep, doc);
	n = 0;
done:
	for (int i = 0; i < n; i++)
		ev_event_free(evs[i]);
	cJSON_Delete(body);
	sbuf_release(&err);
}

void page_vote(struct http_request *req, struct http_reply *rep, const char *slug)
{
	const struct i18n *c = req->app->i18n;
	const char *l = page_reader_lang(req), *result, *reason;
	struct sbuf url = SBUF_INIT;
	int known = 0;

	rep->route = "/articles/{slug}";
	if (!kbstate_article(req->kb, slug)) {
		page_error(req, rep, 404, i18n_text(c, l, "error_no_article"));
		return;
	}
	if (page_read_form(req, rep, i18n_text(c, l, "form_what_vote")))
		return;
	result = http_arg(req, "result");
	if (!result || (strcmp(result, "yes") && strcmp(result, "no"))) {
		page_error(req, rep, 400, i18n_text(c, l, "error_vote_result"));
		return;
	}
	reason = http_arg(req, "reason");
	for (int i = 0; reason && feedback_reasons[i]; i++)
		known |= !strcmp(reason, feedback_reasons[i]);
	if (!known || !strcmp(result, "yes"))
		reason = NULL;
	/* One vote a day from a client on an article; behind a proxy every
	 * reader is the proxy, so votes it relays are all taken. */
	if (record_allowed(req, 1) && (req->forwarded || record_first_vote(req, slug))) {
		struct ev_event e = { .kind = EV_VOTE, .hits = -1, .rank = -1 };

		e.at_ms = ev_now_ms();
		e.kb = req->kb->content_hash;
		e.article = (char *)slug;
		e.result = (char *)result;
		e.reason = (char *)reason;
		ev_sink_push_copy(req->app->events, &e);
	}
	sbuf_adds(&url, "/articles/");
	page_url_encode(&url, slug);
	sbuf_addf(&url, "?voted=%s#helpful", result);
	page_see_other(req, rep, url.buf, i18n_text(c, l, "vote_thanks_note"));
	sbuf_release(&url);
}

void page_search_open(struct http_request *req, struct http_reply *rep,
		      const char *param)
{
	const char *to = http_arg(req, "to"), *q = http_arg(req, "q");
	const char *section = http_arg(req, "section"), *rank = http_arg(req, "rank");
	struct sbuf url = SBUF_INIT, norm = SBUF_INIT;
	long r = rank ? strtol(rank, NULL, 10) : 0;

	(void)param;
	rep->route = "/search/open";
	if (!to || !kbstate_article(req->kb, to)) {
		page_error(req, rep, 404, i18n_text(req->app->i18n, page_reader_lang(req),
						    "error_no_article"));
		return;
	}
	if (q)
		ev_query_normalise(&norm, q);
	if (norm.len && r >= 1 && r <= 1000) {
		struct ev_event *e = ev_event_new(EV_OPEN);

		ev_event_set(&e->query, norm.buf);
		ev_event_set(&e->article, to);
		e->rank = r;
		record_event(req, e);
	}
	/* The page's own arguments go along (the widget's panel, the
	 * reader's language). */
	{
		char *u = page_url_with(req, "", 0, -1, NULL, NULL);

		sbuf_adds(&url, "/articles/");
		page_url_encode(&url, to);
		sbuf_adds(&url, u);
		free(u);
	}
	if (section && *section) {
		sbuf_addch(&url, '#');
		page_url_encode(&url, section);
	}
	page_see_other(req, rep, url.buf, NULL);
	sbuf_release(&url);
	sbuf_release(&norm);
}
