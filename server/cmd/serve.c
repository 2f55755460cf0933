/* serve: `clew serve [...]`: the HTTP server (JSON API and HTML wizard). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/sbuf.h"
#include "../events/sink.h"
#include "../events/store.h"
#include "../http/admin.h"
#include "../http/app.h"
#include "../http/daemon.h"
#include "../http/kbstate.h"
#include "../http/metrics.h"
#include "../http/record.h"
#include "../http/i18n.h"
#include "../http/statics.h"
#include "../http/template.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew serve [--db FILE] [--listen ADDR:PORT] [--threads N]\n"
	"                  [--cors ORIGINS] [--frame-ancestors SOURCES]\n"
	"                  [--probe off|loopback|any] [--base-url URL]\n"
	"                  [--templates DIR] [--static DIR] [--i18n DIR]\n"
	"                  [--max-connections N] [--max-per-ip N]\n"
	"                  [--header-timeout SECONDS] [--no-access-log]\n"
	"                  [--events DSN|off] [--events-queue N]\n"
	"                  [--events-retention DAYS] [--events-rate N]\n"
	"                  [--admin-token TOKEN] [--page-cache-mb N]\n"
	"\n"
	"Serves the knowledge base: the JSON API under /api/v1/, the troubleshooting\n"
	"wizard and articles as HTML, /healthz and /metrics. Each flag can also be\n"
	"set by an environment variable (in brackets); a flag wins over it.\n"
	"\n"
	"  --db FILE              compiled KB (CLEW_DB; default build/kb.sqlite)\n"
	"  --listen ADDR:PORT     address to listen on (CLEW_LISTEN; default\n"
	"                         127.0.0.1:8080; [::1]:8080 for IPv6; port 0 picks one)\n"
	"  --threads N            worker threads (CLEW_THREADS; default: CPUs)\n"
	"  --cors ORIGINS         comma-separated origins allowed to call the API\n"
	"                         from a browser, or * (CLEW_CORS; default none)\n"
	"  --frame-ancestors SRC  who may frame the pages, CSP syntax\n"
	"                         (CLEW_FRAME_ANCESTORS; default 'self')\n"
	"  --probe MODE           Bluetooth probe access: off, loopback or any\n"
	"                         (CLEW_PROBE; default loopback)\n"
	"  --base-url URL         public URL of this server, for absolute links\n"
	"                         (CLEW_BASE_URL; default: relative links)\n"
	"  --templates DIR        HTML templates (CLEW_TEMPLATES; default templates)\n"
	"  --static DIR           static files (CLEW_STATIC; default static)\n"
	"  --i18n DIR             the interface's message catalogues, LANG.json\n"
	"                         (CLEW_I18N; default i18n; docs/translating.md)\n"
	"  --max-connections N    open connections at most (default 1024)\n"
	"  --max-per-ip N         open connections per client address (default 256)\n"
	"  --header-timeout S     seconds a client has to send a whole request,\n"
	"                         headers and body, from connecting or from the\n"
	"                         previous reply; then the connection is closed\n"
	"                         (CLEW_HEADER_TIMEOUT; default 10; 0: no limit)\n"
	"  --no-access-log        no JSON line per request on stdout (CLEW_ACCESS_LOG=0)\n"
	"  --events DSN           where sessions, outcomes, votes and searches are\n"
	"                         recorded (CLEW_EVENTS): an SQLite file (a path, or\n"
	"                         sqlite:PATH), postgresql://... for PostgreSQL, @FILE\n"
	"                         to read the DSN from FILE's first line, or off;\n"
	"                         default events.sqlite beside the KB file, and off\n"
	"                         (with a warning) when that cannot be written\n"
	"  --events-queue N       events held while the store is slow or down; more\n"
	"                         are dropped and counted in /metrics (default 10000)\n"
	"  --events-retention D   delete events older than D days (CLEW_EVENTS_RETENTION;\n"
	"                         default 365; 0 keeps them)\n"
	"  --events-rate N        events a client (an address) may record a minute;\n"
	"                         past it they are not recorded (the API says 429);\n"
	"                         behind a proxy every client is the proxy: raise it\n"
	"                         (CLEW_EVENTS_RATE; default 120; 0: no limit)\n"
	"  --admin-token TOKEN    opens /admin and /api/v1/admin/ to clients that\n"
	"                         send it (Bearer, or as the Basic password);\n"
	"                         @FILE reads it from FILE (CLEW_ADMIN_TOKEN;\n"
	"                         default: those pages answer this machine only)\n"
	"  --page-cache-mb N      memory for rendered pages kept per KB (home,\n"
	"                         articles, search, wizard steps, tree) with their\n"
	"                         compressed copies; the least recently used go\n"
	"                         first, a reload empties it (CLEW_PAGE_CACHE_MB;\n"
	"                         default 32; 0: render every request)\n"
	"  -h, --help             show this help\n"
	"\n"
	"Replies are compressed (Brotli or gzip, by Accept-Encoding) when they are\n"
	"text of 1 KiB or more; KB pages and documents carry Cache-Control,\n"
	"Last-Modified and ETag for caches and CDNs (docs/deploy.md, \"Caching and\n"
	"compression\").\n"
	"\n"
	"Signals: SIGHUP opens the KB file again and switches to it atomically (a\n"
	"bad file is refused and the old one keeps serving); SIGTERM and SIGINT stop\n"
	"accepting, finish the requests in flight, write the queued events (5 s at\n"
	"most) and exit 0. What is recorded, and what never is: docs/outcomes.md.\n";

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static int parse_count(const char *flag, const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || n < lo || n > hi) {
		fprintf(stderr, "clew serve: %s takes a number from %d to %d\n", flag, lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* Starts recording per --events: off, the DSN given (a store that cannot
 * be opened is an error), or by default events.sqlite beside the KB (one
 * that cannot be written turns recording off, with a warning). */
static int open_events(struct app *app, const char *arg, const struct ev_sink_opts *o,
		       int rate)
{
	struct sbuf dsn = SBUF_INIT, err = SBUF_INIT;
	int ret = 0;

	if (arg && !strcmp(arg, "off"))
		return 0;
	if (arg) {
		if (ev_store_dsn_read(arg, &dsn, &err))
			goto fail;
	} else {
		const char *slash = strrchr(app->cfg.db, '/');

		if (slash)
			sbuf_add(&dsn, app->cfg.db, (size_t)(slash - app->cfg.db + 1));
		sbuf_adds(&dsn, "events.sqlite");
	}
	app->events = ev_sink_new(dsn.buf, o, &err);
	if (!app->events) {
		if (arg)
			goto fail;
		fprintf(stderr, "clew serve: not recording events (%s); name a writable "
			"store with --events, or --events off\n", err.buf);
	} else {
		app->events_dsn = sbuf_detach(&dsn, NULL);
	}
	app->record_limits = record_limits_new(rate);
	goto done;
fail:
	/* The reason, never the DSN: it may hold a password. */
	fprintf(stderr, "clew serve: --events: %s\n", err.buf);
	ret = -1;
done:
	sbuf_release(&dsn);
	sbuf_release(&err);
	return ret;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "cors", required_argument, NULL, 'c' },
		{ "frame-ancestors", required_argument, NULL, 'f' },
		{ "probe", required_argument, NULL, 'p' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "templates", required_argument, NULL, 'T' },
		{ "i18n", required_argument, NULL, 'N' },
		{ "static", required_argument, NULL, 'S' },
		{ "max-connections", required_argument, NULL, 'C' },
		{ "max-per-ip", required_argument, NULL, 'I' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "no-access-log", no_argument, NULL, 'n' },
		{ "events", required_argument, NULL, 'e' },
		{ "events-queue", required_argument, NULL, 'Q' },
		{ "events-retention", required_argument, NULL, 'R' },
		{ "admin-token", required_argument, NULL, 'A' },
		{ "events-rate", required_argument, NULL, 'r' },
		{ "page-cache-mb", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct app app;
	struct sbuf err = SBUF_INIT, csp = SBUF_INIT;
	const char *probe = env_or("CLEW_PROBE", "loopback");
	const char *threads = env_or("CLEW_THREADS", NULL);
	const char *header_timeout = env_or("CLEW_HEADER_TIMEOUT", NULL);
	struct daemon_limits lim = { 1024, 256, 10 };
	const char *events = env_or("CLEW_EVENTS", NULL);
	const char *retention = env_or("CLEW_EVENTS_RETENTION", "365");
	const char *admin_token = env_or("CLEW_ADMIN_TOKEN", NULL);
	const char *rate = env_or("CLEW_EVENTS_RATE", "120");
	const char *page_cache = env_or("CLEW_PAGE_CACHE_MB", "32");
	int page_cache_mb;
	int events_rate;
	struct sbuf token = SBUF_INIT;
	struct ev_sink_opts ev_opts = { 0 };
	int c, ret = 1, queue = 10000;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&app, 0, sizeof(app));
	app.cfg.db = cmd_default_db();
	app.cfg.listen = env_or("CLEW_LISTEN", "127.0.0.1:8080");
	app.cfg.threads = cpus > 0 ? (int)cpus : 2;
	app.cfg.cors = env_or("CLEW_CORS", NULL);
	app.cfg.frame_ancestors = env_or("CLEW_FRAME_ANCESTORS", "'self'");
	app.cfg.base_url = env_or("CLEW_BASE_URL", "");
	app.cfg.templates_dir = env_or("CLEW_TEMPLATES", "templates");
	app.cfg.static_dir = env_or("CLEW_STATIC", "static");
	app.cfg.i18n_dir = env_or("CLEW_I18N", "i18n");
	app.cfg.access_log = strcmp(env_or("CLEW_ACCESS_LOG", "1"), "0") != 0;
	if (threads && parse_count("CLEW_THREADS", threads, 1, 256, &app.cfg.threads))
		return 2;
	if (header_timeout && parse_count("CLEW_HEADER_TIMEOUT", header_timeout, 0,
					  3600, &lim.header_timeout))
		return 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': app.cfg.db = optarg; break;
		case 'l': app.cfg.listen = optarg; break;
		case 't':
			if (parse_count("--threads", optarg, 1, 256, &app.cfg.threads))
				return 2;
			break;
		case 'c': app.cfg.cors = optarg; break;
		case 'f': app.cfg.frame_ancestors = optarg; break;
		case 'p': probe = optarg; break;
		case 'b': app.cfg.base_url = optarg; break;
		case 'T': app.cfg.templates_dir = optarg; break;
		case 'N': app.cfg.i18n_dir = optarg; break;
		case 'S': app.cfg.static_dir = optarg; break;
		case 'C':
			if (parse_count("--max-connections", optarg, 1, 100000,
					&lim.max_connections))
				return 2;
			break;
		case 'I':
			if (parse_count("--max-per-ip", optarg, 1, 100000, &lim.max_per_ip))
				return 2;
			break;
		case 'H':
			if (parse_count("--header-timeout", optarg, 0, 3600,
					&lim.header_timeout))
				return 2;
			break;
		case 'n': app.cfg.access_log = 0; break;
		case 'e': events = optarg; break;
		case 'Q':
			if (parse_count("--events-queue", optarg, 1, 10000000, &queue))
				return 2;
			break;
		case 'R': retention = optarg; break;
		case 'A': admin_token = optarg; break;
		case 'r': rate = optarg; break;
		case 'M': page_cache = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "clew serve: unexpected argument '%s'\n\n%s", argv[optind], usage);
		return 2;
	}
	if (parse_count("--page-cache-mb", page_cache, 0, 65536, &page_cache_mb))
		return 2;
	app.cfg.page_cache_bytes = (size_t)page_cache_mb << 20;
	if (!strcmp(probe, "off"))
		app.cfg.probe = PROBE_OFF;
	else if (!strcmp(probe, "loopback"))
		app.cfg.probe = PROBE_LOOPBACK;
	else if (!strcmp(probe, "any"))
		app.cfg.probe = PROBE_ANY;
	else {
		fprintf(stderr, "clew serve: --probe is off, loopback or any\n");
		return 2;
	}
	/* The frame-ancestors sources end up in a header: one line only. */
	if (strpbrk(app.cfg.frame_ancestors, "\r\n;,")) {
		fprintf(stderr, "clew serve: --frame-ancestors takes CSP sources "
			"separated by spaces, such as 'self' https://help.example.com\n");
		return 2;
	}
	sbuf_addf(&csp, "default-src 'self'; script-src 'self'; style-src 'self'; "
		  "img-src 'self' data: https:; connect-src 'self'; object-src 'none'; "
		  "base-uri 'none'; form-action 'self'; frame-ancestors %s",
		  app.cfg.frame_ancestors);
	app.csp = csp.buf;
	pthread_mutex_init(&app.kb_lock, NULL);
	pthread_mutex_init(&app.admin_lock, NULL);
	if (admin_token) {
		if (ev_store_dsn_read(admin_token, &token, &err) || token.len < 8 ||
		    strpbrk(token.buf, " \t")) {
			fprintf(stderr, "clew serve: --admin-token: %s\n", err.len ? err.buf :
				"take a token of 8 characters or more, without blanks");
			goto cleanup;
		}
		app.cfg.admin_token = token.buf;
	}

	app.templates = tpl_set_new();
	if (tpl_set_load_dir(app.templates, app.cfg.templates_dir, &err)) {
		fprintf(stderr, "clew serve: templates: %s\n", err.buf);
		goto cleanup;
	}
	app.i18n = i18n_load_dir(app.cfg.i18n_dir, &err);
	if (!app.i18n) {
		fprintf(stderr, "clew serve: message catalogues: %s\n", err.buf);
		goto cleanup;
	}
	app.statics = statics_load(app.cfg.static_dir, &err);
	if (!app.statics) {
		fprintf(stderr, "clew serve: static files: %s\n", err.buf);
		goto cleanup;
	}
	app.metrics = metrics_new();
	ev_opts.queue = (size_t)queue;
	if (parse_count("--events-retention", retention, 0, 36500, &ev_opts.retention_days) ||
	    parse_count("--events-rate", rate, 0, 1000000, &events_rate) ||
	    open_events(&app, events, &ev_opts, events_rate))
		goto cleanup;
	app.kb = app_kb_load(&app, &err);
	if (!app.kb)
		fprintf(stderr, "clew serve: no KB loaded, answering 503 until a "
			"SIGHUP loads one: %s\n", err.buf);
	ret = daemon_run(&app, &lim);
	{
		unsigned long lost = ev_sink_free(app.events, 5000);

		app.events = NULL;
		if (lost)
			fprintf(stderr, "clew serve: %lu events could not be stored before "
				"exit\n", lost);
	}
cleanup:
	ev_sink_free(app.events, 0);
	record_limits_free(app.record_limits);
	admin_release(&app);
	free(app.events_dsn);
	sbuf_release(&token);
	app_set_kb(&app, NULL);
	metrics_free(app.metrics);
	statics_free(app.statics);
	tpl_set_free(app.templates);
	i18n_free(app.i18n);
	pthread_mutex_destroy(&app.kb_lock);
	sbuf_release(&err);
	sbuf_release(&csp);
	return ret;
}
