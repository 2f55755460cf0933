/* search: `clew search [--db F] [--json] [--platform P] QUERY...`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../store/store.h"
#include "cmd.h"

static const char usage[] =
	"usage: clew search [--db FILE] [--json] [--platform P] [--limit N]\n"
	"                   [--lang LANG] QUERY...\n"
	"\n"
	"Full-text search over titles, headings and text, best match first, one\n"
	"hit per article. Words are all required; the last also matches as a\n"
	"prefix. Text without spaces (Chinese, Japanese) is matched as a\n"
	"substring of three or more characters. With --json, prints the document\n"
	"GET /api/v1/search serves: query, total, hits [slug, title, section,\n"
	"heading, snippet, score]; snippets are HTML-escaped with <mark> tags.\n"
	"\n"
	"      --db FILE     the database (default: $CLEW_DB, else build/kb.sqlite)\n"
	"      --json        print JSON\n"
	"      --platform P  only articles for platform P (an id such as 'ios')\n"
	"      --limit N     at most N hits, 1 to 100 (default 10)\n"
	"      --lang LANG   the reader's language: hits in it first, and of an\n"
	"                    article found in several languages, the one in it\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 searched (even with no hits), 1 database error, 2 bad\n"
	"usage or an empty query.\n";

/* Prints an escaped snippet for a terminal: marks as [..], entities back. */
static void print_snippet(const char *s)
{
	static const struct { const char *from, *to; } map[] = {
		{ "<mark>", "[" }, { "</mark>", "]" }, { "&amp;", "&" },
		{ "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&#39;", "'" },
	};

	while (*s) {
		size_t i;

		for (i = 0; i < sizeof(map) / sizeof(*map); i++)
			if (!strncmp(s, map[i].from, strlen(map[i].from)))
				break;
		if (i < sizeof(map) / sizeof(*map)) {
			fputs(map[i].to, stdout);
			s += strlen(map[i].from);
		} else {
			putchar(*s++);
		}
	}
}

int cmd_search(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "platform", required_argument, NULL, 'p' },
		{ "limit", required_argument, NULL, 'l' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_search_opts so = { NULL, NULL, 10, NULL };
	const char *db = cmd_default_db();
	struct sbuf q = SBUF_INIT;
	struct store *st = NULL;
	cJSON *doc = NULL, *hit;
	char *err = NULL;
	int c, json = 0, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'J': json = 1; break;
		case 'p': so.platform = optarg; break;
		case 'L': so.lang = optarg; break;
		case 'l':
			so.limit = atoi(optarg);
			if (so.limit < 1 || so.limit > 100) {
				fprintf(stderr, "clew search: --limit takes 1 to 100\n");
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		sbuf_addf(&q, "%s%s", i > optind ? " " : "", argv[i]);
	so.query = q.buf;
	st = store_open(db, &err);
	if (!st) {
		cmd_error(json, "kb_unavailable", "%s", err);
		goto cleanup;
	}
	switch (store_search(st, &so, &doc)) {
	case STORE_SEARCH_OK:
		break;
	case STORE_SEARCH_BAD_QUERY:
		cmd_error(json, "bad_query", "%s", store_errmsg(st));
		ret = 2;
		goto cleanup;
	default:
		cmd_error(json, "kb_error", "%s", store_errmsg(st));
		goto cleanup;
	}
	if (json) {
		cmd_print_json(doc);
		doc = NULL;
	} else {
		printf("%d article(s) match '%s'\n",
		       cJSON_GetObjectItemCaseSensitive(doc, "total")->valueint, q.buf);
		cJSON_ArrayForEach(hit, cJSON_GetObjectItemCaseSensitive(doc, "hits")) {
			printf("\n%s  (%s#%s)\n  ",
			       cJSON_GetObjectItemCaseSensitive(hit, "title")->valuestring,
			       cJSON_GetObjectItemCaseSensitive(hit, "slug")->valuestring,
			       cJSON_GetObjectItemCaseSensitive(hit, "section")->valuestring);
			print_snippet(cJSON_GetObjectItemCaseSensitive(hit, "snippet")->valuestring);
			putchar('\n');
		}
	}
	ret = 0;
cleanup:
	cJSON_Delete(doc);
	free(err);
	store_free(st);
	sbuf_release(&q);
	return ret;
}
