/* show: `clew show [--db F] [--json] [--lang L] SLUG`: one article. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/json.h"
#include "../base/lang.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew show [--db FILE] [--json] [--lang LANG] SLUG\n"
	"\n"
	"Prints one article of a compiled knowledge base: its platforms, its\n"
	"causes (or, on a checklist page, what each check looks for) with the\n"
	"steps that fix each and their chance of fixing it, its steps with what\n"
	"each costs in minutes and why, and what it says to do when no step\n"
	"helped; with --json, the document GET /api/v1/articles/SLUG serves\n"
	"(slug, title, platforms, products, updated_at, html, escalation_html,\n"
	"sections, causes, solutions).\n"
	"\n"
	"      --db FILE  the database (default: $CLEW_DB, else build/kb.sqlite)\n"
	"      --json     print JSON\n"
	"      --lang LANG  in LANG when the article is translated into it\n"
	"                 (zh-TW finds zh-CN), else in its own language\n"
	"  -h, --help     show this help\n"
	"\n"
	"Exit status: 0 shown, 1 no such article or unreadable database, 2 bad\n"
	"usage.\n";

static void print_text(const cJSON *doc)
{
	const cJSON *it, *sol;
	int first = 1;

	printf("%s\n", json_str(doc, "title"));
	printf("slug: %s\nplatforms:", json_str(doc, "slug"));
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "platforms"))
		printf("%s %s", first-- > 0 ? "" : ",", json_str(it, "name"));
	first = 1;
	printf("\nproducts:");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "products"))
		printf("%s %s", first-- > 0 ? "" : ",", it->valuestring);
	printf("\nupdated: %s\n\ncauses:\n", json_str(doc, "updated_at"));
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "causes")) {
		const cJSON *fix = cJSON_GetObjectItemCaseSensitive(it, "fix_probability");

		printf("  [%s] %s%s: %s\n", *json_str(it, "platform") ? json_str(it, "platform") : "any",
		       !strcmp(json_str(it, "kind"), "check") ? "check " : "",
		       json_str(it, "id"), json_str(it, "title"));
		printf("        fixed by:");
		cJSON_ArrayForEach(sol, cJSON_GetObjectItemCaseSensitive(it, "solutions"))
			printf(" %s (%.0f%%)", sol->valuestring, cJSON_GetNumberValue(
				cJSON_GetObjectItemCaseSensitive(fix, sol->valuestring)) * 100);
		printf("\n");
	}
	printf("\nsteps:\n");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "solutions"))
		printf("  [%s] %s: %s\n        %g min (%s)\n",
		       *json_str(it, "platform") ? json_str(it, "platform") : "any",
		       json_str(it, "id"), json_str(it, "title"),
		       cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "cost")),
		       json_str(it, "cost_basis"));
	if (*json_str(doc, "escalation_html"))
		printf("\nwhen no step helps (HTML):\n%s", json_str(doc, "escalation_html"));
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cmd_default_db();
	struct store *st = NULL;
	cJSON *doc = NULL;
	char *err = NULL;
	const char *lang = NULL;
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
	if (optind + 1 != argc) {
		fprintf(stderr, "clew show: name exactly one article slug\n\n%s", usage);
		return 2;
	}
	st = store_open(db, &err);
	if (!st) {
		cmd_error(json, "kb_unavailable", "%s", err);
		goto cleanup;
	}
	doc = store_article_json(st, argv[optind]);
	if (doc && lang) {
		/* The translation that serves lang best, if one does. */
		const char *avail[32];
		size_t n = 0;
		const cJSON *t;
		const char *src = json_str(doc, "lang");

		avail[n++] = *src ? src : "en";
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "translations"))
			if (n < 32)
				avail[n++] = json_str(t, "lang");
		{
			const char *m = lang_match(lang, avail, n);

			if (m && m != avail[0]) {
				cJSON *tr = store_translation_json(st, argv[optind], m);

				if (tr) {
					cJSON_Delete(doc);
					doc = tr;
				}
			}
		}
	}
	if (!doc) {
		if (!strcmp(store_errmsg(st), "not found"))
			cmd_error(json, "not_found", "no article with slug '%s'",
				  argv[optind]);
		else
			cmd_error(json, "kb_error", "%s", store_errmsg(st));
		goto cleanup;
	}
	if (json)
		cmd_print_json(doc);
	else {
		print_text(doc);
		cJSON_Delete(doc);
	}
	ret = 0;
cleanup:
	free(err);
	store_free(st);
	return ret;
}
