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

/* The acceptance: kb/ and the seed compile together; the seed
 * shows 3 iOS and 3 Android causes; "SCO" finds bluetooth-call-audio. */
START_TEST(test_kb_and_seed)
{
	const char *s = seed();
	struct sbuf args = SBUF_INIT;
	struct tu_run r;
	cJSON *doc, *c, *hits;
	int ios = 0, android = 0, found = 0;

	ck_assert_msg(s != NULL, "the seed page is missing: set CLEW_SEED or "
		      "keep shared/ beside the checkout");
	sbuf_addf(&args, "compile -o %s/kb.sqlite kb '%s'", dir, s);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "compiled") != NULL);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "show --db %s/kb.sqlite --json 000_9a239f62ef10e291", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "causes")) {
		const char *p = cJSON_GetObjectItem(c, "platform")->valuestring;
		ios += !strcmp(p, "ios");
		android += !strcmp(p, "android");
	}
	ck_assert_int_eq(ios, 3);
	ck_assert_int_eq(android, 3);
	ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "solutions")), 6);
	cJSON_Delete(doc);
	tu_run_free(&r);

	sbuf_reset(&args);
	sbuf_addf(&args, "search --db %s/kb.sqlite --json SCO", dir);
	r = clew(args.buf);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = cJSON_Parse(r.out);
	ck_assert_ptr_nonnull(doc);
	hits = cJSON_GetObjectItem(doc, "hits");
	cJSON_ArrayForEach(c, hits)
		found |= !strcmp(cJSON_GetObjectItem(c, "slug")->valuestring,
				 "bluetooth-call-audio");
	ck_assert(found);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "query")->valuestring, "SCO");
	cJSON_Delete(doc);
	tu_run_free(&r);
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
	tcase_add_test(tc, test_diagnose_and_tree);
	suite_add_tcase(s, tc);

	/* The reference page lives beside the checkout (shared/), not in it:
	 * a build that has only the repository (the Docker image's build
	 * stage) leaves this case out with CK_EXCLUDE_TAGS=needs-shared.
	 * make check and CI run it. */
	tc = tcase_create("seed");
	tcase_set_tags(tc, "needs-shared");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kb_and_seed);
	suite_add_tcase(s, tc);
	return s;
}
