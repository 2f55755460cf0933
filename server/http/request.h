/* request: the request a handler sees and the reply it fills; no socket
 * and no libmicrohttpd here, so handlers are tested as plain functions. */
#ifndef CLEW_REQUEST_H
#define CLEW_REQUEST_H

#include <stddef.h>

#include "../base/sbuf.h"

struct app;
struct cz_set;
struct kbstate;

struct http_arg {
	char *key;
	char *value; /* "" for a key with no '=' */
};

struct http_request {
	const char *method;     /* "GET", "POST", ... */
	const char *path;       /* decoded, without the query string */
	struct http_arg *args;  /* query arguments, in order, decoded */
	size_t nr_args, alloc_args;
	const char *body;       /* POST body (not NUL-terminated); may be NULL */
	size_t body_len;
	const char *content_type;
	const char *host;       /* the Host header; may be NULL */
	const char *origin;
	const char *sec_fetch_site; /* "same-origin", "cross-site", ...; may be NULL */
	const char *sec_fetch_mode; /* "navigate", "cors", ...; may be NULL */
	const char *sec_fetch_dest; /* "document", "iframe", "image", ...; may be NULL */
	const char *authorization;  /* the Authorization header; may be NULL */
	const char *if_none_match;
	const char *if_modified_since;
	const char *accept_encoding; /* may be NULL (compress.h) */
	const char *accept_language; /* the Accept-Language header; may be NULL */
	const char *client_ip;  /* numeric address */
	int client_loopback;    /* 127.0.0.0/8 or ::1 */
	/* The request names another client it was relayed for (Forwarded,
	 * X-Forwarded-For or X-Real-IP): a proxy's, not its peer's own. */
	int forwarded;
	const char *request_id;
	const struct app *app;
	struct kbstate *kb;     /* the KB this request uses, referenced; NULL
				 * when none is loaded */
};

struct http_header {
	char *name;
	char *value;
};

struct http_reply {
	int status;
	const char *content_type; /* static string */
	struct sbuf body;
	/* A body owned elsewhere and valid until the request completes (a
	 * document pre-rendered in the referenced KB), used instead of body. */
	const char *fixed_body;
	size_t fixed_len;
	struct http_header *headers;
	size_t nr_headers, alloc_headers;
	int is_html;      /* add the page security headers */
	const char *route;/* route pattern, for metrics */
	/* The fixed body's compressed copies (compress.h), or NULL: then a
	 * body worth it is compressed for this reply alone. */
	struct cz_set *fixed_cz;
	/* What the fixed body belongs to when not the KB (a page cache
	 * entry): hold_release(hold) once the reply has been sent. */
	void *hold;
	void (*hold_release)(void *);
};

#define HTTP_REPLY_INIT { 200, "application/json", SBUF_INIT, NULL, 0, NULL, 0, 0, 0, \
			  "other", NULL, NULL, NULL }

/* Frees the body and headers, and releases the hold, if any. */
void http_reply_release(struct http_reply *r);
/* Adds a header (both copied). */
void http_reply_header(struct http_reply *r, const char *name, const char *value);
/* Returns the first query argument named key, or NULL (borrowed). */
const char *http_arg(const struct http_request *req, const char *key);
void http_request_add_arg(struct http_request *req, const char *key,
			  const char *value);
/* Sets the first argument named key to value (copied), or adds it. */
void http_request_set_arg(struct http_request *req, const char *key,
			  const char *value);
void http_request_release_args(struct http_request *req);

/* 1 when the request's Content-Type is application/x-www-form-urlencoded
 * (with or without parameters). */
int http_request_is_form(const struct http_request *req);

/* Appends the fields of an application/x-www-form-urlencoded body
 * (body_len bytes; '+' is a blank, %XX a byte) to req's arguments, in
 * order. Returns 0, or -1 when an escape is malformed or a field is not
 * valid UTF-8 once decoded (nothing is added then). */
int http_request_add_form(struct http_request *req, const char *body,
			  size_t body_len);

#endif
