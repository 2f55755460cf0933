/* engine: Bayesian ranking of causes and the next best question. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

struct eng_work {
	const struct eng_model *m;
	double *w;      /* per cause: unnormalised posterior; 0 = excluded */
	double *p;      /* per cause: posterior */
	int *order;     /* candidate causes, sorted */
	double *sorted; /* probabilities in that order */
	double leak;    /* posterior of the leak */
	double *pv;     /* per option: P(answer = v) */
	double *jlogj;  /* per option: sum of j log j */
	double *pred;   /* per option: one cause's predictive distribution */
	int max_options;
};

struct eng_work *eng_work_new(const struct eng_model *m)
{
	struct eng_work *w = xcalloc(1, sizeof(*w));
	size_t nc = (size_t)m->nr_causes + 1;

	w->m = m;
	w->max_options = 1;
	for (int q = 0; q < m->nr_questions; q++)
		if (m->questions[q].nr_options > w->max_options)
			w->max_options = m->questions[q].nr_options;
	w->w = xcalloc(nc, sizeof(*w->w));
	w->p = xcalloc(nc, sizeof(*w->p));
	w->order = xcalloc(nc, sizeof(*w->order));
	w->sorted = xcalloc(nc, sizeof(*w->sorted));
	w->pv = xcalloc((size_t)w->max_options, sizeof(*w->pv));
	w->jlogj = xcalloc((size_t)w->max_options, sizeof(*w->jlogj));
	w->pred = xcalloc((size_t)w->max_options, sizeof(*w->pred));
	return w;
}

void eng_work_free(struct eng_work *w)
{
	if (!w)
		return;
	free(w->w);
	free(w->p);
	free(w->order);
	free(w->sorted);
	free(w->pv);
	free(w->jlogj);
	free(w->pred);
	free(w);
}

const struct eng_model *eng_work_model(const struct eng_work *w)
{
	return w->m;
}

static uint64_t mask_of(const struct eng_model *m, int c, int q)
{
	return m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q];
}

int eng_effect(const struct eng_model *m, int c, int q, int value)
{
	uint64_t mask;

	if (value < 0)
		return 0;
	if (q == m->q_platform)
		return m->causes[c].platform < 0 ? 0 :
		       m->causes[c].platform == value ? 1 : -1;
	if (q == m->q_problem)
		return m->causes[c].article == value ? 1 : -1;
	mask = mask_of(m, c, q);
	if (!mask || value >= ENG_MAX_OPTIONS)
		return 0;
	return mask & (UINT64_C(1) << value) ? 1 : -1;
}

static int in_scope(const struct eng_model *m, int c, const int *answers)
{
	int problem = answers[m->q_problem], platform = answers[m->q_platform];

	if (problem >= 0 && m->causes[c].article != problem)
		return 0;
	if (platform >= 0 && m->causes[c].platform >= 0 &&
	    m->causes[c].platform != platform)
		return 0;
	return 1;
}

/* Sorts order[0..n) by p descending, ties by index (authored order).
 * Insertion sort: candidate lists are short and nearly sorted. */
static void sort_candidates(int *order, const double *p, int n)
{
	for (int i = 1; i < n; i++) {
		int c = order[i], j = i;

		while (j > 0 && (p[order[j - 1]] < p[c] ||
				 (p[order[j - 1]] == p[c] && order[j - 1] > c))) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = c;
	}
}

static double xlogx(double x)
{
	return x > 0 ? x * log2(x) : 0;
}

/* Fills w->pred[0..n) with P(answer to q = v | cause c). */
static void predictive(const struct eng_work *w, int c, int q, int n)
{
	const struct eng_model *m = w->m;
	int fixed = -1;

	if (q == m->q_problem)
		fixed = m->causes[c].article;
	else if (q == m->q_platform)
		fixed = m->causes[c].platform;
	if (q == m->q_problem || (q == m->q_platform && fixed >= 0)) {
		for (int v = 0; v < n; v++)
			w->pred[v] = v == fixed;
		return;
	}
	{
		uint64_t mask = q == m->q_platform ? 0 : mask_of(m, c, q);
		double agree = 1 - ENG_EPS, total = 0;

		if (!mask) {
			for (int v = 0; v < n; v++)
				w->pred[v] = 1.0 / n;
			return;
		}
		for (int v = 0; v < n; v++) {
			w->pred[v] = mask & (UINT64_C(1) << v) ? agree : ENG_EPS;
			total += w->pred[v];
		}
		for (int v = 0; v < n; v++)
			w->pred[v] /= total;
	}
}

static int applicable(const struct eng_model *m, const int *answers, int q)
{
	const struct eng_question *qu = &m->questions[q];

	if (answers[q] != ENG_UNANSWERED || qu->nr_options == 0)
		return 0;
	for (int i = 0; i < qu->nr_applies; i++) {
		int a = answers[qu->applies[i].q];

		if (a == ENG_UNKNOWN)
			continue;
		if (a < 0 || a >= ENG_MAX_OPTIONS ||
		    !(qu->applies[i].mask & (UINT64_C(1) << a)))
			return 0;
	}
	return 1;
}

/* Mutual information between the causes (with the leak) and the answer to
 * q, over the current posterior in w->order/w->p. */
static double gain_of(struct eng_work *w, int nr, int q)
{
	const struct eng_model *m = w->m;
	int n = m->questions[q].nr_options;
	double h0 = 0, hv = 0, leak_v = w->leak / n;

	if (n < 2)
		return 0;
	for (int v = 0; v < n; v++) {
		w->pv[v] = leak_v;
		w->jlogj[v] = xlogx(leak_v);
	}
	h0 -= xlogx(w->leak);
	for (int i = 0; i < nr; i++) {
		int c = w->order[i];
		double pc = w->p[c];

		h0 -= xlogx(pc);
		predictive(w, c, q, n);
		for (int v = 0; v < n; v++) {
			double j = pc * w->pred[v];

			w->pv[v] += j;
			w->jlogj[v] += xlogx(j);
		}
	}
	/* H(C | A) = -sum_v [sum_c j log j - P(v) log P(v)] */
	for (int v = 0; v < n; v++)
		hv -= w->jlogj[v] - xlogx(w->pv[v]);
	return h0 - hv > 0 ? h0 - hv : 0;
}

/* Computes the posterior into w; returns the number of candidates. */
static int rank(struct eng_work *w, const int *answers, const double *boost)
{
	const struct eng_model *m = w->m;
	double z = 0, prior_sum = 0, leak_l = 1;
	int nr = 0;

	for (int q = 0; q < m->nr_questions; q++)
		if (answers[q] >= 0 && q != m->q_problem && q != m->q_platform)
			leak_l *= ENG_SILENT;
	for (int c = 0; c < m->nr_causes; c++) {
		double prior, l = 1;

		w->p[c] = 0;
		if (!in_scope(m, c, answers)) {
			w->w[c] = 0;
			continue;
		}
		prior = m->causes[c].prior;
		if (boost)
			prior *= 1 + boost[m->causes[c].article];
		for (int q = 0; q < m->nr_questions; q++) {
			int a = answers[q], e;

			if (a < 0 || q == m->q_problem || q == m->q_platform)
				continue;
			e = eng_effect(m, c, q, a);
			l *= e > 0 ? 1 - ENG_EPS : e < 0 ? ENG_EPS : ENG_SILENT;
		}
		prior_sum += prior;
		w->w[c] = prior * l;
		z += w->w[c];
		w->order[nr++] = c;
	}
	/* The leak holds ENG_LEAK of the prior and is silent on everything. */
	w->leak = nr ? ENG_LEAK / (1 - ENG_LEAK) * prior_sum * leak_l : 1;
	z += w->leak;
	for (int i = 0; i < nr; i++)
		w->p[w->order[i]] = w->w[w->order[i]] / z;
	w->leak /= z;
	sort_candidates(w->order, w->p, nr);
	return nr;
}

void eng_diagnose(struct eng_work *w, const int *answers, const double *boost,
		  struct eng_result *out)
{
	const struct eng_model *m = w->m;
	int nr = rank(w, answers, boost), shown = 0;

	out->next = -1;
	out->gain = 0;
	if (!(nr && w->p[w->order[0]] >= ENG_CONFIDENT)) {
		for (int q = 0; q < m->nr_questions; q++) {
			double g;

			if (!applicable(m, answers, q))
				continue;
			g = gain_of(w, nr, q);
			if (g > out->gain + 1e-12) {
				out->gain = g;
				out->next = q;
			}
		}
		if (out->gain < ENG_MIN_GAIN) {
			out->next = -1;
			out->gain = 0;
		}
	}
	for (int i = 0; i < nr && w->p[w->order[i]] > 0; i++) {
		w->sorted[i] = w->p[w->order[i]];
		shown++;
	}
	out->nr = shown;
	out->causes = w->order;
	out->p = w->sorted;
	out->other = w->leak;
}

double eng_gain(struct eng_work *w, const int *answers, int q)
{
	int nr = rank(w, answers, NULL);

	return applicable(w->m, answers, q) ? gain_of(w, nr, q) : 0;
}

int eng_witness(struct eng_work *w, int c, int *answers)
{
	const struct eng_model *m = w->m;
	const struct eng_cause *ca = &m->causes[c];
	struct eng_result r;

	for (int q = 0; q < m->nr_questions; q++)
		answers[q] = ENG_UNANSWERED;
	answers[m->q_problem] = ca->article;
	if (ca->platform >= 0)
		answers[m->q_platform] = ca->platform;
	for (int q = 0; q < m->nr_questions; q++) {
		uint64_t mine = mask_of(m, c, q);
		int n = m->questions[q].nr_options, best = -1, best_agree = 0;

		if (q == m->q_problem || q == m->q_platform || n == 0)
			continue;
		if (mine) {
			for (int v = 0; v < n && v < ENG_MAX_OPTIONS; v++)
				if (mine & (UINT64_C(1) << v)) {
					answers[q] = v;
					break;
				}
			continue;
		}
		/* c is silent on q: pick the value fewest rivals agree with,
		 * provided some rival names q at all. */
		for (int v = 0; v < n && v < ENG_MAX_OPTIONS; v++) {
			int agree = 0, named = 0;

			for (int d = 0; d < m->nr_causes; d++) {
				uint64_t dm;

				if (d == c || !in_scope(m, d, answers))
					continue;
				dm = mask_of(m, d, q);
				named |= dm != 0;
				agree += (dm & (UINT64_C(1) << v)) != 0;
			}
			if (!named)
				break;
			if (best < 0 || agree < best_agree) {
				best = v;
				best_agree = agree;
			}
		}
		if (best >= 0)
			answers[q] = best;
	}
	eng_diagnose(w, answers, NULL, &r);
	return r.nr > 0 && r.causes[0] == c;
}
