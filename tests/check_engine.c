/* check_engine: ranking, explanations and the next question, on the
 * shipped KB (the golden scenarios) and on properties over many answer
 * sets. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "../server/store/store.h"
#include "testutil.h"

static char *dir;
static struct store *st;
static struct eng_model *m;
static struct eng_work *w;

static void setup(void)
{
	struct sbuf out = SBUF_INIT;
	struct diag d = DIAG_INIT;
	char *err = NULL;

	dir = tu_tmpdir();
	sbuf_addf(&out, "%s/kb.sqlite", dir);
	if (tu_compile(out.buf, &d, 1, "kb", NULL)) {
		tu_diag_dump(&d);
		ck_abort_msg("kb/ does not compile cleanly");
	}
	st = store_open(out.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	m = store_load_model(st);
	ck_assert_msg(m != NULL, "%s", store_errmsg(st));
	w = eng_work_new(m);
	diag_release(&d);
	sbuf_release(&out);
}

static void teardown(void)
{
	eng_work_free(w);
	eng_model_free(m);
	store_free(st);
	tu_rmtree(dir);
	free(dir);
}

/* Parses "q=v q=v ..." into a new answers array. */
static int *answers_of(const char *spec)
{
	int *a = eng_answers_new(m);
	char *copy = strdup(spec), *save = NULL;
	struct sbuf err = SBUF_INIT;

	for (char *tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		ck_assert_msg(!eng_answer_set(m, a, tok, eq + 1, &err), "%s", err.buf);
	}
	free(copy);
	sbuf_release(&err);
	return a;
}

static const char *first_cause(const char *spec, struct eng_result *r)
{
	int *a = answers_of(spec);

	eng_diagnose(w, a, NULL, NULL, r);
	free(a);
	ck_assert_int_gt(r->nr, 0);
	return m->causes[r->causes[0]].id;
}

static const struct {
	const char *answers;
	const char *first;
} golden[] = {
	{ "problem=bluetooth-call-audio platform=android sco_supported=no",
	  "android-a2dp-only" },
	{ "problem=bluetooth-call-audio platform=android bt_permissions=no",
	  "android-missing-permissions" },
	{ "problem=bluetooth-call-audio platform=android bt_permissions=yes "
	  "sco_supported=yes sco_offcall=no call_type=voip",
	  "android-no-offcall-sco" },
	{ "problem=bluetooth-call-audio platform=ios bt_device=speaker callkit=no "
	  "sends_audio=yes",
	  "ios-speaker-needs-callkit" },
	{ "problem=bluetooth-call-audio platform=ios call_type=phone "
	  "answered_on=handset",
	  "ios-default-route" },
	{ "problem=linux-bluetooth-headset-audio platform=linux bluez_running=yes "
	  "adapter_powered=yes device_connected=yes sco_supported=yes "
	  "active_profile=a2dp",
	  "linux-a2dp-profile-active" },
};

START_TEST(test_golden_first_cause)
{
	struct eng_result r;

	ck_assert_str_eq(first_cause(golden[_i].answers, &r), golden[_i].first);
}
END_TEST

START_TEST(test_golden_permissions_solution)
{
	struct eng_result r;
	const struct eng_cause *c;
	int both = 0;

	first_cause("problem=bluetooth-call-audio platform=android bt_permissions=no", &r);
	c = &m->causes[r.causes[0]];
	for (int i = 0; i < c->nr_steps; i++)
		both |= strstr(m->steps[c->steps[i]].html, "android.permission.BLUETOOTH") &&
			strstr(m->steps[c->steps[i]].html, "android.permission.READ_PHONE_STATE");
	ck_assert_msg(both, "no solution of %s names both permissions", c->id);
}
END_TEST

START_TEST(test_golden_platform_scope)
{
	struct eng_result r;

	first_cause("problem=bluetooth-call-audio platform=ios", &r);
	for (int i = 0; i < r.nr; i++)
		ck_assert_msg(strncmp(m->causes[r.causes[i]].id, "android-", 8) ||
			      r.p[i] == 0, "%s has p=%g", m->causes[r.causes[i]].id,
			      r.p[i]);
	/* Excluded causes are not listed at all. */
	for (int i = 0; i < r.nr; i++)
		ck_assert(strncmp(m->causes[r.causes[i]].id, "android-", 8));
}
END_TEST

START_TEST(test_golden_first_question)
{
	struct eng_result r;
	int *a = answers_of("problem=bluetooth-call-audio");

	eng_diagnose(w, a, NULL, NULL, &r);
	ck_assert_int_ge(r.next, 0);
	ck_assert_str_eq(m->questions[r.next].id, "platform");
	ck_assert(r.gain > 0);
	free(a);
}
END_TEST

START_TEST(test_no_problem_uses_every_cause)
{
	struct eng_result r;
	int *a = eng_answers_new(m);

	eng_diagnose(w, a, NULL, NULL, &r);
	ck_assert_int_eq(r.nr, m->nr_causes);
	ck_assert_int_ge(r.next, 0);
	free(a);
}
END_TEST

START_TEST(test_explanations_and_json)
{
	int *a = answers_of("problem=bluetooth-call-audio platform=android "
			    "sco_supported=no bt_permissions=unknown");
	struct eng_result r;
	cJSON *doc, *c0, *ex;
	int supports = 0;

	eng_diagnose(w, a, NULL, NULL, &r);
	doc = eng_result_json(m, a, NULL, &r);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "problem")->valuestring,
			 "bluetooth-call-audio");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "answers"),
					     "bt_permissions")->valuestring, "unknown");
	c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(c0, "id")->valuestring, "android-a2dp-only");
	ck_assert_str_eq(cJSON_GetObjectItem(c0, "article")->valuestring,
			 "bluetooth-call-audio");
	ck_assert_str_eq(cJSON_GetObjectItem(c0, "platform")->valuestring, "android");
	cJSON_ArrayForEach(ex, cJSON_GetObjectItem(c0, "explanation")) {
		const char *q = cJSON_GetObjectItem(ex, "question")->valuestring;

		/* "unknown" is no evidence, so it never explains anything. */
		ck_assert_str_ne(q, "bt_permissions");
		if (!strcmp(q, "sco_supported"))
			supports = !strcmp(cJSON_GetObjectItem(ex, "effect")->valuestring,
					   "supports");
	}
	ck_assert(supports);
	ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(c0, "solutions")), 1);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(doc, "other_probability")));
	cJSON_Delete(doc);
	free(a);
}
END_TEST

START_TEST(test_validation_messages)
{
	int *a = eng_answers_new(m);
	struct sbuf err = SBUF_INIT;

	ck_assert_int_eq(eng_answer_set(m, a, "colour", "red", &err), -1);
	ck_assert(strstr(err.buf, "unknown question 'colour'") != NULL);
	ck_assert(strstr(err.buf, "sco_supported") != NULL);
	sbuf_reset(&err);
	ck_assert_int_eq(eng_answer_set(m, a, "sco_supported", "maybe", &err), -1);
	ck_assert(strstr(err.buf, "valid: yes, no, unknown") != NULL);
	sbuf_reset(&err);
	ck_assert_int_eq(eng_answer_set(m, a, "problem", "nope", &err), -1);
	ck_assert(strstr(err.buf, "bluetooth-call-audio") != NULL);
	sbuf_release(&err);
	free(a);
}
END_TEST

/* Every cause of the shipped KB ranks first under some answers. */
START_TEST(test_every_cause_reachable)
{
	int *a = eng_answers_new(m);

	for (int c = 0; c < m->nr_causes; c++)
		ck_assert_msg(eng_witness(w, c, a), "%s never ranks first",
			      m->causes[c].id);
	free(a);
}
END_TEST

/* A small deterministic generator for random answer sets. */
static unsigned long rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

static void random_answers(int *a)
{
	for (int q = 0; q < m->nr_questions; q++) {
		int n = m->questions[q].nr_options, pick = (int)rnd((unsigned)n + 3);

		a[q] = pick < n ? pick : pick == n ? ENG_UNKNOWN : ENG_UNANSWERED;
	}
}

START_TEST(test_properties)
{
	int *a = eng_answers_new(m), *b = eng_answers_new(m);
	double *before = calloc((size_t)m->nr_causes, sizeof(*before));

	for (int iter = 0; iter < 3000; iter++) {
		struct eng_result r;
		double sum;

		random_answers(a);
		eng_diagnose(w, a, NULL, NULL, &r);
		sum = r.other;
		for (int i = 0; i < r.nr; i++) {
			ck_assert(r.p[i] > 0 && r.p[i] <= 1);
			if (i)
				ck_assert(r.p[i] <= r.p[i - 1]);
			sum += r.p[i];
		}
		ck_assert_msg(fabs(sum - 1) < 1e-9, "sum %.17g", sum);
		ck_assert(r.other >= 0 && r.other <= 1);

		/* Information gain is never negative, for any question. */
		for (int q = 0; q < m->nr_questions; q++)
			ck_assert(eng_gain(w, a, q) >= 0);

		/* Adding an answer that agrees with a cause never lowers it. */
		eng_diagnose(w, a, NULL, NULL, &r);
		memset(before, 0, (size_t)m->nr_causes * sizeof(*before));
		for (int i = 0; i < r.nr; i++)
			before[r.causes[i]] = r.p[i];
		for (int q = 0; q < m->nr_questions; q++) {
			if (a[q] != ENG_UNANSWERED || q == m->q_problem ||
			    q == m->q_platform)
				continue;
			for (int c = 0; c < m->nr_causes; c++) {
				uint64_t mask = m->mask[(size_t)c * m->nr_questions + q];
				struct eng_result r2;
				double after = 0;

				if (!mask || before[c] == 0)
					continue;
				memcpy(b, a, (size_t)m->nr_questions * sizeof(*a));
				b[q] = __builtin_ctzll(mask);
				eng_diagnose(w, b, NULL, NULL, &r2);
				for (int i = 0; i < r2.nr; i++)
					if (r2.causes[i] == c)
						after = r2.p[i];
				ck_assert_msg(after >= before[c] - 1e-12,
					      "%s fell from %g to %g on %s",
					      m->causes[c].id, before[c], after,
					      m->questions[q].id);
			}
		}
	}
	free(before);
	free(a);
	free(b);
}
END_TEST

/* The platform implied when one is left to choose (the chosen problem's
 * causes are all for one, or the KB has one), else ENG_UNANSWERED. */
static int implied_platform(const int *a)
{
	int v = ENG_UNANSWERED, n = 0;

	for (int i = 0; i < m->questions[m->q_platform].nr_options; i++)
		if (eng_option_offered(m, a, m->q_platform, i)) {
			v = i;
			n++;
		}
	return n == 1 ? v : ENG_UNANSWERED;
}

START_TEST(test_next_question_is_unanswered_and_applicable)
{
	int *a = eng_answers_new(m);

	for (int iter = 0; iter < 2000; iter++) {
		struct eng_result r;
		const struct eng_question *qu;

		random_answers(a);
		eng_diagnose(w, a, NULL, NULL, &r);
		if (r.next < 0)
			continue;
		ck_assert_int_eq(a[r.next], ENG_UNANSWERED);
		ck_assert(r.gain >= ENG_MIN_GAIN);
		/* Without steps, a question only while no cause stands out;
		 * with them, only when it is expected to cost less. */
		if (!r.has_steps)
			ck_assert(r.nr == 0 || r.p[0] < ENG_CONFIDENT);
		else
			ck_assert(r.eco < r.ecr);
		qu = &m->questions[r.next];
		/* Never a platform question with one platform to pick. */
		if (r.next == m->q_platform)
			ck_assert_int_eq(implied_platform(a), ENG_UNANSWERED);
		for (int i = 0; i < qu->nr_applies; i++) {
			int v = a[qu->applies[i].q];

			if (v == ENG_UNANSWERED && qu->applies[i].q == m->q_platform)
				v = implied_platform(a);
			ck_assert(v == ENG_UNKNOWN ||
				  (v >= 0 && (qu->applies[i].mask >> v) & 1));
		}
	}
	free(a);
}
END_TEST

START_TEST(test_boost_from_text)
{
	int *a = eng_answers_new(m);
	double *boost = calloc((size_t)m->nr_articles, sizeof(*boost));
	struct eng_result r;
	int linux_article = -1;

	for (int i = 0; i < m->nr_articles; i++)
		if (!strcmp(m->articles[i].slug, "linux-bluetooth-headset-audio"))
			linux_article = i;
	ck_assert_int_ge(linux_article, 0);
	boost[linux_article] = 1;
	eng_diagnose(w, a, NULL, boost, &r);
	ck_assert_int_eq(m->causes[r.causes[0]].article, linux_article);
	free(boost);
	free(a);
}
END_TEST

START_TEST(test_tree)
{
	int *a = answers_of("problem=bluetooth-call-audio");
	cJSON *tree = eng_tree_json(w, a, 20000), *root;
	struct sbuf text = SBUF_INIT, dot = SBUF_INIT;

	root = cJSON_GetObjectItem(tree, "root");
	ck_assert_str_eq(cJSON_GetObjectItem(root, "question")->valuestring, "platform");
	ck_assert_int_gt(cJSON_GetObjectItem(tree, "nodes")->valueint, 3);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(tree, "truncated")));
	eng_tree_render(tree, ENG_TREE_TEXT, &text);
	ck_assert(strstr(text.buf, "= android:") != NULL);
	ck_assert(strstr(text.buf, "-> android-a2dp-only") != NULL);
	eng_tree_render(tree, ENG_TREE_DOT, &dot);
	ck_assert(!strncmp(dot.buf, "digraph clew {", 14));
	ck_assert(strstr(dot.buf, "n0 -> n") != NULL);
	cJSON_Delete(tree);
	sbuf_release(&text);
	sbuf_release(&dot);

	/* A tiny node limit cuts the tree and says so. */
	tree = eng_tree_json(w, a, 2);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(tree, "truncated")));
	cJSON_Delete(tree);
	free(a);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_golden_first_cause, 0,
			    sizeof(golden) / sizeof(*golden));
	tcase_add_test(tc, test_golden_permissions_solution);
	tcase_add_test(tc, test_golden_platform_scope);
	tcase_add_test(tc, test_golden_first_question);
	tcase_add_test(tc, test_no_problem_uses_every_cause);
	tcase_add_test(tc, test_explanations_and_json);
	tcase_add_test(tc, test_validation_messages);
	tcase_add_test(tc, test_every_cause_reachable);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_next_question_is_unanswered_and_applicable);
	tcase_add_test(tc, test_boost_from_text);
	tcase_add_test(tc, test_tree);
	suite_add_tcase(s, tc);
	return s;
}
