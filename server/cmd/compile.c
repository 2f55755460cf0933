/* compile: `clew compile [-o OUT] [--strict] [--keep-going] PATH...`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/diag.h"
#include "../base/lang.h"
#include "../base/sbuf.h"
#include "../compiler/compile.h"
#include "../compiler/compile_report.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew compile [-o OUT] [--strict] [--keep-going] [--jobs N]\n"
	"                    [--default-lang TAG]\n"
	"                    [--quiet] [--verbose] [--report FILE]\n"
	"                    [--learned FILE] PATH...\n"
	"\n"
	"Compiles FAQ articles and question catalogues written in Markdown into\n"
	"one SQLite knowledge base. Every file named is read, whatever its\n"
	"extension; folders are searched for *.md and *.markdown files.\n"
	"\n"
	"  -o, --output OUT  the database to write (default: build/kb.sqlite);\n"
	"                    it is replaced only when the compile succeeds\n"
	"      --strict      treat warnings as errors\n"
	"  -k, --keep-going  leave out each source with errors (all of them\n"
	"                    reported) and compile the rest; fails only when\n"
	"                    nothing is left, or under --strict\n"
	"  -v, --verbose     print every warning (by default, of each kind of\n"
	"                    warning the first 3, then how many more there are)\n"
	"      --default-lang TAG  the KB's default language: what a reader who\n"
	"                    asks for none, or for one the KB lacks, gets\n"
	"                    (default: the catalogue's 'lang:', else en)\n"
	"      --report FILE  write the outcome and every problem as JSON\n"
	"                    to FILE ('-': standard output)\n"
	"  -j, --jobs N      parser threads (default: one per CPU but the\n"
	"                    one that writes the database)\n"
	"  -q, --quiet       print no summary\n"
	"      --learned FILE  bake in what `clew learn` learned from outcomes\n"
	"                    (cause priors, fix rates); values for ids the KB no\n"
	"                    longer has are reported and ignored (docs/outcomes.md)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Problems are printed as 'path:line:col: error: message'. The exit status\n"
	"is 0 when the output was written, 1 when it was not, 2 on bad usage.\n"
	"Authoring guide: docs/authoring.md.\n";

int cmd_compile(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "learned", required_argument, NULL, 'L' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "report", required_argument, NULL, 'R' },
		{ "default-lang", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct compile_opts opts = { "build/kb.sqlite", 0, 0, NULL, NULL, 0, NULL };
	struct compile_stats st = { 0 };
	struct diag d = DIAG_INIT;
	struct timespec t0, t1;
	const char *report = NULL;
	int c, quiet = 0, verbose = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:qkvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opts.output = optarg;
			break;
		case 's':
			opts.strict = 1;
			break;
		case 'j':
			opts.jobs = atoi(optarg);
			if (opts.jobs < 1 || opts.jobs > 256) {
				fprintf(stderr, "clew compile: --jobs takes 1 to 256\n");
				return 2;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'L':
			opts.learned = optarg;
			break;
		case 'k':
			opts.keep_going = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'R':
			report = optarg;
			break;
		case 'D':
			if (!lang_is_tag(optarg)) {
				fprintf(stderr, "clew compile: --default-lang takes a language "
					"tag (en, zh-CN, pt-BR)\n");
				return 2;
			}
			opts.default_lang = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "clew compile: name at least one file or folder\n\n%s",
			usage);
		return 2;
	}
	/* Past a file size limit (ulimit -f), a write fails with EFBIG and
	 * the compile reports it, instead of the process being killed. */
	signal(SIGXFSZ, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	compile_tune_process();
	ret = compile_run((const char *const *)argv + optind,
			  (size_t)(argc - optind), &opts, &d, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		diag_print(&d, stderr);
	else
		diag_print_grouped(&d, stderr, 3);
	if (ret) {
		fprintf(stderr, "clew compile: %d error(s), %d warning(s); %s was "
			"not written\n", d.errors, d.warnings, opts.output);
	} else if (!quiet) {
		struct sbuf left = SBUF_INIT;

		if (st.nr_left_out)
			sbuf_addf(&left, "; %zu source(s) left out (their errors are above)",
				  st.nr_left_out);
		if (st.translations)
			sbuf_addf(&left, "; %zu translation(s)", st.translations);
		printf("compiled %zu source(s) into %s: %zu article(s), %zu "
		       "cause(s), %zu solution(s), %zu question(s), %zu "
		       "platform(s)%s; %d warning(s); content hash %s; %.3f s\n",
		       st.sources - st.nr_left_out, opts.output, st.articles, st.causes,
		       st.solutions, st.questions, st.platforms, left.buf, d.warnings,
		       st.content_hash,
		       (double)(t1.tv_sec - t0.tv_sec) +
			       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		sbuf_release(&left);
	}
	if (report) {
		struct sbuf err = SBUF_INIT;

		if (compile_report_write(report, opts.output, !ret, &st, &d, &err)) {
			fprintf(stderr, "clew compile: %s\n", err.buf);
			ret = -1;
		}
		sbuf_release(&err);
	}
	compile_stats_release(&st);
	diag_release(&d);
	return ret ? 1 : 0;
}
