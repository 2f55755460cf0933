/* check_repair: the repair loop. The order of steps against a brute-force
 * search over every order on small random models (single fault, up to 7
 * steps); a failed step never raises a cause it fixes; and the golden
 * scenarios of tests/data/scenarios.txt, run through the diagnose
 * document as the API serves it. */
#define _GNU_SOURCE
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/json.h"
#include "../server/base/sbuf.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "../server/store/store.h"
#include "testutil.h"

static unsigned long rng = 2024;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

static double rnd01(void)
{
	return (rnd(1000000) + 0.5) / 1000000.0;
}

/* One article with nc causes and ns steps; each step fixes 1 to 3
 * causes (one when disjoint, no cause fixed by two steps then), with
 * fix probabilities in (0.2, 1] (one per step when uniform, as the
 * default and 'fix:' give), costs of 1 to 20 minutes. */
static struct eng_model *random_model_of(int nc, int ns, int disjoint, int uniform)
{
	struct eng_model *m = eng_model_new();
	struct sbuf id = SBUF_INIT;
	int problem = eng_model_add_question(m, "problem", "Problem?", "");
	int platform = eng_model_add_question(m, "platform", "Platform?", "");
	int *owner = calloc((size_t)nc, sizeof(*owner));

	eng_model_add_option(m, platform, "linux", "Linux");
	eng_model_add_option(m, problem, "p", "P");
	eng_model_add_article(m, "p", "P");
	for (int c = 0; c < nc; c++) {
		sbuf_reset(&id);
		sbuf_addf(&id, "c%d", c);
		eng_model_add_cause(m, 0, id.buf, id.buf, NULL, 0.1 + rnd01());
	}
	for (int s = 0; s < ns; s++) {
		sbuf_reset(&id);
		sbuf_addf(&id, "s%d", s);
		eng_model_add_step(m, 0, id.buf, id.buf, "", NULL, 1 + rnd(20));
	}
	eng_model_finish(m);
	for (int c = 0; c < nc; c++)
		owner[c] = -1;
	for (int s = 0; s < ns; s++) {
		int k = disjoint ? 1 : 1 + (int)rnd(3);
		double fix = 0.2 + 0.8 * rnd01();

		for (int j = 0; j < k; j++) {
			int c = (int)rnd((unsigned)nc);

			if (disjoint) {
				/* The first free cause from c on. */
				int tries = 0;

				while (owner[c] >= 0 && tries++ < nc)
					c = (c + 1) % nc;
				if (owner[c] >= 0)
					break;
				owner[c] = s;
			}
			eng_model_link(m, c, s, uniform ? fix : 0.2 + 0.8 * rnd01());
		}
	}
	free(owner);
	sbuf_release(&id);
	return m;
}

static struct eng_model *random_model(int nc, int ns, int disjoint)
{
	return random_model_of(nc, ns, disjoint, 0);
}

/* The probability that every step of order[0..k) fails, from the
 * posterior (p per cause, the rest being the leak and causes no step
 * fixes), computed from scratch. */
static double all_fail(const struct eng_model *m, const double *p,
		       const int *order, int k)
{
	double f = 1;

	for (int c = 0; c < m->nr_causes; c++) {
		double keep = 1;

		for (int i = 0; i < m->causes[c].nr_steps; i++)
			for (int j = 0; j < k; j++)
				if (order[j] == m->causes[c].steps[i])
					keep *= 1 - m->causes[c].fix[i];
		f -= p[c] * (1 - keep);
	}
	return f;
}

/* Expected cost of repair of trying order[0..n) in that order. */
static double cost_of_order(const struct eng_model *m, const double *p,
			    const int *order, int n)
{
	double total = 0;

	for (int j = 0; j < n; j++)
		total += m->steps[order[j]].cost * all_fail(m, p, order, j);
	return total + ENG_ESCALATION_COST * all_fail(m, p, order, n);
}

/* The least expected cost over every order of steps[0..n): Heap's
 * algorithm over the permutations. */
static double best_order_cost(const struct eng_model *m, const double *p,
			      int *steps, int n)
{
	int c[16] = { 0 }, i = 1;
	double best = cost_of_order(m, p, steps, n);

	while (i < n) {
		if (c[i] < i) {
			int j = i % 2 ? c[i] : 0, t = steps[j];

			steps[j] = steps[i];
			steps[i] = t;
			best = fmin(best, cost_of_order(m, p, steps, n));
			c[i]++;
			i = 1;
		} else {
			c[i++] = 0;
		}
	}
	return best;
}

/* Diagnoses problem p of model m; fills post (per cause). */
static void diagnose(struct eng_work *w, const unsigned char *tried,
		     struct eng_result *r, double *post)
{
	const struct eng_model *m = eng_work_model(w);
	int *a = eng_answers_new(m);

	a[m->q_problem] = 0;
	eng_diagnose(w, a, tried, NULL, r);
	for (int c = 0; c < m->nr_causes; c++)
		post[c] = 0;
	for (int i = 0; i < r->nr; i++)
		post[r->causes[i]] = r->p[i];
	free(a);
}

/* Checks the plan of a random model against every order; returns the
 * ratio of the plan's expected cost to the best. */
static double check_plan(int nc, int ns, int disjoint, int exact)
{
	struct eng_model *m = random_model(nc, ns, disjoint);
	struct eng_work *w = eng_work_new(m);
	double *post = calloc((size_t)nc, sizeof(*post)), best, mine;
	int plan[16];
	struct eng_result r;

	eng_work_set_exact_steps(w, exact);
	diagnose(w, NULL, &r, post);
	ck_assert_int_le(r.nr_plan, ns);
	memcpy(plan, r.plan, (size_t)r.nr_plan * sizeof(*plan));
	mine = cost_of_order(m, post, plan, r.nr_plan);
	/* The plan's own figure is the cost of its order. */
	ck_assert_msg(fabs(mine - r.ecr) < 1e-9 * (1 + mine), "ecr %.12g, order %.12g",
		      r.ecr, mine);
	best = best_order_cost(m, post, plan, r.nr_plan);
	/* Steps left out of the plan fix nothing now. */
	for (int s = 0; s < ns; s++) {
		int in = 0;
		double fixes = 0;

		for (int i = 0; i < r.nr_plan; i++)
			in |= plan[i] == s;
		for (int i = 0; i < m->steps[s].nr_causes; i++)
			fixes += post[m->steps[s].causes[i]] * m->steps[s].fix[i];
		ck_assert_msg(in || fixes == 0, "s%d left out, fixes %g", s, fixes);
	}
	free(post);
	eng_work_free(w);
	eng_model_free(m);
	return mine / best;
}

/* Up to 7 steps, every plan is weighed exactly: no order costs less. */
START_TEST(test_exact_order_is_best)
{
	for (int iter = 0; iter < 300; iter++) {
		int ns = 1 + (int)rnd(7), nc = 1 + (int)rnd(6);
		double ratio = check_plan(nc, ns, 0, ENG_EXACT_STEPS);

		ck_assert_msg(ratio < 1 + 1e-9, "iteration %d: %g above the best", iter, ratio);
	}
}
END_TEST

/* The P/C rule alone is optimal when no two steps fix the same cause
 * (the single-fault result the engine relies on beyond 8 steps). */
START_TEST(test_pc_rule_is_best_when_disjoint)
{
	for (int iter = 0; iter < 300; iter++) {
		int ns = 1 + (int)rnd(7), nc = ns + (int)rnd(3);
		double ratio = check_plan(nc, ns, 1, 0);

		ck_assert_msg(ratio < 1 + 1e-9, "iteration %d: %g above the best", iter, ratio);
	}
}
END_TEST

/* With steps that share causes, the P/C rule step by step is a
 * heuristic: never better than the best, and here never far off. */
START_TEST(test_pc_rule_when_steps_overlap)
{
	double worst = 1;

	for (int iter = 0; iter < 300; iter++) {
		int ns = 2 + (int)rnd(6), nc = 1 + (int)rnd(6);
		double ratio = check_plan(nc, ns, 0, 0);

		ck_assert(ratio > 1 - 1e-9);
		worst = fmax(worst, ratio);
	}
	ck_assert_msg(worst < 1.5, "the P/C rule cost %.3f times the best", worst);
}
END_TEST

/* What a failed step s does to the distribution, on random models:
 * every cause it fixes falls against every cause it does not fix (their
 * ratio is multiplied by 1 - P(s fixes that cause)), and those it does
 * not fix, and the leak, never fall. In absolute terms a cause it fixes
 * never rises when the step fixes each of its causes with one
 * probability (the default, or its 'fix:'), and in general whenever its
 * own fix probability is at least the step's chance of fixing the
 * problem; a cause the step fixes weakly may rise only when the same
 * failure all but rules out a cause it fixes strongly (docs/engine.md). */
START_TEST(test_failed_step_lowers_what_it_fixes)
{
	for (int iter = 0; iter < 600; iter++) {
		int ns = 1 + (int)rnd(7), nc = 1 + (int)rnd(6), uniform = iter % 2;
		struct eng_model *m = random_model_of(nc, ns, 0, uniform);
		struct eng_work *w = eng_work_new(m);
		unsigned char *t = calloc((size_t)ns + 1, 1);
		double *before = calloc((size_t)nc, sizeof(*before));
		double *after = calloc((size_t)nc, sizeof(*after)), leak, chance = 0;
		double *fix = calloc((size_t)nc, sizeof(*fix));
		struct eng_result r;
		int s = (int)rnd((unsigned)ns);

		for (int i = 0; i < ns; i++)
			if (i != s && !rnd(3))
				t[i] = rnd(2) ? ENG_FAILED : ENG_SKIPPED;
		diagnose(w, t, &r, before);
		leak = r.other;
		for (int i = 0; i < m->steps[s].nr_causes; i++) {
			fix[m->steps[s].causes[i]] = m->steps[s].fix[i];
			chance += before[m->steps[s].causes[i]] * m->steps[s].fix[i];
		}
		t[s] = ENG_FAILED;
		diagnose(w, t, &r, after);
		for (int c = 0; c < nc; c++) {
			if (!fix[c]) {
				ck_assert_msg(after[c] >= before[c] - 1e-12,
					      "c%d fell from %g to %g", c, before[c], after[c]);
				continue;
			}
			if (uniform || fix[c] >= chance - 1e-12)
				ck_assert_msg(after[c] <= before[c] + 1e-12,
					      "c%d rose from %g to %g", c, before[c], after[c]);
			for (int d = 0; d < nc; d++)
				if (!fix[d] && before[d] > 0 && after[d] > 0)
					ck_assert(after[c] / after[d] <=
						  before[c] / before[d] * (1 - fix[c]) + 1e-9);
		}
		ck_assert(r.other >= leak - 1e-12);
		/* A step tried is never planned again. */
		for (int i = 0; i < r.nr_plan; i++)
			ck_assert_int_eq(t[r.plan[i]], ENG_UNTRIED);
		free(t);
		free(before);
		free(after);
		free(fix);
		eng_work_free(w);
		eng_model_free(m);
	}
}
END_TEST

/* --- golden scenarios, as data --------------------------------------- */

struct scenario {
	char *name;
	int line;
	struct sbuf args;    /* "problem=... q=v tried=s:r" */
	int checks;          /* expectations checked */
};

static char *kb_db;     /* the shipped kb/, compiled on first use */
static char *check_db;  /* the checklist fixture, likewise */
static char *other_db, *other_name; /* another fixture folder */
static char *dbdir;

static void setup_dbs(void)
{
	dbdir = tu_tmpdir();
}

static void teardown_dbs(void)
{
	tu_rmtree(dbdir);
	free(dbdir);
	free(kb_db);
	free(check_db);
	free(other_db);
	free(other_name);
	kb_db = check_db = other_db = other_name = NULL;
}

/* The compiled file of "kb" (kb/) or of another fixture folder NAME
 * (tests/data/NAME), compiled on first use; kept for the test. */
static const char *db_for(const char *name)
{
	int shipped = !strcmp(name, "kb");
	char **db = shipped ? &kb_db : !strcmp(name, "checklist") ? &check_db : &other_db;
	struct diag d = DIAG_INIT;
	struct sbuf p = SBUF_INIT, src = SBUF_INIT;

	if (*db && (db != &other_db || !strcmp(other_name, name)))
		return *db;
	free(*db);
	if (db == &other_db) {
		free(other_name);
		other_name = strdup(name);
	}
	sbuf_addf(&p, "%s/%s.sqlite", dbdir, name);
	*db = sbuf_detach(&p, NULL);
	sbuf_addf(&src, shipped ? "kb" : "tests/data/%s", name);
	if (tu_compile(*db, &d, 1, src.buf, NULL)) {
		tu_diag_dump(&d);
		ck_abort_msg("%s does not compile cleanly", src.buf);
	}
	diag_release(&d);
	sbuf_release(&src);
	return *db;
}

/* The diagnose document of args on db, as `clew diagnose --json` and the
 * API give it; NULL with a message in err when args are refused. */
static cJSON *run_args(const char *db, const char *args, struct sbuf *err)
{
	char *open_err = NULL, *copy = strdup(args), *save = NULL;
	struct store *st = store_open(db, &open_err);
	struct eng_model *m;
	struct eng_work *w;
	struct eng_tried t;
	struct eng_result r;
	int *a;
	cJSON *doc = NULL;

	ck_assert_msg(st != NULL, "%s", open_err);
	m = store_load_model(st);
	ck_assert_ptr_nonnull(m);
	a = eng_answers_new(m);
	eng_tried_init(&t, m);
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		if (strcmp(tok, "tried") && eng_answer_set(m, a, tok, eq + 1, err))
			goto cleanup;
		*eq = '=';
	}
	free(copy);
	copy = strdup(args);
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strncmp(tok, "tried=", 6) && eng_tried_parse(m, a, &t, tok + 6, err))
			goto cleanup;
	w = eng_work_new(m);
	eng_diagnose(w, a, t.result, NULL, &r);
	doc = eng_result_json(m, a, &t, &r);
	eng_work_free(w);
cleanup:
	free(copy);
	free(a);
	eng_tried_release(&t);
	eng_model_free(m);
	store_free(st);
	return doc;
}

/* 1 when step (a document's step object) fixes cause. */
static int step_fixes(const cJSON *step, const char *cause)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, cJSON_GetObjectItem(step, "fixes"))
		if (!strcmp(json_str(f, "cause"), cause))
			return 1;
	return 0;
}

/* Checks one "key value" expectation against doc. */
static void expect(const struct scenario *sc, const cJSON *doc, const char *key,
		   const char *value)
{
	const cJSON *next = cJSON_GetObjectItem(doc, "next_action");
	const cJSON *outcome = cJSON_GetObjectItem(doc, "outcome");
	const cJSON *step = cJSON_GetObjectItem(next, "step");
	const char *type = json_str(next, "type");

	if (!strcmp(key, "next")) {
		/* "question ID", "step ID", "step", "question" or "none" */
		char what[32] = "", id[128] = "";

		sscanf(value, "%31s %127s", what, id);
		if (!strcmp(what, "none")) {
			ck_assert_msg(cJSON_IsNull(next), "%s:%d: next action is %s",
				      sc->name, sc->line, type);
			return;
		}
		ck_assert_msg(!strcmp(type, what), "%s:%d: next action is '%s', not %s",
			      sc->name, sc->line, type, what);
		if (*id)
			ck_assert_msg(!strcmp(json_str(!strcmp(what, "step") ? step :
					cJSON_GetObjectItem(next, "question"), "id"), id),
				      "%s:%d: next %s is '%s', not %s", sc->name, sc->line,
				      what, json_str(!strcmp(what, "step") ? step :
						 cJSON_GetObjectItem(next, "question"), "id"), id);
	} else if (!strcmp(key, "next-fixes")) {
		ck_assert_msg(step && step_fixes(step, value),
			      "%s:%d: the next step does not fix %s", sc->name, sc->line, value);
	} else if (!strcmp(key, "next-not-fixes")) {
		ck_assert_msg(step && !step_fixes(step, value),
			      "%s:%d: the next step fixes %s", sc->name, sc->line, value);
	} else if (!strcmp(key, "outcome")) {
		const char *status = cJSON_IsNull(outcome) ? "open" : json_str(outcome, "status");

		ck_assert_msg(!strcmp(status, value), "%s:%d: outcome %s, not %s",
			      sc->name, sc->line, status, value);
	} else if (!strcmp(key, "reason")) {
		ck_assert_msg(!strcmp(json_str(outcome, "reason"), value),
			      "%s:%d: reason %s, not %s", sc->name, sc->line,
			      json_str(outcome, "reason"), value);
	} else if (!strcmp(key, "summary-has")) {
		ck_assert_msg(strstr(json_str(outcome, "summary_text"), value) != NULL,
			      "%s:%d: the summary lacks '%s':\n%s", sc->name, sc->line,
			      value, json_str(outcome, "summary_text"));
	} else if (!strcmp(key, "escalation-has")) {
		ck_assert_msg(strstr(json_str(outcome, "escalation_html"), value) != NULL,
			      "%s:%d: the escalation text lacks '%s': %s", sc->name,
			      sc->line, value, json_str(outcome, "escalation_html"));
	} else if (!strcmp(key, "steps")) {
		/* The plan starts with these steps, in this order. */
		char *copy = strdup(value), *save = NULL;
		int i = 0;

		for (char *s = strtok_r(copy, " ,", &save); s; s = strtok_r(NULL, " ,", &save), i++) {
			const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "steps"), i);

			ck_assert_msg(st && !strcmp(json_str(st, "id"), s),
				      "%s:%d: step %d is '%s', not %s", sc->name, sc->line,
				      i + 1, st ? json_str(st, "id") : "(none)", s);
		}
		free(copy);
	} else if (!strcmp(key, "first-cause")) {
		const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "causes"), 0);

		ck_assert_msg(c && !strcmp(json_str(c, "id"), value), "%s:%d: first cause %s, not %s",
			      sc->name, sc->line, c ? json_str(c, "id") : "(none)", value);
	} else {
		ck_abort_msg("%s:%d: unknown expectation '%s'", sc->name, sc->line, key);
	}
}

/* Runs tests/data/scenarios.txt: blocks of "scenario NAME", "kb kb|
 * checklist", "ask ARGS..." (repeatable: the arguments add up), and
 * expectations ("next ...", "outcome ...", ...) checked against the
 * document after the "ask" lines above them. */
START_TEST(test_golden_scenarios)
{
	FILE *f = fopen("tests/data/scenarios.txt", "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, count = 0;
	struct scenario sc = { NULL, 0, SBUF_INIT, 0 };
	const char *db = NULL;
	cJSON *doc = NULL;
	struct sbuf err = SBUF_INIT;

	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *key = line, *value;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (!*line || *line == '#')
			continue;
		value = strchr(line, ' ');
		value = value ? (*value = '\0', value + 1) : (char *)"";
		if (!strcmp(key, "scenario")) {
			/* Each scenario checks something. */
			ck_assert_msg(!sc.name || sc.checks, "%s: no expectation", sc.name);
			sc.checks = 0;
			free(sc.name);
			sc.name = strdup(value);
			sbuf_reset(&sc.args);
			cJSON_Delete(doc);
			doc = NULL;
			db = db_for("kb");
			count++;
		} else if (!strcmp(key, "kb")) {
			db = db_for(value);
		} else if (!strcmp(key, "ask")) {
			sbuf_addf(&sc.args, "%s%s", sc.args.len ? " " : "", value);
			cJSON_Delete(doc);
			sbuf_reset(&err);
			doc = run_args(db, sc.args.buf, &err);
			ck_assert_msg(doc != NULL, "%s:%d: %s", sc.name, lineno, err.buf);
		} else {
			sc.line = lineno;
			ck_assert_msg(doc != NULL, "line %d: an expectation before 'ask'", lineno);
			expect(&sc, doc, key, value);
			sc.checks++;
		}
	}
	ck_assert_msg(!sc.name || sc.checks, "%s: no expectation", sc.name);
	ck_assert_int_ge(count, 4);
	cJSON_Delete(doc);
	free(line);
	free(sc.name);
	sbuf_release(&sc.args);
	sbuf_release(&err);
	fclose(f);
}
END_TEST

/* Steps are named by id in the problem answered, else as SLUG/ID; a
 * wrong name or result is refused with the valid ones. */
START_TEST(test_step_names)
{
	struct sbuf err = SBUF_INIT;
	cJSON *doc;

	doc = run_args(db_for("kb"), "problem=bluetooth-call-audio tried=nope:failed", &err);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(err.buf, "unknown step 'nope'") &&
		      strstr(err.buf, "android-add-permissions"), "%s", err.buf);
	sbuf_reset(&err);
	doc = run_args(db_for("kb"), "problem=bluetooth-call-audio "
		       "tried=android-add-permissions:maybe", &err);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(err.buf, "failed, fixed, skipped") != NULL, "%s", err.buf);
	sbuf_reset(&err);
	doc = run_args(db_for("kb"), "problem=linux-bluetooth-headset-audio "
		       "tried=bluetooth-call-audio/android-add-permissions:failed", &err);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(err.buf, "another problem") != NULL, "%s", err.buf);
	sbuf_reset(&err);
	doc = run_args(db_for("kb"), "tried=bluetooth-call-audio/android-add-permissions:failed",
		       &err);
	ck_assert_msg(doc != NULL, "%s", err.buf);
	ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tried"), 0),
			      "ref"), "bluetooth-call-audio/android-add-permissions");
	cJSON_Delete(doc);
	sbuf_release(&err);
}
END_TEST

Suite *repair_suite(void)
{
	Suite *s = suite_create("repair");
	TCase *tc = tcase_create("plans");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exact_order_is_best);
	tcase_add_test(tc, test_pc_rule_is_best_when_disjoint);
	tcase_add_test(tc, test_pc_rule_when_steps_overlap);
	tcase_add_test(tc, test_failed_step_lowers_what_it_fixes);
	suite_add_tcase(s, tc);
	tc = tcase_create("scenarios");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup_dbs, teardown_dbs);
	tcase_add_test(tc, test_golden_scenarios);
	tcase_add_test(tc, test_step_names);
	suite_add_tcase(s, tc);
	return s;
}
