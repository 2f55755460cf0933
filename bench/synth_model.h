/* synth_model: a deterministic synthetic engine model (articles, causes,
 * questions, steps) for the engine benchmarks. */
/* Header-only, shared by bench/engine.c and bench/simulate.c. */
#ifndef CLEW_BENCH_SYNTH_MODEL_H
#define CLEW_BENCH_SYNTH_MODEL_H

#include "../server/base/sbuf.h"
#include "../server/engine/model.h"

/* The benchmarks' generator (a 64-bit LCG): returns a number in [0, n)
 * and advances *rng. */
static inline unsigned synth_rnd(unsigned long *rng, unsigned n)
{
	*rng = *rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((*rng >> 33) % n);
}

/* nr_causes causes over 50 articles and 4 platforms (each cause for one
 * of them), nr_questions questions ('problem', 'platform' and the rest of
 * 2 to 4 options), each cause conditioned on 2 to 6 of them (values v0 or
 * v1); nr_steps steps, as many an article, each cause fixed by one of its
 * article's and each step fixing up to two more, with fix probabilities
 * from 0.5 to 0.95 and costs from 1 to 20 minutes. Cause c's prior is
 * 1 / (1 + 0.1 * its position in its article). Draws from *rng. Returns
 * a finished model (caller frees with eng_model_free). */
static struct eng_model *synth_model_new(unsigned long *rng, int nr_causes,
					 int nr_questions, int nr_steps)
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
		int n = 2 + (int)synth_rnd(rng, 3), qi;

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
		int ci, k = 2 + (int)synth_rnd(rng, 5);

		sbuf_reset(&id);
		sbuf_addf(&id, "cause-%d", c);
		ci = eng_model_add_cause(m, c % nr_articles, id.buf, id.buf,
					 platforms[synth_rnd(rng, 4)],
					 1.0 / (1 + 0.1 * (c / nr_articles)));
		for (int j = 0; j < k; j++) {
			sbuf_reset(&id);
			sbuf_addf(&id, "q%u", synth_rnd(rng, (unsigned)nr_questions - 2));
			sbuf_reset(&v);
			sbuf_addf(&v, "v%u", synth_rnd(rng, 2));
			eng_model_add_condition(m, ci, id.buf, v.buf);
		}
	}
	/* One draw a statement: the order C evaluates arguments in is
	 * unspecified. */
	for (int i = 0; i < nr_steps; i++) {
		unsigned cost = 1 + synth_rnd(rng, 20);
		const char *on = synth_rnd(rng, 3) ? NULL : platforms[synth_rnd(rng, 4)];

		sbuf_reset(&id);
		sbuf_addf(&id, "step-%d", i);
		eng_model_add_step(m, i % nr_articles, id.buf, "Try this",
				   "<p>Try this.</p>", on, cost);
	}
	eng_model_finish(m);
	{
		int per = nr_steps / nr_articles, per_c = nr_causes / nr_articles;

		for (int c = 0; c < nr_causes; c++) {
			double fix = 0.5 + 0.05 * synth_rnd(rng, 10);
			int a = c % nr_articles;
			int s = m->steps_by_article[m->step_start[a] +
						    (int)synth_rnd(rng, (unsigned)per)];

			eng_model_link(m, c, s, fix);
		}
		for (int i = 0; i < nr_steps; i++)
			for (int k = (int)synth_rnd(rng, 3); k > 0; k--) {
				double fix = 0.5 + 0.05 * synth_rnd(rng, 10);
				int c = (i % nr_articles) + nr_articles *
					(int)synth_rnd(rng, (unsigned)per_c);

				eng_model_link(m, c, i, fix);
			}
	}
	sbuf_release(&id);
	sbuf_release(&v);
	return m;
}

#endif
