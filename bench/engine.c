/* engine: benchmark of one diagnose (ranking, the repair plan and the
 * next-action choice), single thread, on a synthetic KB of 1,000 causes,
 * 100 questions and 300 steps and on the shipped kb/. Prints figures;
 * asserts nothing about time. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../server/base/diag.h"
#include "../server/base/sbuf.h"
#include "../server/compiler/compile.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "../server/store/store.h"
#include "synth_model.h"

static unsigned long rng = 42;

static unsigned rnd(unsigned n)
{
	return synth_rnd(&rng, n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
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
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("  %-26s %6d: %9.0f diagnoses/s  median %.1f us  p99 %.1f us  "
	       "max %.1f us  (next: a question %ld%%, a step %ld%%)\n",
	       label, n, n / total, lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6,
	       lat[n - 1] * 1e6, asked * 100 / n, tries * 100 / n);
}

/* Times n diagnoses; prints the figures of all of them, then of those that
 * planned steps (the problem known: the repair loop's work) apart. */
static void run(const char *name, const struct eng_model *m, int n,
		int max_answers)
{
	struct eng_work *w = eng_work_new(m);
	int *a = eng_answers_new(m);
	unsigned char *t = calloc((size_t)m->nr_steps + 1, 1);
	double *lat = calloc((size_t)n, sizeof(*lat));
	double *planned = calloc((size_t)n, sizeof(*planned)), t0;
	struct eng_result r;
	long asked = 0, tries = 0, p_asked = 0, p_tries = 0;
	int nr_planned = 0;

	for (int i = 0; i < 1000; i++) { /* warm up */
		random_tried(m, random_answers(m, a, max_answers), t);
		eng_diagnose(w, a, t, NULL, &r);
	}
	for (int i = 0; i < n; i++) {
		random_tried(m, random_answers(m, a, max_answers), t);
		t0 = now();
		eng_diagnose(w, a, t, NULL, &r);
		lat[i] = now() - t0;
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
	char tmpl[] = "/tmp/clew-bench-engine-XXXXXX";
	struct sbuf out = SBUF_INIT;
	struct diag d = DIAG_INIT;
	struct compile_opts opts = { NULL, 0, 0, NULL };
	struct compile_stats st;
	struct eng_model *m;
	struct store *s;
	char *err = NULL;
	int ret = 1;

	m = synth_model_new(&rng, 1000, 100, 300);
	run("synthetic KB", m, 20000, 8);
	eng_model_free(m);

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	sbuf_addf(&out, "%s/kb.sqlite", tmpl);
	opts.output = out.buf;
	if (compile_run((const char *const *)&kb_dir, 1, &opts, &d, &st)) {
		diag_print(&d, stderr);
		goto cleanup;
	}
	s = store_open(out.buf, &err);
	if (!s || !(m = store_load_model(s))) {
		fprintf(stderr, "bench/engine: %s\n", err ? err : store_errmsg(s));
		store_free(s);
		goto cleanup;
	}
	run("shipped kb/", m, 200000, 6);
	eng_model_free(m);
	store_free(s);
	printf("targets: p99 < 1 ms on the synthetic KB; > 200,000 diagnoses/s "
	       "on the shipped KB (single thread), all sessions\n");
	ret = 0;
cleanup:
	unlink(out.buf);
	rmdir(tmpl);
	free(err);
	diag_release(&d);
	sbuf_release(&out);
	return ret;
}
