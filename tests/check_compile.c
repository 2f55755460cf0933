/* check_compile: whole runs of the compiler: errors, warnings, atomic output. */
#include <check.h>
#include <dirent.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/sbuf.h"
#include "../server/engine/model.h"
#include "../server/store/store.h"
#include "testutil.h"

#define KB "tests/data/kb"
#define ERR "tests/data/errors/"

static char *dir;
static struct sbuf out;

static void setup(void)
{
	dir = tu_tmpdir();
	sbuf_init(&out);
	sbuf_addf(&out, "%s/kb.sqlite", dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	sbuf_release(&out);
}

static char *meta(const char *db, const char *key)
{
	char *err = NULL, *v;
	struct store *st = store_open(db, &err);

	ck_assert_msg(st != NULL, "%s", err);
	v = store_meta(st, key);
	store_free(st);
	return v;
}

/* Returns the number of entries of dir other than . and .. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(test_fixtures_compile)
{
	struct diag d = DIAG_INIT;
	char *v;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    "tests/data/cjk.md", "tests/data/bom-crlf.md",
				    NULL), 0);
	ck_assert_int_eq(d.errors, 0);
	/* The plain page's later causes have no conditions to rank by. */
	ck_assert(tu_diag_has(&d, "tests/data/faq-plain.md:26:1: warning: cause "
			      "'ios-2' never ranks first"));
	v = meta(out.buf, "schema_version");
	ck_assert_str_eq(v, STORE_SCHEMA_VERSION);
	free(v);
	v = meta(out.buf, "articles");
	ck_assert_str_eq(v, "4");
	free(v);
	v = meta(out.buf, "content_hash");
	ck_assert_uint_eq(strlen(v), 16);
	free(v);
	v = meta(out.buf, "clew_version");
	ck_assert_ptr_nonnull(v);
	free(v);
	v = meta(out.buf, "built_at");
	ck_assert_int_eq(v[4], '-');
	free(v);
	ck_assert_int_eq(count_entries(dir), 1); /* no temporary file left */
	diag_release(&d);
}
END_TEST

START_TEST(test_same_sources_same_hash)
{
	struct diag d = DIAG_INIT;
	char *h1, *h2, *h3;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/cjk.md", NULL), 0);
	h1 = meta(out.buf, "content_hash");
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, "tests/data/cjk.md", KB, NULL), 0);
	h2 = meta(out.buf, "content_hash");
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    NULL), 0);
	h3 = meta(out.buf, "content_hash");
	ck_assert_str_eq(h1, h2);
	ck_assert_str_ne(h1, h3);
	free(h1);
	free(h2);
	free(h3);
	diag_release(&d);
}
END_TEST

/* Every error the issue lists, as "path:line:col: error: message". */
static const struct {
	const char *file;
	const char *want;
} errors[] = {
	{ ERR "missing-frontmatter.md", ERR "missing-frontmatter.md:1:1: error: missing front matter" },
	{ ERR "unclosed-frontmatter.md", ERR "unclosed-frontmatter.md:1:1: error: unclosed front matter" },
	{ ERR "yaml-syntax.md", ERR "yaml-syntax.md:4:1: error: YAML syntax error" },
	{ ERR "missing-title.md", ERR "missing-title.md:1:1: error: missing title" },
	{ ERR "unknown-question.md", ERR "unknown-question.md:9:4: error: unknown question 'no_such_question'" },
	{ ERR "unknown-option.md", ERR "unknown-option.md:9:4: error: unknown option 'maybe' of question 'voice_profile' in 'when' of cause 'c1' (valid: yes, no, unknown)" },
	{ ERR "unknown-solution.md", ERR "unknown-solution.md:9:4: error: unknown solution 'nope'" },
	{ ERR "malformed-annotation.md", ERR "malformed-annotation.md:9:4: error: malformed annotation: unknown key 'colour'" },
	{ ERR "malformed-condition.md", ERR "malformed-condition.md:9:4: error: malformed condition" },
	{ ERR "no-such-file.md", ERR "no-such-file.md: error: cannot read: No such file or directory" },
};

START_TEST(test_each_error)
{
	struct diag d = DIAG_INIT;

	/* faq-plain brings the iOS platform the catalogue's other files need. */
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    errors[_i].file, NULL), -1);
	ck_assert_int_eq(d.errors, 1);
	ck_assert(tu_diag_has(&d, errors[_i].want));
	ck_assert_int_eq(count_entries(dir), 0);
	diag_release(&d);
}
END_TEST

START_TEST(test_duplicate_slug)
{
	struct diag d = DIAG_INIT;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, ERR "dup-slug-a.md",
				    ERR "dup-slug-b.md", NULL), -1);
	ck_assert(tu_diag_has(&d, ERR "dup-slug-b.md:1:1: error: duplicate slug "
			      "'same-slug' (also used by " ERR "dup-slug-a.md)"));
	diag_release(&d);
}
END_TEST

START_TEST(test_all_errors_reported_in_one_run)
{
	struct diag d = DIAG_INIT;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, ERR "missing-title.md",
				    ERR "yaml-syntax.md", ERR "unknown-option.md",
				    NULL), -1);
	ck_assert_int_eq(d.errors, 3);
	diag_release(&d);
}
END_TEST

START_TEST(test_failure_leaves_output_untouched)
{
	static const char precious[] = "an older knowledge base\0with a NUL";
	struct diag d = DIAG_INIT;
	char *before, *after;
	size_t len;

	free(tu_write(dir, "kb.sqlite", precious, sizeof(precious)));
	before = tu_read(out.buf, &len);
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, ERR "missing-title.md",
				    NULL), -1);
	after = tu_read(out.buf, &len);
	ck_assert_uint_eq(len, sizeof(precious));
	ck_assert_mem_eq(after, precious, sizeof(precious));
	ck_assert_int_eq(count_entries(dir), 1);
	free(before);
	free(after);
	diag_release(&d);
}
END_TEST

START_TEST(test_success_replaces_output)
{
	struct diag d = DIAG_INIT;
	char *v;

	free(tu_write(dir, "kb.sqlite", "old", 3));
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, NULL), 0);
	v = meta(out.buf, "articles");
	ck_assert_str_eq(v, "1");
	free(v);
	diag_release(&d);
}
END_TEST

START_TEST(test_warnings_and_strict)
{
	struct diag d = DIAG_INIT;
	char *q = tu_write(dir, "q.md",
			   "---\ntype: questions\n---\n## Unused?\n"
			   "<!-- question: lonely -->\n\n- `yes`: Yes\n", -1);
	char *a = tu_write(dir, "nocause.md", "---\ntitle: Just prose\n---\nHello.\n", -1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, q, a, NULL), 0);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_int_eq(d.warnings, 2);
	ck_assert(tu_diag_has(&d, "warning: question 'lonely' is used by no cause"));
	ck_assert(tu_diag_has(&d, "nocause.md: warning: article 'nocause' has no causes"));
	diag_release(&d);

	unlink(out.buf);
	ck_assert_int_eq(tu_compile(out.buf, &d, 1, KB, q, a, NULL), -1);
	ck_assert(tu_diag_has(&d, "--strict"));
	ck_assert_ptr_null(tu_read(out.buf, NULL));
	diag_release(&d);
	free(q);
	free(a);
}
END_TEST

static const struct {
	const char *text;
	const char *want;
} catalog_errors[] = {
	{ "## Q?\n<!-- question: q1 -->\n\n- yes: no backticks\n",
	  "q.md:7:1: error: option of question 'q1' must start with its value in backticks" },
	{ "## Q?\n<!-- question: q1 -->\n\n- `unknown`: ?\n",
	  "option value 'unknown' of question 'q1' is reserved" },
	{ "## Q?\n<!-- question: q1 -->\n\n- `a`: A\n- `a`: again\n",
	  "duplicate option 'a' of question 'q1'" },
	{ "## Q?\n<!-- question: q1 -->\n\nNo options.\n",
	  "q.md:4:1: error: question 'q1' has no options" },
	{ "## Q?\n<!-- question: q1 -->\n- `a`: A\n## Again?\n<!-- question: q1 -->\n- `b`: B\n",
	  "q.md:7:1: error: duplicate question id 'q1'" },
	{ "## Platform?\n<!-- question: platform -->\n\n- `ios`: iOS\n",
	  "question 'platform' takes its options from the articles" },
	{ "## Q?\n<!-- question: q1; applies: nope=x -->\n- `a`: A\n",
	  "unknown question 'nope' in 'applies' of question 'q1'" },
	{ "<!-- cause: c1 -->\n## Q?\n",
	  "q.md:4:1: error: malformed annotation: in a question catalogue" },
};

START_TEST(test_catalog_errors)
{
	struct diag d = DIAG_INIT;
	struct sbuf text = SBUF_INIT;
	char *q;

	sbuf_addf(&text, "---\ntype: questions\n---\n%s", catalog_errors[_i].text);
	q = tu_write(dir, "q.md", text.buf, -1);
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, q, NULL), -1);
	ck_assert(tu_diag_has(&d, catalog_errors[_i].want));
	diag_release(&d);
	sbuf_release(&text);
	free(q);
}
END_TEST

/* A label written over two lines keeps the space at the line break. */
START_TEST(test_option_label_spans_lines)
{
	struct diag d = DIAG_INIT;
	char *q = tu_write(dir, "q.md",
			   "---\ntype: questions\n---\n## Gateway?\n"
			   "<!-- question: gw -->\n\n"
			   "- `yes`: Handsfree Audio Gateway or\n  Headset AG is listed\n"
			   "- `no` \u2014 Neither is `listed`\n", -1);
	char *a = tu_write(dir, "a.md",
			   "---\ntitle: T\nplatform: Linux\n---\n## Reasons\n\n"
			   "1. <!-- cause: c1; when: gw=no --> No gateway.\n", -1);
	char *err = NULL;
	struct store *st;
	struct eng_model *m;
	int qi;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, q, a, NULL), 0);
	st = store_open(out.buf, &err);
	ck_assert_ptr_nonnull(st);
	m = store_load_model(st);
	ck_assert_ptr_nonnull(m);
	qi = eng_model_question(m, "gw");
	ck_assert_int_ge(qi, 0);
	ck_assert_str_eq(m->questions[qi].options[0].label,
			 "Handsfree Audio Gateway or Headset AG is listed");
	ck_assert_str_eq(m->questions[qi].options[1].label, "Neither is listed");
	eng_model_free(m);
	store_free(st);
	free(q);
	free(a);
	diag_release(&d);
}
END_TEST

START_TEST(test_no_sources)
{
	struct diag d = DIAG_INIT;
	char *empty = tu_tmpdir();

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, empty, NULL), -1);
	ck_assert(tu_diag_has(&d, "no sources"));
	tu_rmtree(empty);
	free(empty);
	diag_release(&d);
}
END_TEST

Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fixtures_compile);
	tcase_add_test(tc, test_same_sources_same_hash);
	tcase_add_loop_test(tc, test_each_error, 0, sizeof(errors) / sizeof(*errors));
	tcase_add_test(tc, test_duplicate_slug);
	tcase_add_test(tc, test_all_errors_reported_in_one_run);
	tcase_add_test(tc, test_failure_leaves_output_untouched);
	tcase_add_test(tc, test_success_replaces_output);
	tcase_add_test(tc, test_warnings_and_strict);
	tcase_add_loop_test(tc, test_catalog_errors, 0,
			    sizeof(catalog_errors) / sizeof(*catalog_errors));
	tcase_add_test(tc, test_option_label_spans_lines);
	tcase_add_test(tc, test_no_sources);
	suite_add_tcase(s, tc);
	return s;
}
