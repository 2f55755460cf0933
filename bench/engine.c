/* engine: benchmark of one diagnose (ranking, the repair plan and the
 * next-action choice), single thread, on a synthetic KB of 1,000 causes,
 * 100 questions and 300 steps and on the shipped kb/. Prints figures;
 * asserts nothing about time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/xalloc.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "bench.h"
#include "synth_model.h"

static unsigned long rng = 42;

static unsigned rnd(unsigned n)
{
	return synth_rnd(&rng, n);
}

/* A session as a user with a true cause c would bring it: the problem
 * (half the time) and then the platform (half of those), and up to
 * max_answers questions answered as c says 9 times in 10 (at random where
 * c says nothing). */
static int random_answers(const struct eng_model *m, int *a, int max_answers)
{
	int c = (int)rnd((unsigned)m->nr_causes), k = (int)rnd((unsigned)max_answers + 1);

	for (int q = 0; q < m->nr_questions; q++)
		a[q] = ENG_UNANSWERED;
	if (rnd(2)) {
		a[m->q_problem] = m->causes[c].article;
		if (rnd(2) && m->causes[c].platform >= 0)
			a[m->q_platform] = m->causes[c].platform;
	}
	for (int i = 0; i < k; i++) {
		int q = (int)rnd((unsigned)m->nr_questions), n = m->questions[q].nr_options;
		uint64_t mask = m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q];

		if (q == m->q_problem || q == m->q_platform || n == 0)
			continue;
		a[q] = (int)rnd((unsigned)n);
		if (mask && rnd(10))
			while (!((mask >> a[q]) & 1))
				a[q] = (a[q] + 1) % n;
	}
	return c;
}

/* Marks up to three random steps of c's article failed or skipped, half
 * the time. */
static void random_tried(const struct eng_model *m, int c, unsigned char *t)
{
	int a = m->causes[c].article, n = m->step_start[a + 1] - m->step_start[a];

	memset(t, ENG_UNTRIED, (size_t)m->nr_steps + 1);
	if (!n || rnd(2))
		return;
	for (int k = (int)rnd(4); k > 0; k--)
		t[m->steps_by_article[m->step_start[a] + (int)rnd((unsigned)n)]] =
			rnd(4) ? ENG_FAILED : ENG_SKIPPED;
}

/* Prints rate and latency percentiles of n timed diagnoses. */
static void report(const char *label, double *lat, int n, long asked,
		   long tries)
{
	double total = 0;

	if (!n)
		return;
	for (int i = 0; i < n; i++)
		total += lat[i];
	qsort(lat, (size_t)n, sizeof(*lat), bench_cmp_double);
	printf("  %-26s %6d: %9.0f diagnoses/s  median %.1f us  p99 %.1f us  "
	       "max %.1f us  (next: a question %ld%%, a step %ld%%)\n",
	       label, n, n / total, bench_percentile(lat, (size_t)n, 50) * 1e6,
	       bench_percentile(lat, (size_t)n, 99) * 1e6, lat[n - 1] * 1e6,
	       asked * 100 / n, tries * 100 / n);
}

/* Times n diagnoses; prints the figures of all of them, then of those that
 * planned steps (the problem known: the repair loop's work) apart. */
static void run(const char *name, const struct eng_model *m, int n,
		int max_answers)
{
	struct eng_work *w = eng_work_new(m);
	int *a = eng_answers_new(m);
	unsigned char *t = xcalloc((size_t)m->nr_steps + 1, 1);
	double *lat = xcalloc((size_t)n, sizeof(*lat));
	double *planned = xcalloc((size_t)n, sizeof(*planned)), t0;
	struct eng_result r;
	long asked = 0, tries = 0, p_asked = 0, p_tries = 0;
	int nr_planned = 0;

	for (int i = 0; i < 1000; i++) { /* warm up */
		random_tried(m, random_answers(m, a, max_answers), t);
		eng_diagnose(w, a, t, NULL, &r);
	}
	for (int i = 0; i < n; i++) {
		random_tried(m, random_answers(m, a, max_answers), t);
		t0 = bench_now();
		eng_diagnose(w, a, t, NULL, &r);
		lat[i] = bench_now() - t0;
		asked += r.action == ENG_ACT_ASK;
		tries += r.action == ENG_ACT_TRY;
		if (r.nr_plan > 0) {
			planned[nr_planned++] = lat[i];
			p_asked += r.action == ENG_ACT_ASK;
			p_tries += r.action == ENG_ACT_TRY;
		}
	}
	printf("%s: %d causes, %d questions, %d steps\n", name, m->nr_causes,
	       m->nr_questions, m->nr_steps);
	report("all sessions", lat, n, asked, tries);
	report("sessions with a plan", planned, nr_planned, p_asked, p_tries);
	free(planned);
	free(lat);
	free(t);
	free(a);
	eng_work_free(w);
}

int main(int argc, char **argv)
{
	const char *kb_dir = argc > 1 ? argv[1] : "kb";
	struct eng_model *m;

	m = synth_model_new(&rng, 1000, 100, 300);
	run("synthetic KB", m, 20000, 8);
	eng_model_free(m);
	if (!(m = bench_load_kb(kb_dir, "bench/engine")))
		return 1;
	run("shipped kb/", m, 200000, 6);
	eng_model_free(m);
	printf("targets: p99 < 1 ms on the synthetic KB; > 200,000 diagnoses/s "
	       "on the shipped KB (single thread), all sessions\n");
	return 0;
}
