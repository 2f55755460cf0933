/* tree: `clew tree [--db F] [--problem SLUG] [--format text|json|dot]`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../store/store.h"
#include "cmd.h"

/* Bound on the tree's size; the output says when it was reached. */
#define MAX_NODES 20000

static const char usage[] =
	"usage: clew tree [--db FILE] [--problem SLUG] [--format text|json|dot]\n"
	"\n"
	"Prints the whole decision tree the next-question rule yields from no\n"
	"answers: each node a question, each edge an answer, each leaf the top\n"
	"causes with their probabilities. --format dot renders with Graphviz:\n"
	"  clew tree --problem bluetooth-call-audio --format dot | dot -Tsvg > tree.svg\n"
	"\n"
	"      --db FILE        the database (default: $CLEW_DB, else build/kb.sqlite)\n"
	"      --problem SLUG   start from this article's causes only\n"
	"      --format F       text (default), json or dot\n"
	"  -h, --help           show this help\n";

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "problem", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db(), *problem = NULL;
	enum eng_tree_format fmt = ENG_TREE_TEXT;
	struct store *st = NULL;
	struct eng_model *m = NULL;
	struct eng_work *w = NULL;
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	cJSON *tree = NULL;
	int *answers = NULL;
	char *open_err = NULL;
	int c, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': problem = optarg; break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = ENG_TREE_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = ENG_TREE_JSON;
			else if (!strcmp(optarg, "dot"))
				fmt = ENG_TREE_DOT;
			else {
				fprintf(stderr, "clew tree: --format is text, json or dot\n");
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	st = store_open(db, &open_err);
	if (!st) {
		fprintf(stderr, "clew: %s\n", open_err);
		goto cleanup;
	}
	m = store_load_model(st);
	if (!m) {
		fprintf(stderr, "clew: %s\n", store_errmsg(st));
		goto cleanup;
	}
	answers = eng_answers_new(m);
	if (problem && eng_answer_set(m, answers, "problem", problem, &err)) {
		fprintf(stderr, "clew tree: %s\n", err.buf);
		ret = 2;
		goto cleanup;
	}
	w = eng_work_new(m);
	tree = eng_tree_json(w, answers, MAX_NODES);
	eng_tree_render(tree, fmt, &out);
	fputs(out.buf, stdout);
	ret = 0;
cleanup:
	cJSON_Delete(tree);
	eng_work_free(w);
	free(answers);
	eng_model_free(m);
	store_free(st);
	free(open_err);
	sbuf_release(&out);
	sbuf_release(&err);
	return ret;
}
