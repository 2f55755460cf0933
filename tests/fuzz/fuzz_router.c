/* fuzz_router: a request line, a few headers and a body through the
 * router, as the daemon hands them over: the URI's path and query split
 * and percent-decoded by libmicrohttpd's own MHD_http_unescape (the query
 * with '+' as a space first, as libmicrohttpd does), the daemon's 414 and
 * %00 checks, then router_dispatch: route matching, 404/405/503, CORS, ETag
 * and 304, every page and API handler with hostile arguments, and the
 * static-file table behind /static/. The KB is kb/, compiled at start-up;
 * events are recorded into an SQLite file of the process's (fuzzutil.c),
 * and the admin pages open to the token "fuzz-admin-token".
 *
 * Input (text, so that seeds read as requests):
 *   METHOD SP URI LF          (no space: the whole line is a GET's URI)
 *   Name: value LF ...        Origin, Host, If-None-Match, Content-Type,
 *                             Authorization, Sec-Fetch-Site, and
 *                             X-Probe: off|loopback (the server's --probe;
 *                             the client is never on loopback, so the probe
 *                             itself never runs)
 *   LF body                   the rest, for a POST */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "../../server/base/sbuf.h"
#include "../../server/base/text.h"
#include "../../server/http/router.h"
#include "fuzzutil.h"

#define MAX_URI (8 * 1024) /* as server/http/daemon.c */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_app();
	return 0;
}

/* Reads one line of [*p, end) into line (without the LF); returns 0 at
 * the end of the input. */
static int next_line(const char **p, const char *end, struct sbuf *line)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	sbuf_reset(line);
	sbuf_add(line, *p, (size_t)((nl ? nl : end) - *p));
	*p = nl ? nl + 1 : end;
	return 1;
}

/* Adds the query's arguments as libmicrohttpd would: split at '&', then
 * at the first '=', '+' as a space, then percent-decoding. */
static void add_args(struct http_request *req, char *query)
{
	while (query && *query) {
		char *amp = strchr(query, '&'), *eq;

		if (amp)
			*amp = '\0';
		eq = strchr(query, '=');
		if (eq)
			*eq = '\0';
		for (char *c = query; *c; c++)
			if (*c == '+')
				*c = ' ';
		MHD_http_unescape(query);
		if (eq) {
			for (char *c = eq + 1; *c; c++)
				if (*c == '+')
					*c = ' ';
			MHD_http_unescape(eq + 1);
		}
		http_request_add_arg(req, query, eq ? eq + 1 : NULL);
		query = amp ? amp + 1 : NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct sbuf line = SBUF_INIT, method = SBUF_INIT, uri = SBUF_INIT,
		    origin = SBUF_INIT, host = SBUF_INIT, inm = SBUF_INIT, ctype = SBUF_INIT,
		    auth = SBUF_INIT, site = SBUF_INIT, ae = SBUF_INIT, ims = SBUF_INIT,
		    al = SBUF_INIT;
	struct app *app = fuzz_app();
	enum probe_access probe = app->cfg.probe;
	struct http_request req;
	char *path, *query;
	const char *sp;
	int refused;

	if (size > 64 * 1024)
		return -1;
	next_line(&p, end, &line);
	sp = strchr(line.buf, ' ');
	if (sp) {
		sbuf_add(&method, line.buf, (size_t)(sp - line.buf));
		sbuf_adds(&uri, sp + 1);
	} else {
		sbuf_adds(&method, "GET");
		sbuf_adds(&uri, line.buf);
	}
	while (next_line(&p, end, &line) && line.len) {
		const char *colon = strchr(line.buf, ':');
		const char *v;

		if (!colon)
			continue;
		v = text_ltrim(colon + 1);
		if (text_ieq_n(line.buf, "Origin:", 7))
			sbuf_adds(&origin, v);
		else if (text_ieq_n(line.buf, "Host:", 5))
			sbuf_adds(&host, v);
		else if (text_ieq_n(line.buf, "If-None-Match:", 14))
			sbuf_adds(&inm, v);
		else if (text_ieq_n(line.buf, "Content-Type:", 13))
			sbuf_adds(&ctype, v);
		else if (text_ieq_n(line.buf, "Authorization:", 14))
			sbuf_adds(&auth, v);
		else if (text_ieq_n(line.buf, "Sec-Fetch-Site:", 15))
			sbuf_adds(&site, v);
		else if (text_ieq_n(line.buf, "Accept-Encoding:", 16))
			sbuf_adds(&ae, v);
		else if (text_ieq_n(line.buf, "If-Modified-Since:", 18))
			sbuf_adds(&ims, v);
		else if (text_ieq_n(line.buf, "Accept-Language:", 16))
			sbuf_adds(&al, v);
		else if (text_ieq_n(line.buf, "X-Probe:", 8))
			app->cfg.probe = !strcmp(v, "off") ? PROBE_OFF : PROBE_LOOPBACK;
	}

	/* The daemon checks the raw URI's length and %00 before decoding. */
	refused = strlen(uri.buf) > MAX_URI ? 414 : strstr(uri.buf, "%00") ? 400 : 0;
	path = uri.buf;
	query = strchr(path, '?');
	if (query)
		*query++ = '\0';
	fuzz_request_init(&req, app, method.buf, path);
	req.origin = origin.len ? origin.buf : NULL;
	req.host = host.len ? host.buf : NULL;
	req.if_none_match = inm.len ? inm.buf : NULL;
	req.content_type = ctype.len ? ctype.buf : NULL;
	req.authorization = auth.len ? auth.buf : NULL;
	req.sec_fetch_site = site.len ? site.buf : NULL;
	req.accept_encoding = ae.len ? ae.buf : NULL;
	req.if_modified_since = ims.len ? ims.buf : NULL;
	req.accept_language = al.len ? al.buf : NULL;
	req.body = p;
	req.body_len = (size_t)(end - p);
	if (refused) {
		struct http_reply rep = HTTP_REPLY_INIT;

		router_error(&req, &rep, refused, "bad_request",
			     "refused by the daemon");
		http_reply_release(&rep);
	} else {
		MHD_http_unescape(path);
		add_args(&req, query);
		fuzz_dispatch(&req);
	}
	fuzz_request_release(&req);
	app->cfg.probe = probe;
	sbuf_release(&line);
	sbuf_release(&method);
	sbuf_release(&uri);
	sbuf_release(&origin);
	sbuf_release(&host);
	sbuf_release(&inm);
	sbuf_release(&ctype);
	sbuf_release(&auth);
	sbuf_release(&site);
	sbuf_release(&ae);
	sbuf_release(&ims);
	sbuf_release(&al);
	return 0;
}
