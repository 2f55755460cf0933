/* check_annot: the annotation syntax in HTML comments. */
#include <check.h>
#include <string.h>

#include "../server/compiler/annot.h"

START_TEST(test_ordinary_comment_is_not_ours)
{
	struct diag d = DIAG_INIT;
	struct annot a;

	ck_assert_int_eq(annot_parse("<!-- TODO: screenshots -->", "f.md", 3, 1,
				     &d, &a), ANNOT_NONE);
	ck_assert_int_eq(annot_parse(" causes are many ", "f.md", 3, 1, &d, &a),
			 ANNOT_NONE);
	/* Editorial comments that start like one are not near misses. */
	ck_assert_int_eq(annot_parse("<!-- Question: ask the iOS team -->", "f.md",
				     3, 1, &d, &a), ANNOT_NONE);
	ck_assert_int_eq(annot_parse("<!-- TODO: check when: it fails -->", "f.md",
				     3, 1, &d, &a), ANNOT_NONE);
	ck_assert_int_eq(d.nr, 0);
}
END_TEST

/* A comment meant as an annotation but written otherwise is a warning. */
START_TEST(test_near_miss_is_reported)
{
	static const char *const near[] = {
		"<!-- Cause: c10 -->", "<!-- cause c8; solutions: f -->",
		"<!-- SOLUTION: fix-1 -->", "<!-- id: c1; when: platform=ios -->",
		"<!-- solutions: a, b -->",
	};

	for (size_t i = 0; i < sizeof(near) / sizeof(*near); i++) {
		struct diag d = DIAG_INIT;
		struct annot a;

		ck_assert_int_eq(annot_parse(near[i], "f.md", 3, 4, &d, &a),
				 ANNOT_NONE);
		ck_assert_msg(d.warnings == 1 && d.errors == 0, "%s", near[i]);
		ck_assert_int_eq(d.items[0].line, 3);
		ck_assert_ptr_nonnull(strstr(d.items[0].msg, "looks like an annotation"));
		diag_release(&d);
	}
}
END_TEST

START_TEST(test_full_cause)
{
	struct diag d = DIAG_INIT;
	struct annot a;
	const struct kb_cond *c;

	ck_assert_int_eq(annot_parse("<!-- cause: android-a2dp-only; when: "
				     "sco_supported=no, call_type=phone|voip; "
				     "solutions: use-sco, ask ; weight: 2.5 -->",
				     "f.md", 7, 4, &d, &a), ANNOT_OK);
	ck_assert_int_eq(a.kind, ANNOT_CAUSE);
	ck_assert_str_eq(a.id, "android-a2dp-only");
	ck_assert_uint_eq(a.conds.nr, 2);
	c = kb_conds_find(&a.conds, "call_type");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nr_values, 2);
	ck_assert_str_eq(c->values[0], "phone");
	ck_assert_str_eq(c->values[1], "voip");
	ck_assert_uint_eq(a.refs.nr, 2);
	ck_assert_str_eq(a.refs.items[1], "ask");
	ck_assert(a.weight == 2.5);
	ck_assert_int_eq(a.line, 7);
	annot_release(&a);
	diag_release(&d);
}
END_TEST

START_TEST(test_multiline_and_ampersand)
{
	struct diag d = DIAG_INIT;
	struct annot a;

	ck_assert_int_eq(annot_parse("cause: c1\n  when: a=x & b=y\n", "f.md",
				     1, 1, &d, &a), ANNOT_OK);
	ck_assert_uint_eq(a.conds.nr, 2);
	annot_release(&a);
	ck_assert_int_eq(annot_parse("<!-- question: callkit; applies: platform=ios -->",
				     "f.md", 1, 1, &d, &a), ANNOT_OK);
	ck_assert_int_eq(a.kind, ANNOT_QUESTION);
	ck_assert_str_eq(a.conds.items[0].values[0], "ios");
	annot_release(&a);
	ck_assert_int_eq(annot_parse("<!-- solution: s1; fixes: c1, c2; -->",
				     "f.md", 1, 1, &d, &a), ANNOT_OK);
	ck_assert_uint_eq(a.refs.nr, 2);
	annot_release(&a);
	ck_assert_int_eq(d.nr, 0);
}
END_TEST

/* Each malformed annotation fails with a message naming the problem. */
static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{ "cause: Bad Id", "must be lowercase" },
	{ "cause: c1; colour: blue", "unknown key 'colour'" },
	{ "cause: c1; when: sco_supported", "expected question=value" },
	{ "cause: c1; when: =no", "is not a question id" },
	{ "cause: c1; when: q=No Way", "is not a value" },
	{ "cause: c1; when: q=a, q=b", "named twice" },
	{ "cause: c1; weight: heavy", "positive number" },
	{ "cause: c1; weight: -1", "positive number" },
	{ "cause: c1; solutions: a,,b", "is not an id" },
	{ "solution: s1; when: q=a", "unknown key 'when'" },
	{ "cause: c1; just words", "is not 'key: value'" },
	{ "solution: s1; cost: soon", "positive duration" },
	{ "solution: s1; cost: 0", "positive duration" },
	{ "solution: s1; cost: 2 days", "positive duration" },
	{ "solution: s1; cost: 25 h", "positive duration" },
	{ "solution: s1; fix: 1.5", "above 0 and at most 1" },
	{ "solution: s1; fix: 0", "above 0 and at most 1" },
	{ "solution: s1; fixes: c1=often", "above 0 and at most 1" },
	{ "cause: c1; solutions: s1=120%", "above 0 and at most 1" },
	{ "cause: c1; cost: 5", "unknown key 'cost'" },
};

/* A solution's cost and chance, and each link's own chance. */
START_TEST(test_costs_and_chances)
{
	static const struct {
		const char *text;
		double minutes;
	} costs[] = {
		{ "5", 5 }, { "5 min", 5 }, { "2.5minutes", 2.5 }, { "90 s", 1.5 },
		{ "1.5 h", 90 }, { "1 hour", 60 }, { "24 h", 1440 },
	};
	struct diag d = DIAG_INIT;
	struct annot a;
	double v;

	for (size_t i = 0; i < sizeof(costs) / sizeof(*costs); i++) {
		ck_assert_msg(!annot_parse_cost(costs[i].text, &v), "%s", costs[i].text);
		ck_assert_double_eq_tol(v, costs[i].minutes, 1e-9);
	}
	ck_assert_int_eq(annot_parse_probability("70%", &v), 0);
	ck_assert_double_eq_tol(v, 0.7, 1e-12);
	ck_assert_int_eq(annot_parse_probability("1", &v), 0);
	ck_assert_int_eq(annot_parse_probability("-0.1", &v), -1);

	ck_assert_int_eq(annot_parse("<!-- solution: s1; fixes: c1=0.6, c2, c3 = 30%; "
				     "cost: 10 min; fix: 0.8 -->", "f.md", 2, 1, &d, &a),
			 ANNOT_OK);
	ck_assert_uint_eq(a.refs.nr, 3);
	ck_assert_str_eq(a.refs.items[0], "c1");
	ck_assert_str_eq(a.refs.items[2], "c3");
	ck_assert_double_eq_tol(a.ref_fix[0], 0.6, 1e-12);
	ck_assert_double_eq(a.ref_fix[1], 0);
	ck_assert_double_eq_tol(a.ref_fix[2], 0.3, 1e-12);
	ck_assert_double_eq(a.cost, 10);
	ck_assert_double_eq_tol(a.fix, 0.8, 1e-12);
	ck_assert_int_eq(d.nr, 0);
	annot_release(&a);
}
END_TEST

START_TEST(test_malformed)
{
	struct diag d = DIAG_INIT;
	struct annot a;

	ck_assert_int_eq(annot_parse(bad[_i].text, "f.md", 9, 4, &d, &a),
			 ANNOT_FAILED);
	ck_assert_int_ge(d.errors, 1);
	ck_assert_str_eq(d.items[0].path, "f.md");
	ck_assert_int_eq(d.items[0].line, 9);
	ck_assert_int_eq(d.items[0].col, 4);
	ck_assert_msg(strstr(d.items[0].msg, bad[_i].msg), "'%s': got '%s'",
		      bad[_i].text, d.items[0].msg);
	diag_release(&d);
}
END_TEST

Suite *annot_suite(void)
{
	Suite *s = suite_create("annot");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ordinary_comment_is_not_ours);
	tcase_add_test(tc, test_near_miss_is_reported);
	tcase_add_test(tc, test_full_cause);
	tcase_add_test(tc, test_multiline_and_ampersand);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(bad) / sizeof(*bad));
	tcase_add_test(tc, test_costs_and_chances);
	suite_add_tcase(s, tc);
	return s;
}
