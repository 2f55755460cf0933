/* check_router: the router and handlers as plain functions, no sockets:
 * the probe's access rule by client address, 404 / 405 / 503. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/sbuf.h"
#include "../server/http/app.h"
#include "../server/http/request.h"
#include "../server/http/router.h"
#include "../server/http/i18n.h"
#include "../server/http/statics.h"
#include "../server/http/template.h"

static struct app app;

static void setup(void)
{
	struct sbuf err = SBUF_INIT;

	memset(&app, 0, sizeof(app));
	app.cfg.frame_ancestors = "'self'";
	app.cfg.base_url = "";
	app.templates = tpl_set_new();
	ck_assert_msg(!tpl_set_load_dir(app.templates, "templates", &err), "%s", err.buf);
	app.statics = statics_load("static", &err);
	ck_assert_msg(app.statics != NULL, "%s", err.buf);
	app.i18n = i18n_load_dir("i18n", &err);
	ck_assert_msg(app.i18n != NULL, "%s", err.buf);
	pthread_mutex_init(&app.kb_lock, NULL);
	sbuf_release(&err);
}

static void teardown(void)
{
	tpl_set_free(app.templates);
	statics_free(app.statics);
	i18n_free(app.i18n);
	pthread_mutex_destroy(&app.kb_lock);
}

/* Dispatches GET path from a client (loopback or not); returns the status
 * and leaves the reply in *rep (release it). */
static int get(const char *path, int loopback, struct http_reply *rep)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.app = &app;
	req.client_ip = loopback ? "127.0.0.1" : "192.0.2.7";
	req.client_loopback = loopback;
	router_dispatch(&req, rep);
	return rep->status;
}

START_TEST(test_probe_access_rule)
{
	struct http_reply rep = HTTP_REPLY_INIT;

	/* loopback (the default): remote clients are refused before any
	 * probing happens. */
	app.cfg.probe = PROBE_LOOPBACK;
	ck_assert_int_eq(get("/api/v1/probe/bluetooth", 0, &rep), 403);
	ck_assert(strstr(rep.body.buf, "\"forbidden\"") != NULL);
	http_reply_release(&rep);
	rep = (struct http_reply)HTTP_REPLY_INIT;

	/* A request a proxy relayed from elsewhere is not local, though its
	 * TCP peer (the proxy) is. */
	{
		struct http_request req;

		memset(&req, 0, sizeof(req));
		req.method = "GET";
		req.path = "/api/v1/probe/bluetooth";
		req.app = &app;
		req.client_ip = "127.0.0.1";
		req.client_loopback = 1;
		req.forwarded = 1;
		router_dispatch(&req, &rep);
		ck_assert_int_eq(rep.status, 403);
		http_reply_release(&rep);
		rep = (struct http_reply)HTTP_REPLY_INIT;
	}

	/* off: the route answers 404, to everyone. */
	app.cfg.probe = PROBE_OFF;
	ck_assert_int_eq(get("/api/v1/probe/bluetooth", 1, &rep), 404);
	http_reply_release(&rep);
	rep = (struct http_reply)HTTP_REPLY_INIT;
	ck_assert_int_eq(get("/api/v1/probe/bluetooth", 0, &rep), 404);
	http_reply_release(&rep);
	rep = (struct http_reply)HTTP_REPLY_INIT;

	/* any: a remote client is let through to the probe (which answers
	 * 200 or 503 depending on this machine's BlueZ, never 403). */
	app.cfg.probe = PROBE_ANY;
	get("/api/v1/probe/bluetooth", 0, &rep);
	ck_assert(rep.status == 200 || rep.status == 503);
	http_reply_release(&rep);
}
END_TEST

START_TEST(test_routes_without_kb)
{
	struct http_reply rep = HTTP_REPLY_INIT;

	ck_assert_int_eq(get("/api/v1/articles", 1, &rep), 503);
	ck_assert(strstr(rep.body.buf, "kb_unavailable") != NULL);
	http_reply_release(&rep);
	rep = (struct http_reply)HTTP_REPLY_INIT;
	ck_assert_int_eq(get("/no/such/page", 1, &rep), 404);
	ck_assert(rep.is_html);
	http_reply_release(&rep);
	rep = (struct http_reply)HTTP_REPLY_INIT;
	ck_assert_int_eq(get("/static/app.css", 1, &rep), 200);
	ck_assert_str_eq(rep.content_type, "text/css; charset=utf-8");
	http_reply_release(&rep);
}
END_TEST

/* Methods are matched whole against a route's Allow list: a prefix, a
 * suffix or an empty method is not allowed (the empty one once looped for
 * ever, found by tests/fuzz/fuzz_router). */
START_TEST(test_method_matching)
{
	static const struct {
		const char *method;
		int status;
	} cases[] = {
		{ "GET", 503 }, { "HEAD", 503 }, { "", 405 }, { "GE", 405 },
		{ "ET", 405 }, { "GET,", 405 }, { " GET", 405 }, { "POST", 405 },
		{ "get", 405 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct http_reply rep = HTTP_REPLY_INIT;
		struct http_request req;

		memset(&req, 0, sizeof(req));
		req.method = cases[i].method;
		req.path = "/api/v1/articles";
		req.app = &app;
		req.client_ip = "192.0.2.7";
		router_dispatch(&req, &rep);
		ck_assert_msg(rep.status == cases[i].status, "method '%s': %d, not %d",
			      cases[i].method, rep.status, cases[i].status);
		http_reply_release(&rep);
	}
}
END_TEST

Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_probe_access_rule);
	tcase_add_test(tc, test_routes_without_kb);
	tcase_add_test(tc, test_method_matching);
	suite_add_tcase(s, tc);
	return s;
}
