/* compile: `clew compile [-o OUT] [--strict] PATH...`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/diag.h"
#include "../compiler/compile.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew compile [-o OUT] [--strict] [--jobs N] [--quiet]\n"
	"                    [--learned FILE] PATH...\n"
	"\n"
	"Compiles FAQ articles and question catalogues written in Markdown into\n"
	"one SQLite knowledge base. Every file named is read, whatever its\n"
	"extension; folders are searched for *.md and *.markdown files.\n"
	"\n"
	"  -o, --output OUT  the database to write (default: build/kb.sqlite);\n"
	"                    it is replaced only when the compile succeeds\n"
	"      --strict      treat warnings as errors\n"
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct compile_opts opts = { "build/kb.sqlite", 0, 0, NULL, NULL };
	struct compile_stats st;
	struct diag d = DIAG_INIT;
	struct timespec t0, t1;
	int c, quiet = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
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
	diag_print(&d, stderr);
	if (ret) {
		fprintf(stderr, "clew compile: %d error(s), %d warning(s); %s was "
			"not written\n", d.errors, d.warnings, opts.output);
	} else if (!quiet) {
		printf("compiled %zu source(s) into %s: %zu article(s), %zu "
		       "cause(s), %zu solution(s), %zu question(s), %zu "
		       "platform(s); %d warning(s); content hash %s; %.3f s\n",
		       st.sources, opts.output, st.articles, st.causes,
		       st.solutions, st.questions, st.platforms, d.warnings,
		       st.content_hash,
		       (double)(t1.tv_sec - t0.tv_sec) +
			       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	diag_release(&d);
	return ret ? 1 : 0;
}
