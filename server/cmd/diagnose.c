/* diagnose: `clew diagnose [--db F] [--json] [--lang L] [problem=SLUG] [q=TEXT]
 * [question=value ...] [tried=STEP:RESULT ...]`: ranked causes, the steps
 * in the order to try them, and the next action (a question or a step). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/json.h"
#include "../base/lang.h"
#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../http/kbstate.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew diagnose [--db FILE] [--json] [--lang LANG] [problem=SLUG]\n"
	"                     [q=TEXT]\n"
	"                     [QUESTION=VALUE ...] [tried=STEP:RESULT ...]\n"
	"\n"
	"Ranks the likely causes for the answers given, most likely first, with\n"
	"the answers that moved each one and its solutions; lists the repair\n"
	"steps in the order that costs least on average; and names the next\n"
	"action: a question worth asking, or a step to try. Any subset of\n"
	"answers works, in any order; every question also takes 'unknown'.\n"
	"tried=STEP:RESULT says what came of a step (RESULT is failed, fixed or\n"
	"skipped; STEP is a step id of the problem, or SLUG/ID; several may be\n"
	"given, or one comma-separated list). problem=SLUG limits the causes to\n"
	"one article; q=TEXT weights articles by a full-text match. 'clew\n"
	"diagnose --db F' with no answers lists where to start. With --json,\n"
	"prints the document POST /api/v1/diagnose serves.\n"
	"\n"
	"      --db FILE  the database (default: $CLEW_DB, else build/kb.sqlite)\n"
	"      --json     print JSON (errors too, as {\"error\": {...}})\n"
	"      --lang LANG  causes, steps and questions in LANG where the KB is\n"
	"                 translated into it (zh-TW finds zh-CN), else in their\n"
	"                 own language; ids, order and numbers stay the same\n"
	"  -h, --help     show this help\n"
	"\n"
	"Examples:\n"
	"  clew diagnose problem=bluetooth-call-audio platform=android sco_supported=no\n"
	"  clew diagnose problem=bluetooth-call-audio platform=android sco_supported=yes \\\n"
	"      bt_permissions=yes call_type=voip tried=android-check-offcall-sco:failed\n"
	"\n"
	"Exit status: 0 diagnosed, 1 unreadable database, 2 bad usage or an\n"
	"unknown question, value or step (the message lists the valid ones).\n";

/* The plan, then what to do next, or how the session ended. */
static void print_steps_and_action(const cJSON *doc)
{
	const cJSON *s, *e, *next = cJSON_GetObjectItem(doc, "next_action");
	const cJSON *outcome = cJSON_GetObjectItem(doc, "outcome");
	int i = 0;

	cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "tried")) {
		if (!i++)
			printf("\ntried:\n");
		printf("  %s: %s\n", json_str(s, "ref"), json_str(s, "result"));
	}
	i = 0;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "steps")) {
		if (!i++ && cJSON_IsNumber(cJSON_GetObjectItem(doc, "expected_cost")))
			printf("\nsteps in order (expected cost %.1f min):\n",
			       json_num(doc, "expected_cost"));
		else if (i == 1)
			printf("\nsteps left:\n");
		printf("  %d. %s  %g min, fixes it %.0f%%\n     %s\n", i,
		       json_str(s, "ref"), json_num(s, "cost"),
		       json_num(s, "fix_probability") * 100, json_str(s, "title"));
	}
	if (cJSON_IsObject(outcome)) {
		if (!strcmp(json_str(outcome, "status"), "fixed"))
			printf("\nfixed by %s\n",
			       json_str(cJSON_GetObjectItem(outcome, "fixed_by"), "ref"));
		else
			printf("\nnot fixed (%s): hand it over with this summary:\n%s\n",
			       json_str(outcome, "reason"), json_str(outcome, "summary_text"));
		return;
	}
	if (!cJSON_IsObject(next)) {
		printf("\nno further question would change the ranking\n");
		return;
	}
	if (!strcmp(json_str(next, "type"), "step")) {
		s = cJSON_GetObjectItem(next, "step");
		printf("\nnext: try %s (%g min, fixes it %.0f%%): %s\n"
		       "  tried=%s:fixed  tried=%s:failed  tried=%s:skipped\n",
		       json_str(s, "ref"), json_num(s, "cost"),
		       json_num(s, "fix_probability") * 100, json_str(s, "title"),
		       json_str(s, "ref"), json_str(s, "ref"), json_str(s, "ref"));
		return;
	}
	next = cJSON_GetObjectItem(next, "question");
	printf("\nnext question (%s, %.3f bits): %s\n", json_str(next, "id"),
	       json_num(next, "information_gain"), json_str(next, "text"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(next, "options"))
		printf("  %s=%s  %s\n", json_str(next, "id"), json_str(e, "value"),
		       json_str(e, "label"));
}

static void print_text(const cJSON *doc)
{
	const cJSON *c, *e, *s;
	int rank = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes")) {
		printf("%d. %s  %.1f%%  (%s)\n   %s\n", ++rank,
		       cJSON_GetObjectItem(c, "id")->valuestring,
		       cJSON_GetObjectItem(c, "probability")->valuedouble * 100,
		       cJSON_GetObjectItem(c, "article")->valuestring,
		       cJSON_GetObjectItem(c, "title")->valuestring);
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(c, "explanation"))
			printf("   %s %s%s=%s\n",
			       !strcmp(json_str(e, "effect"), "supports") ? "+" : "-",
			       cJSON_GetObjectItem(e, "step") ? "tried " : "",
			       cJSON_GetObjectItem(e, "step") ? json_str(e, "step") :
								 json_str(e, "question"),
			       json_str(e, "answer"));
		cJSON_ArrayForEach(s, cJSON_GetObjectItem(c, "solutions"))
			printf("   fix: %s\n", cJSON_GetObjectItem(s, "title")->valuestring);
	}
	printf("other (not in the KB): %.1f%%\n",
	       cJSON_GetObjectItem(doc, "other_probability")->valuedouble * 100);
	print_steps_and_action(doc);
}

int cmd_diagnose(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db(), *text = NULL, *lang = NULL;
	const char *problem = NULL;
	struct store *st = NULL;
	struct eng_model *m = NULL;
	/* With --lang, the KB as the server loads it (its translations):
	 * its model and a store handle are borrowed from it. */
	struct kbstate *kb = NULL;
	struct eng_work *w = NULL;
	struct sbuf err = SBUF_INIT;
	struct eng_result r;
	struct eng_tried tried = { 0 };
	struct sbuf tried_args = SBUF_INIT;
	double *boost = NULL;
	int *answers = NULL;
	char *open_err = NULL;
	int c, json = 0, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'J': json = 1; break;
		case 'L': lang = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (lang && !lang_is_tag(lang)) {
		cmd_error(json, "bad_request", "--lang '%s' is not a language tag "
			  "(such as en, fr or zh-CN)", lang);
		ret = 2;
		goto cleanup;
	}
	if (lang) {
		kb = kbstate_load(db, 1, &err);
		if (!kb) {
			cmd_error(json, "kb_unavailable", "%s", err.buf);
			goto cleanup;
		}
		m = kb->model;
		st = kbstate_store_take(kb);
	} else {
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
		if (!strcmp(q, "problem"))
			problem = eq + 1;
		if (!strcmp(q, "q")) {
			text = eq + 1;
		} else if (!strcmp(q, "tried")) {
			/* Read once every answer is: a step's id is looked up
			 * in the problem answered. */
			sbuf_addf(&tried_args, "%s%s", tried_args.len ? "," : "", eq + 1);
		} else if (eng_answer_set(m, answers, q, eq + 1, &err)) {
			cmd_error(json, "bad_answer", "%s", err.buf);
			free(q);
			ret = 2;
			goto cleanup;
		}
		free(q);
	}
	eng_tried_init(&tried, m);
	if (eng_tried_parse(m, answers, &tried, tried_args.buf, &err)) {
		cmd_error(json, "bad_step", "%s", err.buf);
		ret = 2;
		goto cleanup;
	}
	if (text && *text) {
		boost = xcalloc((size_t)m->nr_articles + 1, sizeof(*boost));
		if (store_text_boost(st, m, text, boost)) {
			free(boost); /* no usable words: rank without the text */
			boost = NULL;
		}
	}
	w = eng_work_new(m);
	eng_diagnose(w, answers, tried.result, boost, &r);
	{
		cJSON *doc = eng_result_json(m, answers, &tried, &r);

		if (kb) {
			struct kb_want want = { lang, NULL };

			kbstate_translate_doc(kb, &want, problem, doc);
		}
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
	eng_tried_release(&tried);
	sbuf_release(&tried_args);
	free(answers);
	free(boost);
	if (kb) {
		if (st)
			kbstate_store_give(kb, st);
		kbstate_release(kb);
	} else {
		eng_model_free(m);
		store_free(st);
	}
	free(open_err);
	sbuf_release(&err);
	return ret;
}
