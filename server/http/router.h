/* router: the one place that maps a request to its handler: method and
 * path matching (404, 405 with Allow), CORS (preflight too), the 503 when
 * no KB is loaded, ETag / 304, and the security headers of HTML pages. */
#ifndef CLEW_ROUTER_H
#define CLEW_ROUTER_H

#include "request.h"

/* Fills rep for req. Never fails: every problem becomes an error reply. */
void router_dispatch(struct http_request *req, struct http_reply *rep);

/* Sets rep to an error in the form the path calls for: JSON under /api/
 * (and /healthz, /metrics), with message, else an HTML page, whose words
 * for the codes the router and the daemon use (not_found,
 * method_not_allowed, kb_unavailable, uri_too_long, body_too_large, and
 * bad_request for an address that encodes a NUL) come from the message
 * catalogues, in the reader's language. */
void router_error(struct http_request *req, struct http_reply *rep, int status,
		  const char *code, const char *message);

#endif
