/* engine: Bayesian ranking of causes and the next best question. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "repair.h"

struct eng_work {
	const struct eng_model *m;
	double *w;      /* per cause: unnormalised posterior; 0 = excluded */
	double *p;      /* per cause: posterior */
	int *order;     /* candidate causes, sorted */
	double *sorted; /* probabilities in that order */
	double *lp;     /* per cause: log2 of p */
	double leak;    /* posterior of the leak */
	double mass;    /* sum of p over the candidates */
	double mass_l;  /* sum of p log2 p over the candidates */
	int *soft;      /* answered questions that are evidence */
	int nr_prev;    /* candidates of the last ranking (order[0..nr_prev)) */
	double *pv;     /* per option: P(answer = v) */
	double *jlogj;  /* per option: sum of j log j */
	int max_options;
	struct repair *rp;
	int *cand;             /* candidate steps (untried), ascending */
	unsigned char *smark;  /* per step: seen while gathering candidates */
	double *p2;            /* per cause: the posterior after an answer */
	double *ecause;        /* per cause: its cost of repair were it known */
	double *lbv;           /* per option: a bound on its plan's cost */
	int *plan;             /* the plan's steps, and each one's chance */
	double *plan_p;
	int top_q[ENG_WEIGHED_QUESTIONS];
	double top_g[ENG_WEIGHED_QUESTIONS];
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
	w->lp = xcalloc(nc, sizeof(*w->lp));
	w->soft = xcalloc((size_t)m->nr_questions + 1, sizeof(*w->soft));
	w->rp = repair_new(m);
	w->cand = xcalloc((size_t)m->nr_steps + 1, sizeof(*w->cand));
	w->smark = xcalloc((size_t)m->nr_steps + 1, 1);
	w->p2 = xcalloc(nc, sizeof(*w->p2));
	w->ecause = xcalloc(nc, sizeof(*w->ecause));
	w->lbv = xcalloc((size_t)w->max_options, sizeof(*w->lbv));
	w->plan = xcalloc((size_t)m->nr_steps + 1, sizeof(*w->plan));
	w->plan_p = xcalloc((size_t)m->nr_steps + 1, sizeof(*w->plan_p));
	return w;
}

void eng_work_set_exact_steps(struct eng_work *w, int n)
{
	repair_set_exact_limit(w->rp, n);
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
	free(w->lp);
	free(w->soft);
	repair_free(w->rp);
	free(w->cand);
	free(w->smark);
	free(w->p2);
	free(w->ecause);
	free(w->lbv);
	free(w->plan);
	free(w->plan_p);
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

int eng_option_offered(const struct eng_model *m, const int *answers, int q,
		       int v)
{
	int a = answers ? answers[m->q_problem] : -1;

	if (q != m->q_platform || a < 0)
		return 1;
	for (int i = m->article_start[a]; i < m->article_start[a + 1]; i++) {
		int p = m->causes[m->by_article[i]].platform;

		if (p < 0 || p == v)
			return 1;
	}
	return 0;
}

/* The platform implied when one is left to choose: the chosen problem's
 * causes are all for one platform (an iOS-only article), or the KB has
 * one platform; else -1. *offered is set to how many platforms are left
 * to choose from (up to 2). */
static int implied_platform(const struct eng_model *m, const int *answers,
			    int *offered)
{
	const struct eng_question *qu = &m->questions[m->q_platform];
	int v = -1;

	*offered = 0;
	for (int i = 0; i < qu->nr_options && *offered < 2; i++)
		if (eng_option_offered(m, answers, m->q_platform, i)) {
			v = i;
			(*offered)++;
		}
	return *offered == 1 ? v : -1;
}

static int applicable(const struct eng_model *m, const int *answers, int q)
{
	const struct eng_question *qu = &m->questions[q];
	int offered, implied = -2;

	if (answers[q] != ENG_UNANSWERED || qu->nr_options == 0)
		return 0;
	/* An iOS-only problem's platform is no question. */
	if (q == m->q_platform) {
		implied_platform(m, answers, &offered);
		if (offered < 2)
			return 0;
	}
	for (int i = 0; i < qu->nr_applies; i++) {
		int a = answers[qu->applies[i].q];

		/* ... but it answers the questions that apply on it. */
		if (a == ENG_UNANSWERED && qu->applies[i].q == m->q_platform) {
			if (implied == -2)
				implied = implied_platform(m, answers, &offered);
			if (implied >= 0)
				a = implied;
		}

		if (a == ENG_UNKNOWN)
			continue;
		if (a < 0 || a >= ENG_MAX_OPTIONS ||
		    !(qu->applies[i].mask & (UINT64_C(1) << a)))
			return 0;
	}
	return 1;
}

/* Mutual information between the causes (with the leak) and the answer to
 * q, over the current posterior. With j(c, v) = P(c) P(v | c):
 *   H(C | A) = -sum_v [ sum_c j log j - P(v) log P(v) ].
 * Causes that say nothing about q predict every value alike, so they are
 * folded into one term from their total mass and sum of p log p. */
static double gain_of(struct eng_work *w, int nr, int q)
{
	const struct eng_model *m = w->m;
	int n = m->questions[q].nr_options;
	double leak_v = w->leak / n, named_p = 0, named_l = 0, silent_p,
	       silent_l, log2n, h0, hv = 0;

	if (n < 2)
		return 0;
	for (int v = 0; v < n; v++)
		w->pv[v] = w->jlogj[v] = 0;
	if (q == m->q_problem || q == m->q_platform) {
		for (int i = 0; i < nr; i++) {
			int c = w->order[i];
			int v = q == m->q_problem ? m->causes[c].article :
						    m->causes[c].platform;
			double pc = w->p[c];

			if (v < 0 || pc <= 0)
				continue;
			w->pv[v] += pc;
			w->jlogj[v] += pc * w->lp[c];
			named_p += pc;
			named_l += pc * w->lp[c];
		}
	} else {
		for (int k = m->named_start[q]; k < m->named_start[q + 1]; k++) {
			const struct eng_named *e = &m->named[k];
			double pc = w->p[e->cause], lpc;

			if (pc <= 0)
				continue;
			lpc = w->lp[e->cause];
			for (int v = 0; v < n; v++) {
				int agree = (e->mask >> v) & 1;
				double j = pc * (agree ? e->pa : e->pb);

				w->pv[v] += j;
				w->jlogj[v] += j * (lpc + (agree ? e->lpa : e->lpb));
			}
			named_p += pc;
			named_l += pc * lpc;
		}
	}
	silent_p = w->mass - named_p;
	silent_l = w->mass_l - named_l;
	if (silent_p < 1e-15)
		silent_p = silent_l = 0;
	log2n = log2(n);
	for (int v = 0; v < n; v++) {
		w->pv[v] += silent_p / n + leak_v;
		w->jlogj[v] += (silent_l - silent_p * log2n) / n + xlogx(leak_v);
		hv -= w->jlogj[v] - xlogx(w->pv[v]);
	}
	h0 = -(w->mass_l + xlogx(w->leak));
	return h0 - hv > 0 ? h0 - hv : 0;
}

/* P(step s fixes it | cause c): the link's, or 0 when s does not fix c. */
static double fix_of(const struct eng_model *m, int c, int s)
{
	for (int i = 0; i < m->causes[c].nr_steps; i++)
		if (m->causes[c].steps[i] == s)
			return m->causes[c].fix[i];
	return 0;
}

/* Computes the posterior into w; returns the number of candidates.
 * Invariant: w->p[c] is 0 for every cause that is not a candidate, so
 * only the previous candidates need clearing. */
static int rank(struct eng_work *w, const int *answers,
		const unsigned char *tried, int fixed, const double *boost)
{
	const struct eng_model *m = w->m;
	double z = 0, prior_sum = 0, leak_l = 1;
	int nr = 0, nr_soft = 0, problem = answers[m->q_problem];
	int first = 0, last = m->nr_causes;

	for (int i = 0; i < w->nr_prev; i++)
		w->p[w->order[i]] = 0;
	/* An answered problem limits the walk to that article's causes. */
	if (problem >= 0) {
		first = m->article_start[problem];
		last = m->article_start[problem + 1];
	}
	/* The answered questions that are evidence (not scopes). */
	for (int q = 0; q < m->nr_questions; q++)
		if (answers[q] >= 0 && q != m->q_problem && q != m->q_platform) {
			w->soft[nr_soft++] = q;
			leak_l *= ENG_SILENT;
		}
	for (int k = first; k < last; k++) {
		int c = problem >= 0 ? m->by_article[k] : k;
		const uint64_t *row = &m->mask[(size_t)c * (size_t)m->nr_questions];
		double prior, l = 1;

		if (!in_scope(m, c, answers))
			continue;
		prior = eng_cause_prior(m, c, answers[m->q_platform]);
		if (boost)
			prior *= 1 + boost[m->causes[c].article];
		for (int i = 0; i < nr_soft; i++) {
			int q = w->soft[i], a = answers[q];
			uint64_t mask = row[q];

			if (!mask || a >= ENG_MAX_OPTIONS)
				l *= ENG_SILENT;
			else
				l *= (mask >> a) & 1 ? 1 - ENG_EPS : ENG_EPS;
		}
		/* A step that failed is evidence against what it fixes. */
		if (tried)
			for (int i = 0; i < m->causes[c].nr_steps; i++)
				if (tried[m->causes[c].steps[i]] == ENG_FAILED)
					l *= 1 - m->causes[c].fix[i];
		prior_sum += prior;
		w->w[c] = prior * l;
		z += w->w[c];
		w->order[nr++] = c;
	}
	/* The leak holds ENG_LEAK of the prior and is silent on everything. */
	w->leak = nr ? ENG_LEAK / (1 - ENG_LEAK) * prior_sum * leak_l : 1;
	z += w->leak;
	/* A step that fixed it says what it was: one of the causes it fixes,
	 * each as likely as it was times the chance the step fixes it (never
	 * the leak). When it fixes no candidate, it says nothing. */
	if (fixed >= 0) {
		double zf = 0;

		for (int i = 0; i < nr; i++)
			zf += w->w[w->order[i]] * fix_of(m, w->order[i], fixed);
		if (zf > 0) {
			for (int i = 0; i < nr; i++)
				w->w[w->order[i]] *= fix_of(m, w->order[i], fixed);
			w->leak = 0;
			z = zf;
		}
	}
	w->mass = w->mass_l = 0;
	for (int i = 0; i < nr; i++) {
		int c = w->order[i];

		w->p[c] = w->w[c] / z;
		w->lp[c] = w->p[c] > 0 ? log2(w->p[c]) : 0;
		w->mass += w->p[c];
		w->mass_l += w->p[c] * w->lp[c];
	}
	w->leak /= z;
	sort_candidates(w->order, w->p, nr);
	w->nr_prev = nr;
	return nr;
}

/* The untried steps that fix some candidate cause into w->cand, in
 * ascending order; returns how many. *any is set when some candidate
 * cause has a step at all, tried or not. */
static int candidate_steps(struct eng_work *w, int nr, const unsigned char *tried,
			   int *any)
{
	const struct eng_model *m = w->m;
	int n = 0;

	*any = 0;
	for (int i = 0; i < nr; i++) {
		const struct eng_cause *c = &m->causes[w->order[i]];

		if (w->p[w->order[i]] <= 0)
			continue;
		for (int k = 0; k < c->nr_steps; k++) {
			int s = c->steps[k];

			*any = 1;
			if (w->smark[s])
				continue;
			w->smark[s] = 1;
			if (!tried || tried[s] == ENG_UNTRIED)
				w->cand[n++] = s;
		}
	}
	for (int i = 0; i < nr; i++) {
		const struct eng_cause *c = &m->causes[w->order[i]];

		for (int k = 0; k < c->nr_steps; k++)
			w->smark[c->steps[k]] = 0;
	}
	/* Insertion sort: a problem has few steps, mostly in order. */
	for (int i = 1; i < n; i++) {
		int s = w->cand[i], j = i;

		for (; j > 0 && w->cand[j - 1] > s; j--)
			w->cand[j] = w->cand[j - 1];
		w->cand[j] = s;
	}
	return n;
}

/* The posterior after answer v to q into w->p2 (over the candidates;
 * pv = P(v), from gain_of): each cause times P(v | c) as gain_of counts
 * it: problem and platform name the cause's own (uniform for a cause of
 * any platform); another question the model's predictive distribution
 * for the causes that name it (m->named), uniform for the others. */
static void posterior_after(struct eng_work *w, int nr, int q, int v, double pv)
{
	const struct eng_model *m = w->m;
	int n = m->questions[q].nr_options;

	for (int i = 0; i < nr; i++) {
		int c = w->order[i], own = q == m->q_problem ? m->causes[c].article :
					   q == m->q_platform ? m->causes[c].platform : -1;

		w->p2[c] = w->p[c] * (own < 0 ? 1.0 / n : own == v) / pv;
	}
	if (q == m->q_problem || q == m->q_platform)
		return;
	for (int k = m->named_start[q]; k < m->named_start[q + 1]; k++) {
		const struct eng_named *e = &m->named[k];

		if (w->p[e->cause] > 0)
			w->p2[e->cause] = w->p[e->cause] *
					  ((e->mask >> v) & 1 ? e->pa : e->pb) / pv;
	}
}

/* Expected cost of repair when q is asked first: its cost, plus, over its
 * answers v, P(v) times the cost of the plan made after hearing v. Uses
 * w->pv from gain_of(w, nr, q). With bounded (w->ecause filled by
 * known_cause_bound), stops as soon as the cost is sure to reach limit and
 * returns a lower bound on it that does, with *exact cleared: each
 * answer's plan costs at least what its causes would cost were each known
 * (w->ecause). */
static double eco_of(struct eng_work *w, int nr, int nr_cand, int q,
		     int bounded, double limit, int *exact)
{
	const struct eng_model *m = w->m;
	int n = m->questions[q].nr_options;
	double eco = ENG_QUESTION_COST, rest = 0;

	*exact = 0;
	if (bounded) {
		/* What every answer's plan costs at least, weighted. */
		for (int v = 0; v < n; v++) {
			double pv = w->pv[v], lb = 0, covered = 0;

			w->lbv[v] = 0;
			if (pv <= 1e-12)
				continue;
			posterior_after(w, nr, q, v, pv);
			for (int i = 0; i < nr; i++) {
				int c = w->order[i];

				lb += w->p2[c] * w->ecause[c];
				covered += w->p2[c];
			}
			w->lbv[v] = lb + (1 - covered) * ENG_ESCALATION_COST;
			rest += pv * w->lbv[v];
		}
		if (eco + rest >= limit)
			return eco + rest;
	}
	*exact = 1;
	for (int v = 0; v < n; v++) {
		double pv = w->pv[v];

		if (pv <= 1e-12)
			continue;
		posterior_after(w, nr, q, v, pv);
		eco += pv * repair_plan(w->rp, w->p2, w->cand, nr_cand, NULL, NULL, NULL);
		if (bounded) {
			rest -= pv * w->lbv[v];
			if (eco + rest >= limit) {
				eco += rest;
				*exact = 0;
				break;
			}
		}
	}
	for (int i = 0; i < nr; i++)
		w->p2[w->order[i]] = 0;
	return eco;
}

/* A lower bound on the expected cost of repair after any answer: each
 * cause's own best cost, as if it were known (its untried steps in the
 * order of fix probability over cost, optimal for one cause), and the
 * escalation for the rest. No question's expected cost is below it plus
 * ENG_QUESTION_COST, so when the plan costs no more than that, no
 * question needs weighing. Returns -1 when a cause has too many steps to
 * sort here (no bound). */
static double known_cause_bound(struct eng_work *w, int nr, const unsigned char *tried)
{
	const struct eng_model *m = w->m;
	double lb = 0, covered = 0;

	for (int i = 0; i < nr; i++) {
		int c = w->order[i], k = 0, idx[16];
		const struct eng_cause *ca = &m->causes[c];
		double keep = 1, e = 0;

		/* A cause no untried step fixes costs the escalation. */
		w->ecause[c] = ENG_ESCALATION_COST;
		if (w->p[c] <= 0)
			continue;
		if (ca->nr_steps > 16)
			return -1;
		for (int j = 0; j < ca->nr_steps; j++) {
			int t = k++;

			if (tried && tried[ca->steps[j]] != ENG_UNTRIED) {
				k--;
				continue;
			}
			/* Insertion by fix / cost, best first. */
			for (; t > 0 && ca->fix[idx[t - 1]] / m->steps[ca->steps[idx[t - 1]]].cost <
					ca->fix[j] / m->steps[ca->steps[j]].cost; t--)
				idx[t] = idx[t - 1];
			idx[t] = j;
		}
		if (!k)
			continue;
		for (int j = 0; j < k; j++) {
			e += keep * m->steps[ca->steps[idx[j]]].cost;
			keep *= 1 - ca->fix[idx[j]];
		}
		w->ecause[c] = e + keep * ENG_ESCALATION_COST;
		lb += w->p[c] * w->ecause[c];
		covered += w->p[c];
	}
	return lb + (1 - covered) * ENG_ESCALATION_COST;
}

/* Keeps the ENG_WEIGHED_QUESTIONS best questions by gain in w->top_q. */
static void keep_top(struct eng_work *w, int *nr_top, int q, double g)
{
	int i = *nr_top < ENG_WEIGHED_QUESTIONS ? (*nr_top)++ : ENG_WEIGHED_QUESTIONS;

	/* Ties keep the question authored first ahead. */
	while (i > 0 && w->top_g[i - 1] < g - 1e-12) {
		if (i < ENG_WEIGHED_QUESTIONS) {
			w->top_q[i] = w->top_q[i - 1];
			w->top_g[i] = w->top_g[i - 1];
		}
		i--;
	}
	if (i < ENG_WEIGHED_QUESTIONS) {
		w->top_q[i] = q;
		w->top_g[i] = g;
	}
}

void eng_diagnose(struct eng_work *w, const int *answers,
		  const unsigned char *tried, const double *boost,
		  struct eng_result *out)
{
	const struct eng_model *m = w->m;
	int fixed = -1, nr, shown = 0, nr_top = 0, nr_cand, bounded = 0, exact;
	int known;
	double top;

	for (int s = 0; tried && s < m->nr_steps && fixed < 0; s++)
		if (tried[s] == ENG_FIXED)
			fixed = s;
	nr = rank(w, answers, tried, fixed, boost);
	top = nr ? w->p[w->order[0]] : 0;
	memset(out, 0, sizeof(*out));
	out->next = out->step = out->weighed = -1;
	out->fixed_by = fixed;
	out->plan = w->plan;
	out->plan_p = w->plan_p;
	/* Steps are planned once the problem is known (answered, or the one
	 * article left): before that, the problem is asked as any question,
	 * and a plan over every article's steps would say nothing. */
	known = answers[m->q_problem] >= 0 || nr > 0;
	for (int i = 1; i < nr && answers[m->q_problem] < 0 && known; i++)
		known = m->causes[w->order[i]].article == m->causes[w->order[0]].article;
	nr_cand = known ? candidate_steps(w, nr, tried, &out->has_steps) : 0;
	if (out->fixed_by >= 0) {
		out->outcome = ENG_RESOLVED;
		goto ranked;
	}
	if (out->has_steps) {
		out->ecr = repair_plan(w->rp, w->p, w->cand, nr_cand, w->plan,
				       w->plan_p, &out->nr_plan);
		if (!out->nr_plan) {
			out->outcome = ENG_UNRESOLVED;
			out->end = ENG_END_NO_STEP;
			goto ranked;
		}
		/* A cause the KB does not list is now likelier than all the
		 * causes it does list, together. */
		if (w->leak > w->mass) {
			out->outcome = ENG_UNRESOLVED;
			out->end = ENG_END_UNLISTED;
			goto ranked;
		}
	}
	/* The questions worth asking, best first by information gain; none
	 * when even knowing the cause would not pay for a question. */
	if (out->has_steps) {
		double lb = known_cause_bound(w, nr, tried);

		bounded = lb >= 0;
		if (bounded && out->ecr <= ENG_QUESTION_COST + lb + 1e-9) {
			out->action = ENG_ACT_TRY;
			out->step = w->plan[0];
			goto ranked;
		}
	}
	if (out->has_steps || !(nr && top >= ENG_CONFIDENT)) {
		for (int q = 0; q < m->nr_questions; q++) {
			double g;

			if (!applicable(m, answers, q))
				continue;
			g = gain_of(w, nr, q);
			if (g >= ENG_MIN_GAIN)
				keep_top(w, &nr_top, q, g);
		}
	}
	if (!out->has_steps) {
		/* No repair loop: ask while a question tells causes apart. */
		if (nr_top) {
			out->action = ENG_ACT_ASK;
			out->next = w->top_q[0];
			out->gain = w->top_g[0];
		}
		goto ranked;
	}
	/* A question first when it is expected to save more than it costs:
	 * the one with the least expected cost, among the best by gain. */
	for (int i = 0; i < nr_top; i++) {
		double eco;

		gain_of(w, nr, w->top_q[i]); /* fills w->pv */
		/* The first weighed exactly (its figure is shown); the others
		 * only as far as they could still do better. */
		eco = eco_of(w, nr, nr_cand, w->top_q[i], bounded && i > 0,
			     i > 0 ? fmin(out->eco, out->ecr) - 1e-12 : 0, &exact);
		/* A bound cut short is at least the limit: neither chosen nor
		 * reported. */
		if (exact && (out->weighed < 0 || eco < out->eco - 1e-12)) {
			out->weighed = w->top_q[i];
			out->eco = eco;
			out->weighed_gain = w->top_g[i];
		}
	}
	if (out->weighed >= 0 && out->eco < out->ecr - 1e-9) {
		out->action = ENG_ACT_ASK;
		out->next = out->weighed;
		out->gain = out->weighed_gain;
	} else {
		out->action = ENG_ACT_TRY;
		out->step = w->plan[0];
	}
ranked:
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
	int nr = rank(w, answers, NULL, -1, NULL);

	return applicable(w->m, answers, q) ? gain_of(w, nr, q) : 0;
}

int eng_witness(struct eng_work *w, int c, int *answers)
{
	const struct eng_model *m = w->m;
	const struct eng_cause *ca = &m->causes[c];
	int first = m->article_start[ca->article];
	int last = m->article_start[ca->article + 1];
	int nr;

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
		/* c is silent on q: pick the value fewest rivals (the other
		 * causes of its article in scope) agree with, provided some
		 * rival names q at all. */
		for (int v = 0; v < n && v < ENG_MAX_OPTIONS; v++) {
			int agree = 0, named = 0;

			for (int k = first; k < last; k++) {
				int d = m->by_article[k];
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
	/* Only the ranking matters here, not the next question. */
	nr = rank(w, answers, NULL, -1, NULL);
	return nr > 0 && w->order[0] == c;
}
