/* request: the request a handler sees and the reply it fills. */
#include "request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/sbuf.h"
#include "../base/text.h"
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
	if (r->hold_release)
		r->hold_release(r->hold);
	r->hold = NULL;
	r->hold_release = NULL;
}

void http_reply_header(struct http_reply *r, const char *name, const char *value)
{
	/* Vary is one list: "Accept-Language, Origin". */
	if (!strcasecmp(name, "Vary"))
		for (size_t i = 0; i < r->nr_headers; i++)
			if (!strcasecmp(r->headers[i].name, "Vary")) {
				struct sbuf v = SBUF_INIT;

				if (strstr(r->headers[i].value, value))
					return;
				sbuf_addf(&v, "%s, %s", r->headers[i].value, value);
				free(r->headers[i].value);
				r->headers[i].value = sbuf_detach(&v, NULL);
				return;
			}
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

void http_request_set_arg(struct http_request *req, const char *key,
			  const char *value)
{
	for (size_t i = 0; i < req->nr_args; i++)
		if (!strcmp(req->args[i].key, key)) {
			free(req->args[i].value);
			req->args[i].value = xstrdup(value ? value : "");
			return;
		}
	http_request_add_arg(req, key, value);
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

/* Decodes s[0, n) into out; -1 on a malformed escape or bad UTF-8. */
static int form_decode(const char *s, size_t n, struct sbuf *out)
{
	sbuf_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			sbuf_addch(out, ' ');
		} else if (s[i] == '%') {
			int hi = i + 1 < n ? text_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? text_hex_digit(s[i + 2]) : -1;

			/* A NUL would cut the value short: refused. */
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			sbuf_addch(out, (char)(hi * 16 + lo));
			i += 2;
		} else if (!s[i]) {
			return -1;
		} else {
			sbuf_addch(out, s[i]);
		}
	}
	return text_is_utf8(out->buf) ? 0 : -1;
}

int http_request_add_form(struct http_request *req, const char *body,
			  size_t body_len)
{
	struct sbuf key = SBUF_INIT, value = SBUF_INIT;
	size_t first = req->nr_args;
	const char *p = body ? body : "", *end = p + body_len;
	int ret = 0;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (stop > p) {
			if (form_decode(p, (size_t)((eq ? eq : stop) - p), &key) ||
			    form_decode(eq ? eq + 1 : stop, eq ? (size_t)(stop - eq - 1) : 0,
					&value)) {
				ret = -1;
				break;
			}
			http_request_add_arg(req, key.buf, value.buf);
		}
		p = stop + 1;
	}
	if (ret) {
		/* Nothing of a malformed body is kept. */
		while (req->nr_args > first) {
			req->nr_args--;
			free(req->args[req->nr_args].key);
			free(req->args[req->nr_args].value);
		}
	}
	sbuf_release(&key);
	sbuf_release(&value);
	return ret;
}

int http_request_is_form(const struct http_request *req)
{
	const char *ct = req->content_type ? req->content_type : "";

	return !strncmp(ct, "application/x-www-form-urlencoded", 33) &&
	       (!ct[33] || ct[33] == ';' || ct[33] == ' ');
}
