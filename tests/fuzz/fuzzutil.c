/* fuzzutil: the server the HTTP harnesses share, built once. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "fuzzutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../../server/base/diag.h"
#include "../../server/base/sbuf.h"
#include "../../server/compiler/compile.h"
#include "../../server/events/sink.h"
#include "../../server/http/kbstate.h"
#include "../../server/http/metrics.h"
#include "../../server/http/pagecache.h"
#include "../../server/http/record.h"
#include "../../server/http/router.h"
#include "../../server/http/i18n.h"
#include "../../server/http/statics.h"
#include "../../server/http/template.h"

static struct app app;
static int app_ready;
/* Where reads of a reply go, so the compiler keeps them. */
static volatile size_t sink;

/* The fuzzer's events file and its WAL files, removed at exit. */
static void remove_events(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };

	if (!app.events_dsn)
		return;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		struct sbuf p = SBUF_INIT;

		sbuf_addf(&p, "%s%s", app.events_dsn, suffix[i]);
		unlink(p.buf);
		sbuf_release(&p);
	}
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz: %s: %s (run from the repository root, or set "
		"CLEW_FUZZ_KB, CLEW_FUZZ_TEMPLATES, CLEW_FUZZ_STATIC)\n", what, msg);
	abort();
}

/* Compiles the KB into a temporary file and loads it; the file is removed
 * at once (every SQLite handle is opened by kbstate_load). */
static struct kbstate *load_kb(const char *src)
{
	const char *tmp = env_or("TMPDIR", "/tmp");
	const char *inputs[] = { src };
	struct compile_opts opts = { NULL, 0, 1, NULL, NULL, 0, NULL };
	struct compile_stats st;
	struct diag d = DIAG_INIT;
	struct sbuf dir = SBUF_INIT, db = SBUF_INIT, err = SBUF_INIT;
	struct kbstate *kb;

	sbuf_addf(&dir, "%s/clew-fuzz-XXXXXX", tmp);
	if (!mkdtemp(dir.buf))
		die("mkdtemp", dir.buf);
	sbuf_addf(&db, "%s/kb.sqlite", dir.buf);
	opts.output = db.buf;
	if (compile_run(inputs, 1, &opts, &d, &st)) {
		diag_print(&d, stderr);
		die("compiling the KB", src);
	}
	kb = kbstate_load(db.buf, 1, &err);
	if (!kb)
		die("loading the KB", err.buf);
	unlink(db.buf);
	rmdir(dir.buf);
	diag_release(&d);
	sbuf_release(&dir);
	sbuf_release(&db);
	sbuf_release(&err);
	return kb;
}

struct app *fuzz_app(void)
{
	struct sbuf err = SBUF_INIT;

	if (app_ready)
		return &app;
	app.cfg.db = "(fuzz)";
	app.cfg.listen = "127.0.0.1:0";
	app.cfg.threads = 1;
	/* One origin may use the API, so both CORS branches are reachable. */
	app.cfg.cors = "https://help.example.com";
	app.cfg.frame_ancestors = "'self'";
	app.cfg.probe = PROBE_OFF;
	app.cfg.base_url = "";
	app.cfg.templates_dir = env_or("CLEW_FUZZ_TEMPLATES", "templates");
	app.cfg.static_dir = env_or("CLEW_FUZZ_STATIC", "static");
	app.csp = "default-src 'self'";
	pthread_mutex_init(&app.kb_lock, NULL);
	app.templates = tpl_set_new();
	if (tpl_set_load_dir(app.templates, app.cfg.templates_dir, &err))
		die("templates", err.buf);
	app.statics = statics_load(app.cfg.static_dir, &err);
	if (!app.statics)
		die("static files", err.buf);
	app.i18n = i18n_load_dir(env_or("CLEW_FUZZ_I18N", "i18n"), &err);
	if (!app.i18n)
		die("message catalogues", err.buf);
	app.metrics = metrics_new();
	app.kb = load_kb(env_or("CLEW_FUZZ_KB", "kb"));
	/* A small page cache, so that pages are kept, found and dropped. */
	app.kb->pages = pagecache_new(256 * 1024);
	/* Events recorded for real, into an SQLite file of this process (no
	 * rate, so that every event path runs); the admin pages behind a
	 * token the seeds know. */
	{
		struct ev_sink_opts o = { .queue = 1000, .quiet = 1 };
		struct sbuf dsn = SBUF_INIT;

		sbuf_addf(&dsn, "/tmp/clew-fuzz-events-%ld.sqlite", (long)getpid());
		unlink(dsn.buf);
		app.events = ev_sink_new(dsn.buf, &o, &err);
		if (!app.events)
			die("events", err.buf);
		app.events_dsn = sbuf_detach(&dsn, NULL);
		atexit(remove_events);
		app.record_limits = record_limits_new(0);
		app.cfg.admin_token = "fuzz-admin-token";
		pthread_mutex_init(&app.admin_lock, NULL);
	}
	app.pid = (long)getpid();
	sbuf_release(&err);
	app_ready = 1;
	return &app;
}

void fuzz_request_init(struct http_request *req, struct app *a,
		       const char *method, const char *path)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = path;
	req->app = a;
	req->client_ip = "192.0.2.7";
	req->request_id = "fuzz-1";
	req->kb = app_kb(a);
}

void fuzz_request_release(struct http_request *req)
{
	kbstate_release(req->kb);
	http_request_release_args(req);
}

static void broken(const struct http_request *req, const struct http_reply *rep,
		   const char *why)
{
	fprintf(stderr, "fuzz: broken reply to %s %s: %s (status %d)\n",
		req->method, req->path, why, rep->status);
	abort();
}

void fuzz_dispatch(struct http_request *req)
{
	struct http_reply rep = HTTP_REPLY_INIT;
	const char *body, *encoding = NULL;
	size_t len, sum = 0;

	router_dispatch(req, &rep);
	if (rep.status < 100 || rep.status > 599)
		broken(req, &rep, "status out of range");
	if (!rep.content_type || !rep.route)
		broken(req, &rep, "no content type or route");
	body = rep.fixed_body ? rep.fixed_body : rep.body.buf;
	len = rep.fixed_body ? rep.fixed_len : rep.body.len;
	/* Read the whole body and every header, as the daemon would send. */
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)body[i];
	for (size_t i = 0; i < rep.nr_headers; i++) {
		if (strpbrk(rep.headers[i].name, "\r\n:") ||
		    strpbrk(rep.headers[i].value, "\r\n"))
			broken(req, &rep, "a header breaks the header block");
		sum += strlen(rep.headers[i].value);
		if (!strcmp(rep.headers[i].name, "Content-Encoding"))
			encoding = rep.headers[i].value;
	}
	/* Compressed only for a client that asked. */
	if (encoding && !req->accept_encoding)
		broken(req, &rep, "compressed for a client that did not ask");
	/* A JSON reply must be JSON, whatever the request held. */
	if (rep.status != 304 && len && !encoding &&
	    !strncmp(rep.content_type, "application/json", 16)) {
		cJSON *doc = cJSON_ParseWithLength(body, len);

		if (!doc)
			broken(req, &rep, "a JSON reply that does not parse");
		cJSON_Delete(doc);
	}
	sink += sum;
	http_reply_release(&rep);
}
