/* report: `clew report`: is the knowledge base helping? The tables of
 * /admin, from the events store, as text or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../engine/model.h"
#include "../events/event.h"
#include "../events/store.h"
#include "../stats/stats.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew report --events DSN [--db FILE] [--days N] [--top N] [--json]\n"
	"\n"
	"Prints what the recorded events say: sessions and how they ended, the\n"
	"share fixed per problem, fixes that work and fixes that never do, where\n"
	"sessions are abandoned, top searches, searches with no hits or no click,\n"
	"and \"Was this helpful?\" votes per article (the tables of /admin).\n"
	"\n"
	"  --events DSN   the events store: an SQLite file, sqlite:PATH,\n"
	"                 postgresql://..., or @FILE (CLEW_EVENTS)\n"
	"  --db FILE      the KB, for titles (CLEW_DB; default build/kb.sqlite;\n"
	"                 ids alone when it cannot be read)\n"
	"  --days N       the last N days of events (default 30)\n"
	"  --top N        rows of each list (default 20)\n"
	"  --json         the tables as JSON (as GET /api/v1/admin/report)\n"
	"  -h, --help     show this help\n"
	"\n"
	"A session with no outcome and no event for 30 minutes counts as\n"
	"abandoned. docs/outcomes.md describes each table.\n";

static int add_event(const struct ev_event *e, void *ctx)
{
	stats_add(ctx, e);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ "db", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'D' },
		{ "top", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db(), *events = getenv("CLEW_EVENTS");
	struct stats_opts o = { 0 };
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	struct store *st = NULL;
	struct eng_model *m = NULL;
	struct ev_store *ev = NULL;
	struct stats *s = NULL;
	cJSON *doc = NULL;
	char *open_err = NULL, *end;
	int c, json = 0, ret = 1;

	o.days = 30;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': events = optarg; break;
		case 'd': db = optarg; break;
		case 'D':
			o.days = (int)strtol(optarg, &end, 10);
			if (*end || o.days < 1 || o.days > 3660) {
				fprintf(stderr, "clew report: --days takes 1 to 3660\n");
				return 2;
			}
			break;
		case 'T':
			o.top = (int)strtol(optarg, &end, 10);
			if (*end || o.top < 1 || o.top > 10000) {
				fprintf(stderr, "clew report: --top takes 1 to 10000\n");
				return 2;
			}
			break;
		case 'J': json = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !events || !*events) {
		fprintf(stderr, "clew report: %s\n\n%s", optind != argc ?
			"unexpected argument" : "name the events store with --events", usage);
		return 2;
	}
	/* Titles when the KB is at hand; ids alone when it is not. */
	st = store_open(db, &open_err);
	if (st)
		m = store_load_model(st);
	o.model = m;
	s = stats_new(&o);
	ev = ev_store_open_existing(events, &err);
	if (!ev)
		goto fail;
	/* The window's events (a session begun just before it is seen in
	 * part: counted from its first event in the window). */
	if (ev_store_scan(ev, stats_window_start(s), add_event, s, &err) < 0)
		goto fail;
	doc = stats_json(s);
	if (json) {
		char *text = cJSON_Print(doc);

		puts(text);
		free(text);
	} else {
		stats_text(doc, &out);
		fputs(out.buf, stdout);
	}
	ret = 0;
	goto cleanup;
fail:
	fprintf(stderr, "clew report: %s\n", err.buf);
cleanup:
	cJSON_Delete(doc);
	stats_free(s);
	ev_store_free(ev);
	eng_model_free(m);
	store_free(st);
	free(open_err);
	sbuf_release(&err);
	sbuf_release(&out);
	return ret;
}
