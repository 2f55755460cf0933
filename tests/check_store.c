/* check_store: the article document and full-text search on a compiled KB. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/store/store.h"
#include "testutil.h"

static char *dir;
static struct store *st;

static void setup(void)
{
	struct sbuf out = SBUF_INIT;
	struct diag d = DIAG_INIT;
	char *err = NULL;

	dir = tu_tmpdir();
	sbuf_addf(&out, "%s/kb.sqlite", dir);
	if (tu_compile(out.buf, &d, 0, "tests/data/kb", "tests/data/faq-plain.md",
		       "tests/data/cjk.md", "tests/data/bom-crlf.md", NULL)) {
		tu_diag_dump(&d);
		ck_abort_msg("fixtures do not compile");
	}
	st = store_open(out.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	diag_release(&d);
	sbuf_release(&out);
}

static void teardown(void)
{
	store_free(st);
	tu_rmtree(dir);
	free(dir);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(cJSON_IsString(v), "'%s' is not a string", k);
	return v->valuestring;
}

START_TEST(test_article_document)
{
	cJSON *doc = store_article_json(st, "faq-plain");
	const cJSON *c, *arr;
	int ios = 0, android = 0;

	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(str(doc, "slug"), "faq-plain");
	ck_assert(strstr(str(doc, "title"), "wireless earpiece") != NULL);
	arr = cJSON_GetObjectItemCaseSensitive(doc, "platforms");
	ck_assert_int_eq(cJSON_GetArraySize(arr), 2);
	ck_assert_str_eq(str(cJSON_GetArrayItem(arr, 0), "id"), "ios");
	ck_assert_str_eq(str(cJSON_GetArrayItem(arr, 0), "name"), "iOS");
	ck_assert_int_eq(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(doc, "products")), 2);
	ck_assert_str_eq(str(doc, "updated_at"), "2021-04-12T09:15:00");
	ck_assert(strstr(str(doc, "html"), "<h2 id=\"ios-devices\">") != NULL);
	ck_assert_int_ge(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(doc, "sections")), 7);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "causes")) {
		ios += !strcmp(str(c, "platform"), "ios");
		android += !strcmp(str(c, "platform"), "android");
		ck_assert(*str(c, "title"));
		ck_assert(*str(c, "html"));
		ck_assert_int_ge(cJSON_GetArraySize(
			cJSON_GetObjectItemCaseSensitive(c, "solutions")), 1);
	}
	ck_assert_int_eq(ios, 3);
	ck_assert_int_eq(android, 3);
	ck_assert_int_eq(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(doc, "solutions")), 6);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_article_conditions_and_missing)
{
	cJSON *doc = store_article_json(st, "annotated-earpiece");
	const cJSON *c;

	ck_assert_ptr_nonnull(doc);
	c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "causes"), 1);
	ck_assert_str_eq(str(c, "id"), "speaker-kind");
	c = cJSON_GetObjectItemCaseSensitive(c, "conditions");
	ck_assert_int_eq(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(c, "voice_profile")), 2);
	cJSON_Delete(doc);

	ck_assert_ptr_null(store_article_json(st, "no-such-article"));
	ck_assert_str_eq(store_errmsg(st), "not found");
	ck_assert_ptr_null(store_article_json(st, "' OR 1=1 --"));
}
END_TEST

static cJSON *search(const char *q, const char *platform)
{
	struct store_search_opts so = { q, platform, 10, NULL };
	cJSON *doc = NULL;

	ck_assert_int_eq(store_search(st, &so, &doc), STORE_SEARCH_OK);
	return doc;
}

static int total(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "total")->valueint;
}

/* The number of articles q finds (on platform, when not NULL). */
static int matches(const char *q, const char *platform)
{
	cJSON *doc = search(q, platform);
	int n = total(doc);

	cJSON_Delete(doc);
	return n;
}

static const cJSON *hit(const cJSON *doc, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "hits"), i);
}

START_TEST(test_search_words_and_snippets)
{
	cJSON *doc = search("earpiece microphone", NULL);
	const cJSON *h;

	ck_assert_int_ge(total(doc), 1);
	h = hit(doc, 0);
	ck_assert(*str(h, "slug"));
	ck_assert(*str(h, "section"));
	ck_assert(strstr(str(h, "snippet"), "<mark>") != NULL);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(h, "score")));
	cJSON_Delete(doc);

	/* Stemming: "permissions" finds "permission"; a typed prefix works. */
	doc = search("permissions", NULL);
	ck_assert_int_ge(total(doc), 1);
	cJSON_Delete(doc);
	doc = search("manif", NULL);
	ck_assert_int_ge(total(doc), 1);
	/* Ending in a sign, the last word is whole: "manif." is no prefix. */
	ck_assert_int_eq(matches("manif.", NULL), 0);
	ck_assert_int_eq(matches("manif++", NULL), 0);
	/* The snippet is escaped: the manifest's XML comes back as text. */
	for (int i = 0; i < total(doc); i++)
		ck_assert(!strstr(str(hit(doc, i), "snippet"), "<uses"));
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_search_platform_filter)
{
	cJSON *doc = search("headset", "macos");

	ck_assert_int_eq(total(doc), 1);
	ck_assert_str_eq(str(hit(doc, 0), "slug"), "bom-crlf");
	cJSON_Delete(doc);
	ck_assert_int_eq(matches("headset", "linux"), 0);
}
END_TEST

START_TEST(test_search_cjk_substring)
{
	/* Three characters from inside a sentence, no spaces around them. */
	cJSON *doc = search("无法录音", NULL);

	ck_assert_int_eq(total(doc), 1);
	ck_assert_str_eq(str(hit(doc, 0), "slug"), "cjk-article");
	ck_assert(strstr(str(hit(doc, 0), "snippet"), "<mark>") != NULL);
	cJSON_Delete(doc);
	ck_assert_int_eq(matches("接听电话", NULL), 1); /* in the title */
}
END_TEST

/* Words of one or two characters (most Chinese words) are too short for
 * trigrams: they are looked for by a scan, every word required. */
START_TEST(test_search_cjk_short_words)
{
	cJSON *doc = search("录音", NULL);

	ck_assert_int_eq(total(doc), 1);
	ck_assert_str_eq(str(hit(doc, 0), "slug"), "cjk-article");
	ck_assert_str_eq(str(hit(doc, 0), "section"), "reasons");
	ck_assert(strstr(str(hit(doc, 0), "snippet"), "<mark>录音</mark>") != NULL);
	cJSON_Delete(doc);
	doc = search("耳机", NULL); /* only in the title */
	ck_assert_int_eq(total(doc), 1);
	ck_assert_str_eq(str(hit(doc, 0), "slug"), "cjk-article");
	cJSON_Delete(doc);
	ck_assert_int_eq(matches("耳", NULL), 1);
	/* A longer word beside a short one is required too, as a substring;
	 * every word in the snippet's window is marked. */
	doc = search("蓝牙 SCO", NULL);
	ck_assert_int_eq(total(doc), 1);
	ck_assert_str_eq(str(hit(doc, 0), "section"), "solutions");
	ck_assert(strstr(str(hit(doc, 0), "snippet"),
			 "<mark>蓝牙</mark>设备是否支持<mark>SCO</mark>") != NULL);
	cJSON_Delete(doc);
	ck_assert_int_eq(matches("耳机 zzz", NULL), 0);
	ck_assert_int_eq(matches("鸡蛋", NULL), 0);
	ck_assert_int_eq(matches("录音", "android"), 1);
	ck_assert_int_eq(matches("录音", "ios"), 0);
}
END_TEST

/* FTS5 syntax in user text is quoted away: never an error, never a crash. */
static const char *const hostile[] = {
	"\"", "\"unbalanced", "AND", "a OR b NOT c", "NEAR(a b)", "title:earpiece",
	"^earpiece", "earpiece*", "(", ")", "{a b}", "a + b", "-earpiece", "'",
	"%", "\\", "';DROP TABLE articles;--", "earpiece\"", "\x7f",
	"\xff\xfe invalid utf8", "<script>alert(1)</script>",
};

START_TEST(test_search_hostile)
{
	struct store_search_opts so = { hostile[_i], NULL, 10, NULL };
	cJSON *doc = NULL;
	enum store_search_result r = store_search(st, &so, &doc);

	/* Either searched, or refused as having no words or as not being
	 * text: never an error. */
	ck_assert_msg(r == STORE_SEARCH_OK || r == STORE_SEARCH_BAD_QUERY,
		      "'%s': %s", hostile[_i], store_errmsg(st));
	if (r == STORE_SEARCH_OK)
		ck_assert_int_ge(total(doc), 0);
	else
		ck_assert(strstr(store_errmsg(st), "empty query") != NULL ||
			  strstr(store_errmsg(st), "not valid UTF-8") != NULL);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_search_bad_queries)
{
	struct store_search_opts so = { "", NULL, 10, NULL };
	struct sbuf big = SBUF_INIT;
	cJSON *doc = NULL;

	ck_assert_int_eq(store_search(st, &so, &doc), STORE_SEARCH_BAD_QUERY);
	ck_assert(strstr(store_errmsg(st), "empty query") != NULL);
	so.query = "  -- ** ";
	ck_assert_int_eq(store_search(st, &so, &doc), STORE_SEARCH_BAD_QUERY);
	for (int i = 0; i < 2000; i++)
		sbuf_addch(&big, 'a');
	so.query = big.buf;
	ck_assert_int_eq(store_search(st, &so, &doc), STORE_SEARCH_BAD_QUERY);
	ck_assert(strstr(store_errmsg(st), "too long") != NULL);
	ck_assert_ptr_null(doc);
	sbuf_release(&big);
}
END_TEST

START_TEST(test_open_errors)
{
	char *err = NULL;
	char *notkb = tu_write(dir, "not-a-kb.sqlite", "hello", 5);

	ck_assert_ptr_null(store_open("/nonexistent/kb.sqlite", &err));
	ck_assert(strstr(err, "cannot open") != NULL);
	free(err);
	err = NULL;
	ck_assert_ptr_null(store_open(notkb, &err));
	ck_assert(strstr(err, "not a Clew knowledge base") != NULL);
	free(err);
	free(notkb);

	/* A file of another schema version asks to be compiled again. */
	{
		struct sbuf db = SBUF_INIT, cmd = SBUF_INIT;
		struct diag d = DIAG_INIT;

		sbuf_addf(&db, "%s/old.sqlite", dir);
		ck_assert_int_eq(tu_compile(db.buf, &d, 0, "tests/data/kb", NULL), 0);
		sbuf_addf(&cmd, "sqlite3 '%s' \"UPDATE meta SET value = '1' "
			  "WHERE key = 'schema_version'\"", db.buf);
		ck_assert_int_eq(system(cmd.buf), 0);
		err = NULL;
		ck_assert_ptr_null(store_open(db.buf, &err));
		ck_assert_msg(strstr(err, "has schema version 1; this clew reads "
				      STORE_SCHEMA_VERSION " (compile it again)") != NULL,
			      "%s", err);
		free(err);
		diag_release(&d);
		sbuf_release(&db);
		sbuf_release(&cmd);
	}
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_article_document);
	tcase_add_test(tc, test_article_conditions_and_missing);
	tcase_add_test(tc, test_search_words_and_snippets);
	tcase_add_test(tc, test_search_platform_filter);
	tcase_add_test(tc, test_search_cjk_substring);
	tcase_add_test(tc, test_search_cjk_short_words);
	tcase_add_loop_test(tc, test_search_hostile, 0,
			    sizeof(hostile) / sizeof(*hostile));
	tcase_add_test(tc, test_search_bad_queries);
	tcase_add_test(tc, test_open_errors);
	suite_add_tcase(s, tc);
	return s;
}
