/* check_anchors: ids for an article's causes and solutions in its html. */
#include <check.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/http/anchors.h"

/* An article document: html, and entries as [kind, id, html] triples. */
static cJSON *doc_of(const char *html, const char *const *entries)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *causes = cJSON_AddArrayToObject(doc, "causes");
	cJSON *solutions = cJSON_AddArrayToObject(doc, "solutions");

	cJSON_AddStringToObject(doc, "html", html);
	for (size_t i = 0; entries[i]; i += 3) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "id", entries[i + 1]);
		cJSON_AddStringToObject(e, "html", entries[i + 2]);
		cJSON_AddItemToArray(!strcmp(entries[i], "cause") ? causes : solutions, e);
	}
	return doc;
}

static const char *html_of(const cJSON *doc)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(doc, "html"));
}

static const char *anchor_of(const cJSON *doc, const char *list, int i)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(doc, list), i), "anchor"));
}

START_TEST(test_items)
{
	/* A loose list ("<li>\n<p>") and a tight one ("<li>text"). */
	static const char *const entries[] = {
		"cause", "loose", "<p>The cable is loose.</p>\n",
		"solution", "plug", "Plug it in.",
		NULL,
	};
	cJSON *doc = doc_of("<h2 id=\"causes\">Causes</h2>\n<ol>\n<li>\n<p>The cable is "
			    "loose.</p>\n</li>\n</ol>\n<h2 id=\"fixes\">Fixes</h2>\n<ul>\n"
			    "<li>Plug it in.</li>\n</ul>\n", entries);

	anchors_add(doc);
	ck_assert_str_eq(html_of(doc), "<h2 id=\"causes\">Causes</h2>\n<ol>\n"
			 "<li id=\"cause-loose\">\n<p>The cable is loose.</p>\n</li>\n</ol>\n"
			 "<h2 id=\"fixes\">Fixes</h2>\n<ul>\n<li id=\"fix-plug\">Plug it in.</li>\n"
			 "</ul>\n");
	ck_assert_str_eq(anchor_of(doc, "causes", 0), "cause-loose");
	ck_assert_str_eq(anchor_of(doc, "solutions", 0), "fix-plug");
	ck_assert_str_eq(anchors_solution(doc, "plug"), "fix-plug");
	ck_assert_ptr_null(anchors_solution(doc, "nosuch"));
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_fallbacks)
{
	/* Said in a paragraph: the heading above. An id already in the page,
	 * or one that cannot stand in a fragment: the heading too. Not in
	 * the html at all: no anchor. */
	static const char *const entries[] = {
		"solution", "para", "<p><strong>Fix:</strong> restart.</p>\n",
		"solution", "taken", "Taken.",
		"solution", "a b", "Spaced.",
		"solution", "gone", "<p>Nowhere.</p>\n",
		NULL,
	};
	const char *html = "<p>Intro.</p>\n<h3 id=\"what-to-do\">What to do</h3>\n"
			   "<p><strong>Fix:</strong> restart.</p>\n<ul>\n<li>Taken.</li>\n"
			   "<li>Spaced.</li>\n</ul>\n<p id=\"fix-taken\">x</p>\n";
	cJSON *doc = doc_of(html, entries);

	anchors_add(doc);
	ck_assert_str_eq(html_of(doc), html);
	ck_assert_str_eq(anchor_of(doc, "solutions", 0), "what-to-do");
	ck_assert_str_eq(anchor_of(doc, "solutions", 1), "what-to-do");
	ck_assert_str_eq(anchor_of(doc, "solutions", 2), "what-to-do");
	ck_assert_ptr_null(anchor_of(doc, "solutions", 3));
	cJSON_Delete(doc);

	/* No heading above: no anchor. */
	{
		static const char *const one[] = { "solution", "p", "<p>Top.</p>\n", NULL };

		doc = doc_of("<p>Top.</p>\n", one);
		anchors_add(doc);
		ck_assert_ptr_null(anchor_of(doc, "solutions", 0));
		cJSON_Delete(doc);
	}
}
END_TEST

Suite *anchors_suite(void)
{
	Suite *s = suite_create("anchors");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_items);
	tcase_add_test(tc, test_fallbacks);
	suite_add_tcase(s, tc);
	return s;
}
