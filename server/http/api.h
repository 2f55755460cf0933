/* api: the JSON API (v1), /healthz and /metrics. Each handler fills the
 * reply from the request; the router calls them. */
#ifndef CLEW_API_H
#define CLEW_API_H

#include "request.h"

struct cJSON;

void api_healthz(struct http_request *req, struct http_reply *rep, const char *param);
void api_metrics(struct http_request *req, struct http_reply *rep, const char *param);
void api_articles(struct http_request *req, struct http_reply *rep, const char *param);
void api_article(struct http_request *req, struct http_reply *rep, const char *slug);
void api_search(struct http_request *req, struct http_reply *rep, const char *param);
void api_questions(struct http_request *req, struct http_reply *rep, const char *param);
/* GET /api/v1/messages: the interface's words in the reader's language
 * (i18n.h), for the widget. */
void api_messages(struct http_request *req, struct http_reply *rep, const char *param);
void api_diagnose(struct http_request *req, struct http_reply *rep, const char *param);
void api_probe(struct http_request *req, struct http_reply *rep, const char *param);

/* Whether this request may use the Bluetooth probe (--probe): 1 yes; 0 no
 * (the probe is off, or loopback-only and the client is remote). */
int api_probe_allowed(const struct http_request *req);

/* Sets rep to {"error": {"code", "message"}} with status. */
void api_error(struct http_reply *rep, int status, const char *code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prints doc into rep's body as JSON (and frees it). */
void api_json(struct http_reply *rep, struct cJSON *doc);

/* The diagnose document for the request's KB, from query arguments (every
 * argument but problem, q and those in skip is an answer) or, when body is
 * given, from {"problem", "q", "answers", "tried"}. Returns the document (caller
 * frees), or NULL with an HTTP status set in *status and a message in err
 * (code "bad_request" / "bad_answer"). */
struct cJSON *api_diagnose_doc(struct http_request *req, const struct cJSON *body,
			       const char *const *skip, int *status,
			       const char **code, struct sbuf *err);

/* The search document, or NULL with *status, *code and err set. */
struct cJSON *api_search_doc(struct http_request *req, int *status,
			     const char **code, struct sbuf *err);

/* The articles list document, or NULL with *status, *code and err set. */
struct cJSON *api_articles_doc(struct http_request *req, int *status,
			       const char **code, struct sbuf *err);

#endif
