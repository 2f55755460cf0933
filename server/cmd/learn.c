/* learn: `clew learn`: cause priors and fix rates from recorded outcomes,
 * written to a file to review and bake in with clew compile --learned. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../engine/model.h"
#include "../events/store.h"
#include "../learn/learn.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew learn --events DSN [--db FILE] [-o FILE] [--since DAYS]\n"
	"                  [--half-life DAYS] [--prior-strength N]\n"
	"                  [--fix-strength N] [--max-prior-shift L]\n"
	"                  [--max-fix-shift L]\n"
	"\n"
	"Learns, from the outcomes clew serve recorded, how common each cause of\n"
	"a problem really is (per platform too) and how often each step fixes\n"
	"each cause, starting from the values the KB's authors gave. Writes a\n"
	"file to review (what changed, from how many sessions, with intervals)\n"
	"and prints a short report. Bake it in with\n"
	"  clew compile --learned FILE -o kb.sqlite kb/\n"
	"\n"
	"  --events DSN          the events store: an SQLite file, sqlite:PATH,\n"
	"                        postgresql://..., or @FILE (CLEW_EVENTS)\n"
	"  --db FILE             the KB the sessions ran on (CLEW_DB; default\n"
	"                        build/kb.sqlite); its authored values are the prior\n"
	"  -o, --output FILE     the learned file (default learned.yaml; - for stdout)\n"
	"  --since DAYS          only outcomes of the last DAYS days (default: all)\n"
	"  --half-life DAYS      an outcome this old counts half (default 90)\n"
	"  --prior-strength N    sessions the authored priors count as (default 20)\n"
	"  --fix-strength N      tries an authored fix rate counts as (default 10)\n"
	"  --max-prior-shift L   a prior moves at most L log-odds (default 3: its\n"
	"                        odds at most 20 times higher or lower)\n"
	"  --max-fix-shift L     a fix rate moves at most L log-odds (default 2.5)\n"
	"  -h, --help            show this help\n"
	"\n"
	"How it counts, and what it ignores: docs/outcomes.md.\n";

static int add_event(const struct ev_event *e, void *ctx)
{
	learn_add(ctx, e);
	return 0;
}

static int parse_pos(const char *flag, const char *v, double lo, double hi, double *out)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || *end || !(x >= lo) || !(x <= hi)) {
		fprintf(stderr, "clew learn: %s takes a number from %g to %g\n", flag, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

int cmd_learn(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ "db", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "half-life", required_argument, NULL, 'H' },
		{ "prior-strength", required_argument, NULL, 'P' },
		{ "fix-strength", required_argument, NULL, 'F' },
		{ "max-prior-shift", required_argument, NULL, 'M' },
		{ "max-fix-shift", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db(), *events = getenv("CLEW_EVENTS");
	const char *output = "learned.yaml";
	struct learn_opts o;
	struct sbuf err = SBUF_INIT, out = SBUF_INIT, rep = SBUF_INIT;
	struct store *st = NULL;
	struct eng_model *m = NULL;
	struct ev_store *ev = NULL;
	struct learn *l = NULL;
	char *open_err = NULL, *hash = NULL;
	double since_days = -1;
	int c, ret = 1;

	learn_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': events = optarg; break;
		case 'd': db = optarg; break;
		case 'o': output = optarg; break;
		case 's':
			if (parse_pos("--since", optarg, 0, 36500, &since_days))
				return 2;
			break;
		case 'H':
			if (parse_pos("--half-life", optarg, 0.01, 36500, &o.half_life_days))
				return 2;
			break;
		case 'P':
			if (parse_pos("--prior-strength", optarg, 0.01, 1e6, &o.prior_strength))
				return 2;
			break;
		case 'F':
			if (parse_pos("--fix-strength", optarg, 0.01, 1e6, &o.fix_strength))
				return 2;
			break;
		case 'M':
			if (parse_pos("--max-prior-shift", optarg, 0, 20, &o.max_prior_shift))
				return 2;
			break;
		case 'S':
			if (parse_pos("--max-fix-shift", optarg, 0, 20, &o.max_fix_shift))
				return 2;
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !events || !*events) {
		fprintf(stderr, "clew learn: %s\n\n%s", optind != argc ?
			"unexpected argument" : "name the events store with --events", usage);
		return 2;
	}
	st = store_open(db, &open_err);
	if (!st) {
		sbuf_addf(&err, "%s", open_err);
		goto fail;
	}
	m = store_load_authored_model(st);
	if (!m) {
		sbuf_addf(&err, "%s", store_errmsg(st));
		goto fail;
	}
	hash = store_meta(st, "content_hash");
	ev = ev_store_open_existing(events, &err);
	if (!ev)
		goto fail;
	l = learn_new(m, hash, &o);
	if (ev_store_scan(ev, since_days < 0 ? 0 : o.now_ms - (int64_t)(since_days * 86400000.0),
			  add_event, l, &err) < 0)
		goto fail;
	learn_write(l, &out);
	if (!strcmp(output, "-")) {
		fputs(out.buf, stdout);
	} else if (cmd_write_file(output, out.buf, out.len, &err)) {
		goto fail;
	}
	learn_report(l, &rep);
	fputs(rep.buf, strcmp(output, "-") ? stdout : stderr);
	if (strcmp(output, "-"))
		printf("\nWrote %s. Review it, then: clew compile --learned %s ...\n",
		       output, output);
	ret = 0;
	goto cleanup;
fail:
	fprintf(stderr, "clew learn: %s\n", err.buf);
cleanup:
	learn_free(l);
	ev_store_free(ev);
	eng_model_free(m);
	store_free(st);
	free(open_err);
	free(hash);
	sbuf_release(&err);
	sbuf_release(&out);
	sbuf_release(&rep);
	return ret;
}
