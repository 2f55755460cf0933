/* check_frontmatter: the YAML header through libyaml. */
#include <check.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/compiler/frontmatter.h"

static int parse(const char *text, struct diag *d, struct frontmatter *fm)
{
	return frontmatter_parse(text, strlen(text), "f.md", d, fm);
}

START_TEST(test_seed_shape)
{
	const char *text = "---\ntitle: Why?\nplatform: [\"iOS\",\"Android\"]\n"
			   "updatedAt: 2020-09-02 15:34:33\n"
			   "Products: [\"Voice\"]\n---\n## Body\n";
	struct diag d = DIAG_INIT;
	struct frontmatter fm;
	cJSON *v;

	ck_assert_int_eq(parse(text, &d, &fm), 0);
	ck_assert_str_eq(frontmatter_get(&fm, "TITLE")->valuestring, "Why?");
	v = frontmatter_get(&fm, "products"); /* case-insensitive */
	ck_assert(cJSON_IsArray(v));
	ck_assert_int_eq(cJSON_GetArraySize(frontmatter_get(&fm, "platform")), 2);
	ck_assert_str_eq(frontmatter_get(&fm, "updatedAt")->valuestring,
			 "2020-09-02 15:34:33");
	ck_assert_int_eq(fm.body_line, 7);
	ck_assert_str_eq(text + fm.body_offset, "## Body\n");
	frontmatter_release(&fm);
}
END_TEST

START_TEST(test_nested_kept)
{
	const char *text = "---\ntitle: T\nextra:\n  owner: support\n  tags: [a, b]\n---\n";
	struct diag d = DIAG_INIT;
	struct frontmatter fm;
	cJSON *extra;

	ck_assert_int_eq(parse(text, &d, &fm), 0);
	extra = frontmatter_get(&fm, "extra");
	ck_assert(cJSON_IsObject(extra));
	ck_assert_str_eq(cJSON_GetObjectItem(extra, "owner")->valuestring, "support");
	ck_assert_str_eq(text + fm.body_offset, "");
	frontmatter_release(&fm);
}
END_TEST

START_TEST(test_empty_header_is_empty_mapping)
{
	struct diag d = DIAG_INIT;
	struct frontmatter fm;

	ck_assert_int_eq(parse("---\n---\nbody\n", &d, &fm), 0);
	ck_assert(cJSON_IsObject(fm.fields));
	ck_assert_int_eq(cJSON_GetArraySize(fm.fields), 0);
	frontmatter_release(&fm);
}
END_TEST

/* ret: -1 when there is no header to read, 1 when its YAML is wrong (the
 * body's place is still known). */
static const struct {
	const char *text;
	int ret, line, col;
	const char *msg;
} bad[] = {
	{ "title: x\n", -1, 1, 1, "missing front matter" },
	{ "", -1, 1, 1, "missing front matter" },
	{ "---\ntitle: x\n", -1, 1, 1, "unclosed front matter" },
	{ "---\ntitle: x\nplatform: [a, b\n---\n", 1, 4, 1, "YAML syntax error" },
	{ "---\ntitle: x\n  bad: indent\n---\n", 1, 3, 6, "YAML syntax error" },
	{ "---\n- a\n- b\n---\n", 1, 2, 1, "must be a YAML mapping" },
	{ "---\ntitle: a\nTitle: b\n---\n", 1, 3, 1, "duplicate front matter key" },
	{ "---\na: &x [*x]\n---\n", 1, 0, 0, "" }, /* a self-alias: error, not a hang */
	{ "\xff\xfe-", -1, 1, 1, "UTF-16 text: save it as UTF-8" },
	{ "\xfe\xff", -1, 1, 1, "UTF-16 text: save it as UTF-8" },
	{ "---\ntitle: Error: printer offline\n---\n", 1, 0, 0,
	  "needs quotes: title: \"Error: printer offline\"" },
};

START_TEST(test_errors)
{
	struct diag d = DIAG_INIT;
	struct frontmatter fm = { 0 };

	ck_assert_int_eq(parse(bad[_i].text, &d, &fm), bad[_i].ret);
	ck_assert_int_ge(d.errors, 1);
	if (bad[_i].line) {
		ck_assert_int_eq(d.items[0].line, bad[_i].line);
		ck_assert_int_eq(d.items[0].col, bad[_i].col);
	}
	ck_assert_msg(strstr(d.items[0].msg, bad[_i].msg), "case %d: got '%s'",
		      _i, d.items[0].msg);
	if (bad[_i].ret == 1) {
		/* No fields, but the body's place: after the closing '---'. */
		ck_assert(cJSON_IsObject(fm.fields));
		ck_assert_int_eq(cJSON_GetArraySize(fm.fields), 0);
		ck_assert_uint_eq(fm.body_offset, strlen(bad[_i].text));
		frontmatter_release(&fm);
	} else {
		ck_assert_ptr_null(fm.fields);
	}
	diag_release(&d);
}
END_TEST

START_TEST(test_alias_bomb_is_bounded)
{
	/* Nine levels of ten aliases each would be 10^9 nodes if expanded. */
	const char *text =
		"---\ntitle: t\n"
		"a: &a [x,x,x,x,x,x,x,x,x,x]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"---\n";
	struct diag d = DIAG_INIT;
	struct frontmatter fm;

	ck_assert_int_eq(parse(text, &d, &fm), 1);
	ck_assert(strstr(d.items[0].msg, "too large") != NULL);
	frontmatter_release(&fm);
	diag_release(&d);
}
END_TEST

Suite *frontmatter_suite(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_seed_shape);
	tcase_add_test(tc, test_nested_kept);
	tcase_add_test(tc, test_empty_header_is_empty_mapping);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(*bad));
	tcase_add_test(tc, test_alias_bomb_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
