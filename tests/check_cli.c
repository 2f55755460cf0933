/* check_cli: the clew binary end to end: commands, exit codes, JSON. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "testutil.h"

/* The reference page beside the checkout; CLEW_SEED overrides. */
#define SEED_DEFAULT "../shared/seed/000_9a239f62ef10e291.txt"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* Runs `clew ARGS` (args are trusted test strings) and captures output. */
static struct tu_run clew(const char *args)
{
	struct sbuf line = SBUF_INIT;
	struct tu_run r;

	sbuf_addf(&line, "@ %s", args);
	r = tu_sh(dir, line.buf);
	sbuf_release(&line);
	return r;
}

static const char *seed(void)
{
	const char *s = getenv("CLEW_SEED");

	if (s && *s)
		return s;
	return access(SEED_DEFAULT, R_OK) == 0 ? SEED_DEFAULT : NULL;
}

START_TEST(test_help_and_version)
{
	static const char *const cmds[] = { "compile", "show", "search",
					    "diagnose", "tree" };
	struct tu_run r = clew("--version");
	struct sbuf a = SBUF_INIT;

	ck_assert_int_eq(r.status, 0);
	ck_assert(!strncmp(r.out, "clew ", 5));
	tu_run_free(&r);
	r = clew("help");
	ck_assert_int_eq(r.status, 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		ck_assert(strstr(r.out, cmds[i]) != NULL);
		sbuf_reset(&a);
		sbuf_addf(&a, "%s --help", cmds[i]);
		{
			struct tu_run h = clew(a.buf);
			ck_assert_int_eq(h.status, 0);
			ck_assert(strstr(h.out, "usage: clew ") != NULL);
			tu_run_free(&h);
		}
	}
	tu_run_free(&r);
	r = clew("frobnicate");
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "not a command") != NULL);
	tu_run_free(&r);
	r = clew("compile");
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	sbuf_release(&a);
}
END_TEST

/* Compiles kb/ and PAGE together, strictly (no warning), then checks
 * PAGE's article SLUG: IOS iOS causes, ANDROID Android causes, at least
 * MIN_SOLUTIONS solutions, platforms and products from its front matter;
 * and that a search for WORD finds WANT_SLUG. */
static void check_faq_page(const char *page, const char *slug, int want_ios,
			   int want_android, int min_solutions,
			   const char *word, const char *want_slug)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r;
	cJSON *doc, *c, *hits;
	int ios = 0, android = 0, found = 0;

	sbuf_addf(&args, "compile --strict -o %s/kb.sqlite kb '%s'", dir, page);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "compiled") != NULL);
	ck_assert_msg(!strstr(r.err, "warning"), "%s", r.err);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "show --db %s/kb.sqlite --json %s", dir, slug);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes")) {
		const char *p = cJSON_GetObjectItem(c, "platform")->valuestring;
		ios += !strcmp(p, "ios");
		android += !strcmp(p, "android");
	}
	ck_assert_int_eq(ios, want_ios);
	ck_assert_int_eq(android, want_android);
	ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "solutions")),
			 min_solutions);
	/* Front matter: a JSON-style platform list, and Products. */
	c = cJSON_GetObjectItem(doc, "platforms");
	ck_assert_int_eq(cJSON_GetArraySize(c), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 0), "id")->valuestring,
			 "ios");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 1), "id")->valuestring,
			 "android");
	ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "products")), 2);
	ck_assert(cJSON_IsString(cJSON_GetObjectItem(doc, "updated_at")));
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "search --db %s/kb.sqlite --json %s", dir, word);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	hits = cJSON_GetObjectItem(doc, "hits");
	cJSON_ArrayForEach(c, hits)
		found |= !strcmp(cJSON_GetObjectItem(c, "slug")->valuestring, want_slug);
	ck_assert_msg(found, "searching '%s' did not find %s", word, want_slug);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "query")->valuestring, word);
	cJSON_Delete(doc);
	tu_run_free(&r);
	sbuf_release(&args);
}

/* A page in the reference FAQ's format (tests/data/faq-format/, our own
 * words): JSON-style front matter lists, one "## ... devices" section per
 * platform, "### Reason" with nested bold notes and lists, "### Solutions"
 * grouped under bold labels, images, an HTML anchor in a heading, a
 * heading with a trailing blank, a code block inside a numbered step. */
START_TEST(test_faq_format_page)
{
	check_faq_page("tests/data/faq-format/001_4e2b7c90d15a3f68.txt",
		       "001_4e2b7c90d15a3f68", 3, 3, 8, "SCO",
		       "bluetooth-call-audio");
}
END_TEST

/* The reference page itself, when shared/ is beside the checkout (or
 * CLEW_SEED names it): a clean clone has no such page, and needs none. */
START_TEST(test_seed_page)
{
	check_faq_page(seed(), "000_9a239f62ef10e291", 3, 3, 6, "SCO",
		       "bluetooth-call-audio");
}
END_TEST

/* On the shipped KB, a word in most sections still ranks its hits (BM25
 * with Lucene's IDF, docs/search.md): every hit scores above 0, and the
 * better match comes first. */
START_TEST(test_common_words_rank)
{
	static const char *const words[] = { "headset", "microphone", "bluetooth" };
	struct sbuf args = SBUF_INIT;

	sbuf_addf(&args, "compile -q -o %s/kb.sqlite kb", dir);
	{
		struct tu_run r = clew(args.buf);
		ck_assert_msg(r.status == 0, "%s", r.err);
		tu_run_free(&r);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		struct tu_run r;
		cJSON *doc, *h;
		double last = 1e300;
		int n = 0;

		sbuf_reset(&args);
		sbuf_addf(&args, "search --db %s/kb.sqlite --json %s", dir, words[i]);
		r = clew(args.buf);
		ck_assert_msg(r.status == 0, "%s", r.err);
		doc = cJSON_Parse(r.out);
		ck_assert_ptr_nonnull(doc);
		cJSON_ArrayForEach(h, cJSON_GetObjectItem(doc, "hits")) {
			double sc = cJSON_GetObjectItem(h, "score")->valuedouble;

			ck_assert_msg(sc > 0.01, "'%s': hit %d scores %g", words[i], n, sc);
			ck_assert_double_le(sc, last);
			last = sc;
			n++;
		}
		ck_assert_int_ge(n, 2);
		cJSON_Delete(doc);
		tu_run_free(&r);
	}
	sbuf_release(&args);
}
END_TEST

START_TEST(test_shipped_kb_is_strict_clean)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r;

	sbuf_addf(&args, "compile --strict -o %s/kb.sqlite kb", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(!strstr(r.err, "warning"), "%s", r.err);
	tu_run_free(&r);
	sbuf_release(&args);
}
END_TEST

/* clew show --lang: the translation that serves the language best. */
START_TEST(test_show_lang)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r;

	sbuf_addf(&args, "compile -q -o %s/kb.sqlite tests/data/translations", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	sbuf_reset(&args);
	sbuf_addf(&args, "show --db %s/kb.sqlite --lang zh-TW speaker-silent", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(!strncmp(r.out, "通话时音箱没有声音\n", strlen("通话时音箱没有声音\n")), "%s", r.out);
	tu_run_free(&r);
	sbuf_reset(&args);
	sbuf_addf(&args, "show --db %s/kb.sqlite --lang ja speaker-silent", dir);
	r = clew(args.buf);
	ck_assert_msg(!strncmp(r.out, "The speaker stays silent during calls\n", 38), "%s", r.out);
	tu_run_free(&r);
	sbuf_release(&args);
}
END_TEST

/* clew diagnose --lang: the same diagnosis, in the reader's words; clew
 * search --lang: words stemmed as that language stems them. */
START_TEST(test_diagnose_and_search_lang)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r, de;
	cJSON *a, *b;

	sbuf_addf(&args, "compile -q -o %s/kb.sqlite tests/data/translations", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --json --db %s/kb.sqlite problem=speaker-silent "
		  "platform=android", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --json --lang de --db %s/kb.sqlite "
		  "problem=speaker-silent platform=android", dir);
	de = clew(args.buf);
	ck_assert_msg(de.status == 0, "%s", de.err);
	a = cJSON_Parse(r.out);
	b = cJSON_Parse(de.out);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	{
		cJSON *ca = cJSON_GetObjectItem(a, "causes"), *cb = cJSON_GetObjectItem(b, "causes");

		ck_assert_int_eq(cJSON_GetArraySize(ca), cJSON_GetArraySize(cb));
		for (int i = 0; i < cJSON_GetArraySize(ca); i++) {
			cJSON *x = cJSON_GetArrayItem(ca, i), *y = cJSON_GetArrayItem(cb, i);

			ck_assert_str_eq(cJSON_GetObjectItem(x, "id")->valuestring,
					 cJSON_GetObjectItem(y, "id")->valuestring);
			ck_assert_double_eq(cJSON_GetObjectItem(x, "probability")->valuedouble,
					    cJSON_GetObjectItem(y, "probability")->valuedouble);
		}
		ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cb, 0), "title")->valuestring,
				 "Der Lautsprecher ist nur für Medien verbunden, Anrufe "
				 "bleiben am Telefon.");
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
	tu_run_free(&r);
	tu_run_free(&de);

	sbuf_reset(&args);
	sbuf_addf(&args, "search --db %s/kb.sqlite --lang de Lautsprechern", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "1 article(s) match") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "Der Lautsprecher bleibt") != NULL, "%s", r.out);
	tu_run_free(&r);
	sbuf_release(&args);
}
END_TEST

START_TEST(test_errors_and_exit_codes)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r;
	cJSON *doc;

	sbuf_addf(&args, "compile -o %s/kb.sqlite tests/data/errors/missing-title.md", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "tests/data/errors/missing-title.md:1:1: error: "
			 "missing title") != NULL);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "compile -q -o %s/kb.sqlite tests/data/kb tests/data/faq-plain.md", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "");
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "show --db %s/kb.sqlite --json nope", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 1);
	doc = cJSON_Parse(r.out);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"),
					     "code")->valuestring, "not_found");
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "search --db %s/kb.sqlite --json '\"('", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 2);
	doc = cJSON_Parse(r.out);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"),
					     "code")->valuestring, "bad_query");
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "search --db %s/kb.sqlite earpiece", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "article(s) match") != NULL);
	tu_run_free(&r);

	r = clew("show --db /nonexistent.sqlite x");
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "cannot open") != NULL);
	tu_run_free(&r);
	sbuf_release(&args);
}
END_TEST

START_TEST(test_diagnose_and_tree)
{
	struct sbuf args = SBUF_INIT;
	struct tu_run r;
	cJSON *doc, *err;

	sbuf_addf(&args, "compile -q -o %s/kb.sqlite kb", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite --json problem=bluetooth-call-audio "
		  "platform=android sco_supported=no", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(doc, "causes"), 0), "id")->valuestring,
		"android-a2dp-only");
	cJSON_Delete(doc);
	tu_run_free(&r);

	/* Free text weights the problem options. */
	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite --json 'q=bluetoothd pipewire'", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(doc, "causes"), 0), "article")->valuestring,
		"linux-bluetooth-headset-audio");
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite --json sco_supported=maybe", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 2);
	doc = cJSON_Parse(r.out);
	err = cJSON_GetObjectItem(doc, "error");
	ck_assert_str_eq(cJSON_GetObjectItem(err, "code")->valuestring, "bad_answer");
	ck_assert(strstr(cJSON_GetObjectItem(err, "message")->valuestring,
			 "valid: yes, no, unknown") != NULL);
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite colour=red", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "unknown question 'colour'") != NULL);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite problem=linux-bluetooth-headset-audio", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	/* A Linux-only problem: its platform is no question, and the Linux
	 * questions apply at once. */
	ck_assert(strstr(r.out, "next question (") != NULL);
	ck_assert(strstr(r.out, "next question (platform") == NULL);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "diagnose --db %s/kb.sqlite problem=bluetooth-call-audio", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "next question (platform") != NULL);
	ck_assert(strstr(r.out, "platform=linux") == NULL);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "tree --db %s/kb.sqlite --problem bluetooth-call-audio --format dot", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	ck_assert(!strncmp(r.out, "digraph clew {", 14));
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "tree --db %s/kb.sqlite --format json", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 0);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "root"));
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "tree --db %s/kb.sqlite --format png", dir);
	r = clew(args.buf);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	sbuf_release(&args);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_shipped_kb_is_strict_clean);
	tcase_add_test(tc, test_errors_and_exit_codes);
	tcase_add_test(tc, test_show_lang);
	tcase_add_test(tc, test_diagnose_and_search_lang);
	tcase_add_test(tc, test_diagnose_and_tree);
	suite_add_tcase(s, tc);

	tcase_add_test(tc, test_faq_format_page);
	tcase_add_test(tc, test_common_words_rank);
	suite_add_tcase(s, tc);

	/* Only where the reference page is: a clean clone has the fixture
	 * above, which checks the same format. */
	if (seed()) {
		tc = tcase_create("seed");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, test_seed_page);
		suite_add_tcase(s, tc);
	}
	return s;
}
