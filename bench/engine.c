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

static unsigned long rng = 42;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
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

/* 1,000 causes over 50 articles and 4 platforms, 100 questions of 2 to 4
 * options, each cause conditioned on 2 to 6 of them; 300 steps, 6 an
 * article, each cause fixed by one of its article's and each step fixing
 * up to two more, with fix probabilities from 0.5 to 0.95 and costs from
 * 1 to 20 minutes. */
static struct eng_model *synthetic(int nr_causes, int nr_questions, int nr_steps)
{
	static const char *const platforms[] = { "ios", "android", "linux", "macos" };
	struct eng_model *m = eng_model_new();
	struct sbuf id = SBUF_INIT, v = SBUF_INIT;
	int problem = eng_model_add_question(m, "problem", "What is the problem?", "");
	int platform = eng_model_add_question(m, "platform", "Which platform?", "");
	int nr_articles = 50;

	for (int p = 0; p < 4; p++)
		eng_model_add_option(m, platform, platforms[p], platforms[p]);
	for (int a = 0; a < nr_articles; a++) {
		sbuf_reset(&id);
		sbuf_addf(&id, "article-%d", a);
		eng_model_add_article(m, id.buf, id.buf);
		eng_model_add_option(m, problem, id.buf, id.buf);
	}
	for (int q = 0; q < nr_questions - 2; q++) {
		int n = 2 + (int)rnd(3), qi;

		sbuf_reset(&id);
		sbuf_addf(&id, "q%d", q);
		qi = eng_model_add_question(m, id.buf, id.buf, "");
		for (int o = 0; o < n; o++) {
			sbuf_reset(&v);
			sbuf_addf(&v, "v%d", o);
			eng_model_add_option(m, qi, v.buf, v.buf);
		}
	}
	for (int c = 0; c < nr_causes; c++) {
		int ci, k = 2 + (int)rnd(5);

		sbuf_reset(&id);
		sbuf_addf(&id, "cause-%d", c);
		ci = eng_model_add_cause(m, c % nr_articles, id.buf, id.buf,
					 platforms[rnd(4)], 1.0 / (1 + 0.1 * (c / nr_articles)));
		for (int j = 0; j < k; j++) {
			sbuf_reset(&id);
			sbuf_addf(&id, "q%u", rnd((unsigned)nr_questions - 2));
			sbuf_reset(&v);
			sbuf_addf(&v, "v%u", rnd(2));
			eng_model_add_condition(m, ci, id.buf, v.buf);
		}
	}
	for (int i = 0; i < nr_steps; i++) {
		sbuf_reset(&id);
		sbuf_addf(&id, "step-%d", i);
		eng_model_add_step(m, i % nr_articles, id.buf, "Try this",
				   "<p>Try this.</p>", rnd(3) ? NULL : platforms[rnd(4)],
				   1 + rnd(20));
	}
	eng_model_finish(m);
	{
		int per = nr_steps / nr_articles, per_c = nr_causes / nr_articles;

		for (int c = 0; c < nr_causes; c++) {
			int a = c % nr_articles;

			eng_model_link(m, c, m->steps_by_article[m->step_start[a] + (int)rnd((unsigned)per)],
				       0.5 + 0.05 * rnd(10));
		}
		for (int i = 0; i < nr_steps; i++)
			for (int k = (int)rnd(3); k > 0; k--)
				eng_model_link(m, (i % nr_articles) + nr_articles * (int)rnd((unsigned)per_c),
					       i, 0.5 + 0.05 * rnd(10));
	}
	sbuf_release(&id);
	sbuf_release(&v);
	return m;
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

/* Times n diagnoses; prints rate and latency percentiles. */
static void run(const char *name, const struct eng_model *m, int n,
		int max_answers)
{
	struct eng_work *w = eng_work_new(m);
	int *a = eng_answers_new(m);
	unsigned char *t = calloc((size_t)m->nr_steps + 1, 1);
	double *lat = calloc((size_t)n, sizeof(*lat)), t0, total = 0;
	struct eng_result r;
	long asked = 0, tries = 0;

	for (int i = 0; i < 1000; i++) { /* warm up */
		random_tried(m, random_answers(m, a, max_answers), t);
		eng_diagnose(w, a, t, NULL, &r);
	}
	for (int i = 0; i < n; i++) {
		random_tried(m, random_answers(m, a, max_answers), t);
		t0 = now();
		eng_diagnose(w, a, t, NULL, &r);
		lat[i] = now() - t0;
		total += lat[i];
		asked += r.action == ENG_ACT_ASK;
		tries += r.action == ENG_ACT_TRY;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("%-14s %5d causes %4d questions %4d steps: %9.0f diagnoses/s  "
	       "median %.1f us  p99 %.1f us  max %.1f us  (next: a question %ld%%, "
	       "a step %ld%%)\n",
	       name, m->nr_causes, m->nr_questions, m->nr_steps, n / total,
	       lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6, lat[n - 1] * 1e6,
	       asked * 100 / n, tries * 100 / n);
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

	m = synthetic(1000, 100, 300);
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
	       "on the shipped KB (single thread)\n");
	ret = 0;
cleanup:
	unlink(out.buf);
	rmdir(tmpl);
	free(err);
	diag_release(&d);
	sbuf_release(&out);
	return ret;
}
