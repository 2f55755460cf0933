/* request: the request a handler sees and the reply it fills. */
#include "request.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

void http_reply_release(struct http_reply *r)
{
	sbuf_release(&r->body);
	for (size_t i = 0; i < r->nr_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nr_headers = r->alloc_headers = 0;
}

void http_reply_header(struct http_reply *r, const char *name, const char *value)
{
	ALLOC_GROW(r->headers, r->nr_headers + 1, r->alloc_headers);
	r->headers[r->nr_headers].name = xstrdup(name);
	r->headers[r->nr_headers].value = xstrdup(value);
	r->nr_headers++;
}

const char *http_arg(const struct http_request *req, const char *key)
{
	for (size_t i = 0; i < req->nr_args; i++)
		if (!strcmp(req->args[i].key, key))
			return req->args[i].value;
	return NULL;
}

void http_request_add_arg(struct http_request *req, const char *key,
			  const char *value)
{
	ALLOC_GROW(req->args, req->nr_args + 1, req->alloc_args);
	req->args[req->nr_args].key = xstrdup(key);
	req->args[req->nr_args].value = xstrdup(value ? value : "");
	req->nr_args++;
}

void http_request_release_args(struct http_request *req)
{
	for (size_t i = 0; i < req->nr_args; i++) {
		free(req->args[i].key);
		free(req->args[i].value);
	}
	free(req->args);
	req->args = NULL;
	req->nr_args = req->alloc_args = 0;
}
