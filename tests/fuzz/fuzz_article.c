/* fuzz_article: one source file (front matter, Markdown, annotations in
 * HTML comments, raw HTML, the docs platforms' syntax) through the
 * compiler's article parser, as `clew compile` reads each file: newlines
 * normalised, mdtree_parse, article_from_tree; the HTML made must pass
 * tests/html_check.h's allow-list. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../server/base/arena.h"
#include "../../server/base/diag.h"
#include "../../server/base/sbuf.h"
#include "../../server/base/text.h"
#include "../../server/compiler/article.h"
#include "../../server/compiler/mdtree.h"
#include "../html_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a parsed article must hold whatever the input: the fields the writer
 * stores without checking. */
static void check_article(const struct kb_article *a)
{
	if (!a->slug || !*a->slug || !a->title || !a->html)
		abort();
	for (size_t i = 0; i < a->nr_sections; i++)
		if (!a->sections[i].anchor || !a->sections[i].html ||
		    !a->sections[i].text)
			abort();
	for (size_t i = 0; i < a->nr_causes; i++)
		if (!text_is_id(a->causes[i].id) || !a->causes[i].title ||
		    !a->causes[i].html)
			abort();
	for (size_t i = 0; i < a->nr_solutions; i++)
		if (!text_is_id(a->solutions[i].id) || !a->solutions[i].html)
			abort();
	/* Nothing an author wrote as HTML reaches the page but what the
	 * allow-list keeps (checked by parsing the output). */
	{
		char why[256];

		if (html_check(a->html, why, sizeof(why))) {
			fprintf(stderr, "fuzz_article: %s\n", why);
			abort();
		}
		for (size_t i = 0; i < a->nr_causes; i++)
			if (html_check(a->causes[i].html, why, sizeof(why)))
				abort();
		for (size_t i = 0; i < a->nr_solutions; i++)
			if (html_check(a->solutions[i].html, why, sizeof(why)))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf buf = SBUF_INIT;
	struct diag d = DIAG_INIT;
	struct kb_article *a = NULL;
	struct mdtree t;
	/* As clew compile parses: one arena, reset after each tree. */
	static struct arena arena = ARENA_INIT;

	if (size > 64 * 1024)
		return -1;
	sbuf_add(&buf, data, size);
	text_normalize_newlines(&buf);
	if (!mdtree_parse(&t, "fuzz.md", buf.buf, buf.len, NULL, &arena, &d)) {
		a = article_from_tree(&t, "fuzz", &d, NULL);
		mdtree_release(&t);
	}
	if (a) {
		check_article(a);
		kb_article_free(a);
	} else if (!d.errors) {
		/* A refused file always says why. */
		abort();
	}
	diag_release(&d);
	sbuf_release(&buf);
	return 0;
}
