/* diagnose: `clew diagnose [--db F] [--json] [problem=SLUG] [q=TEXT]
 * [question=value ...]`: ranked causes and the next question. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew diagnose [--db FILE] [--json] [problem=SLUG] [q=TEXT] [QUESTION=VALUE ...]\n"
	"\n"
	"Ranks the likely causes for the answers given, most likely first, with\n"
	"the answers that moved each one and its solutions, and names the next\n"
	"question worth asking (the one with the largest expected information\n"
	"gain). Any subset of answers works, in any order; every question also\n"
	"takes 'unknown'. problem=SLUG limits the causes to one article; q=TEXT\n"
	"weights articles by a full-text match. 'clew diagnose --db F' with no\n"
	"answers lists where to start. With --json, prints the document\n"
	"POST /api/v1/diagnose serves.\n"
	"\n"
	"      --db FILE  the database (default: $CLEW_DB, else build/kb.sqlite)\n"
	"      --json     print JSON (errors too, as {\"error\": {...}})\n"
	"  -h, --help     show this help\n"
	"\n"
	"Example:\n"
	"  clew diagnose problem=bluetooth-call-audio platform=android sco_supported=no\n"
	"\n"
	"Exit status: 0 diagnosed, 1 unreadable database, 2 bad usage or an\n"
	"unknown question or value (the message lists the valid ones).\n";

static void print_text(const cJSON *doc)
{
	const cJSON *c, *e, *s, *next;
	int rank = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes")) {
		printf("%d. %s  %.1f%%  (%s)\n   %s\n", ++rank,
		       cJSON_GetObjectItem(c, "id")->valuestring,
		       cJSON_GetObjectItem(c, "probability")->valuedouble * 100,
		       cJSON_GetObjectItem(c, "article")->valuestring,
		       cJSON_GetObjectItem(c, "title")->valuestring);
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(c, "explanation"))
			printf("   %s %s=%s\n",
			       !strcmp(cJSON_GetObjectItem(e, "effect")->valuestring,
				       "supports") ? "+" : "-",
			       cJSON_GetObjectItem(e, "question")->valuestring,
			       cJSON_GetObjectItem(e, "answer")->valuestring);
		cJSON_ArrayForEach(s, cJSON_GetObjectItem(c, "solutions"))
			printf("   fix: %s\n", cJSON_GetObjectItem(s, "title")->valuestring);
	}
	printf("other (not in the KB): %.1f%%\n",
	       cJSON_GetObjectItem(doc, "other_probability")->valuedouble * 100);
	next = cJSON_GetObjectItem(doc, "next_question");
	if (cJSON_IsObject(next)) {
		printf("\nnext question (%s, %.3f bits): %s\n",
		       cJSON_GetObjectItem(next, "id")->valuestring,
		       cJSON_GetObjectItem(next, "information_gain")->valuedouble,
		       cJSON_GetObjectItem(next, "text")->valuestring);
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(next, "options"))
			printf("  %s=%s  %s\n",
			       cJSON_GetObjectItem(next, "id")->valuestring,
			       cJSON_GetObjectItem(e, "value")->valuestring,
			       cJSON_GetObjectItem(e, "label")->valuestring);
	} else {
		printf("\nno further question would change the ranking\n");
	}
}

int cmd_diagnose(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db(), *text = NULL;
	struct store *st = NULL;
	struct eng_model *m = NULL;
	struct eng_work *w = NULL;
	struct sbuf err = SBUF_INIT;
	struct eng_result r;
	double *boost = NULL;
	int *answers = NULL;
	char *open_err = NULL;
	int c, json = 0, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'J': json = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	st = store_open(db, &open_err);
	if (!st) {
		cmd_error(json, "kb_unavailable", "%s", open_err);
		goto cleanup;
	}
	m = store_load_model(st);
	if (!m) {
		cmd_error(json, "kb_error", "%s", store_errmsg(st));
		goto cleanup;
	}
	answers = eng_answers_new(m);
	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char *q;

		if (!eq || eq == argv[i]) {
			cmd_error(json, "bad_request",
				  "'%s' is not QUESTION=VALUE (see clew diagnose --help)",
				  argv[i]);
			ret = 2;
			goto cleanup;
		}
		q = xstrndup(argv[i], (size_t)(eq - argv[i]));
		if (!strcmp(q, "q")) {
			text = eq + 1;
		} else if (eng_answer_set(m, answers, q, eq + 1, &err)) {
			cmd_error(json, "bad_answer", "%s", err.buf);
			free(q);
			ret = 2;
			goto cleanup;
		}
		free(q);
	}
	if (text && *text) {
		boost = xcalloc((size_t)m->nr_articles + 1, sizeof(*boost));
		if (store_text_boost(st, m, text, boost)) {
			free(boost); /* no usable words: rank without the text */
			boost = NULL;
		}
	}
	w = eng_work_new(m);
	eng_diagnose(w, answers, boost, &r);
	{
		cJSON *doc = eng_result_json(m, answers, &r);

		if (json) {
			cmd_print_json(doc);
		} else {
			print_text(doc);
			cJSON_Delete(doc);
		}
	}
	ret = 0;
cleanup:
	eng_work_free(w);
	free(answers);
	free(boost);
	eng_model_free(m);
	store_free(st);
	free(open_err);
	sbuf_release(&err);
	return ret;
}
