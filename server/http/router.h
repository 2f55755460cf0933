/* router: the one place that maps a request to its handler: method and
 * path matching (404, 405 with Allow), CORS (preflight too), the 503 when
 * no KB is loaded, ETag / 304, and the security headers of HTML pages. */
#ifndef CLEW_ROUTER_H
#define CLEW_ROUTER_H

#include "request.h"

/* Fills rep for req. Never fails: every problem becomes an error reply. */
void router_dispatch(struct http_request *req, struct http_reply *rep);

/* Sets rep to an error in the form the path calls for: JSON under /api/
 * (and /healthz, /metrics), else an HTML page. */
void router_error(struct http_request *req, struct http_reply *rep, int status,
		  const char *code, const char *message);

#endif
