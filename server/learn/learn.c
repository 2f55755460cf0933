/* learn: soft counts from outcomes, and the bounded conjugate estimates. */
#include "learn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/report.h"
#include "../events/event.h"

/* The z of a two-sided 90 % interval. */
#define Z90 1.6449

/* One outcome that counts: the problem, the answers given, the steps
 * that failed in order, the step that fixed it (or -1), its weight. */
struct learn_case {
	int article;
	int nr_answers, nr_failed;
	int *answers;  /* pairs: question, value */
	int *failed;
	int fixed;
	double weight;
};

struct learn {
	const struct eng_model *m; /* the authored values: the prior */
	char *kb;
	struct learn_opts o;
	int np;              /* options of 'platform' */
	struct learn_case *cases;
	size_t nr_cases, alloc_cases;
	/* The counts of the last pass (see learn_finish). n[c * (np + 1) + s]:
	 * weighted outcomes attributed to cause c, in scope s (0: every
	 * platform; 1 + p: platform p answered). total[a * (np + 1) + s]: the
	 * same over article a's listed causes. */
	double *n, *total;
	/* Per link, in the order of the causes' steps: link_start[c] + i is
	 * cause c's i-th step. */
	int *link_start;
	double *succ, *fail;
	int finished, passes;
	/* What was read. */
	unsigned long outcomes, fixed, not_fixed, used;
	unsigned long unknown_problem, unknown_step, no_cause;
	double sessions;
};

void learn_opts_default(struct learn_opts *o)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	o->prior_strength = 20;
	o->fix_strength = 10;
	o->half_life_days = 90;
	o->max_prior_shift = 3;
	o->max_fix_shift = 2.5;
	o->now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct learn *learn_new(const struct eng_model *m, const char *kb_hash,
			const struct learn_opts *o)
{
	struct learn *l = xcalloc(1, sizeof(*l));
	int links = 0;

	l->m = m;
	l->kb = xstrdup(kb_hash ? kb_hash : "");
	l->o = *o;
	l->np = m->questions[m->q_platform].nr_options;
	l->n = xcalloc((size_t)m->nr_causes * (size_t)(l->np + 1) + 1, sizeof(double));
	l->total = xcalloc((size_t)m->nr_articles * (size_t)(l->np + 1) + 1, sizeof(double));
	l->link_start = xcalloc((size_t)m->nr_causes + 1, sizeof(int));
	for (int c = 0; c < m->nr_causes; c++) {
		l->link_start[c] = links;
		links += m->causes[c].nr_steps;
	}
	l->link_start[m->nr_causes] = links;
	l->succ = xcalloc((size_t)links + 1, sizeof(double));
	l->fail = xcalloc((size_t)links + 1, sizeof(double));
	return l;
}

void learn_free(struct learn *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nr_cases; i++) {
		free(l->cases[i].answers);
		free(l->cases[i].failed);
	}
	free(l->cases);
	free(l->kb);
	free(l->n);
	free(l->total);
	free(l->link_start);
	free(l->succ);
	free(l->fail);
	free(l);
}

/* Reads "q=v&q=v" into answers; unknown questions and values are left
 * out (an edit may have removed them). */
static void read_answers(const struct eng_model *m, const char *s, int *answers)
{
	struct sbuf part = SBUF_INIT;

	while (s && *s) {
		size_t n = strcspn(s, "&");
		const char *eq;
		int q, v;

		sbuf_reset(&part);
		sbuf_add(&part, s, n);
		s += n + (s[n] == '&');
		eq = strchr(part.buf, '=');
		if (!eq)
			continue;
		part.buf[eq - part.buf] = '\0';
		q = eng_model_question(m, part.buf);
		if (q < 0 || q == m->q_problem)
			continue;
		if (!strcmp(eq + 1, "unknown")) {
			answers[q] = ENG_UNKNOWN;
			continue;
		}
		v = eng_model_option(m, q, eq + 1);
		if (v >= 0)
			answers[q] = v;
	}
	sbuf_release(&part);
}

/* The index of link (c, s), or -1. */
static int link_of(const struct learn *l, int c, int s)
{
	const struct eng_cause *cause = &l->m->causes[c];

	for (int i = 0; i < cause->nr_steps; i++)
		if (cause->steps[i] == s)
			return l->link_start[c] + i;
	return -1;
}

void learn_add(struct learn *l, const struct ev_event *e)
{
	const struct eng_model *m = l->m;
	struct sbuf err = SBUF_INIT;
	struct eng_tried t;
	struct learn_case *k;
	int *answers, a, fixed = -1, is_fixed;
	double age_days;

	if (e->kind != EV_OUTCOME || !e->result)
		return;
	l->outcomes++;
	is_fixed = !strcmp(e->result, "fixed");
	if (is_fixed)
		l->fixed++;
	else
		l->not_fixed++;
	a = e->article ? eng_model_option(m, m->q_problem, e->article) : -1;
	if (a < 0) {
		l->unknown_problem++;
		return;
	}
	answers = eng_answers_new(m);
	answers[m->q_problem] = a;
	read_answers(m, e->answers, answers);
	eng_tried_init(&t, m);
	if (e->tried && eng_tried_parse(m, answers, &t, e->tried, &err)) {
		l->unknown_step++;
		goto done;
	}
	/* The step the outcome names is the one that fixed it. */
	for (int s = 0; s < m->nr_steps; s++)
		if (t.result[s] == ENG_FIXED)
			t.result[s] = ENG_UNTRIED;
	if (is_fixed) {
		if (!e->step || eng_tried_set(m, answers, &t, e->step, "fixed", &err)) {
			l->unknown_step++;
			goto done;
		}
		for (int s = 0; s < m->nr_steps; s++)
			if (t.result[s] == ENG_FIXED)
				fixed = s;
	}
	ALLOC_GROW(l->cases, l->nr_cases + 1, l->alloc_cases);
	k = &l->cases[l->nr_cases++];
	memset(k, 0, sizeof(*k));
	k->article = a;
	k->fixed = fixed;
	age_days = (double)(l->o.now_ms - e->at_ms) / 86400000.0;
	k->weight = age_days > 0 && l->o.half_life_days > 0 ?
		pow(0.5, age_days / l->o.half_life_days) : 1;
	for (int q = 0; q < m->nr_questions; q++)
		if (q != m->q_problem && answers[q] != ENG_UNANSWERED)
			k->nr_answers++;
	k->answers = xmalloc(((size_t)k->nr_answers * 2 + 1) * sizeof(int));
	for (int q = 0, i = 0; q < m->nr_questions; q++)
		if (q != m->q_problem && answers[q] != ENG_UNANSWERED) {
			k->answers[i++] = q;
			k->answers[i++] = answers[q];
		}
	k->failed = xmalloc(((size_t)t.nr + 1) * sizeof(int));
	for (int i = 0; i < t.nr; i++)
		if (t.result[t.order[i]] == ENG_FAILED)
			k->failed[k->nr_failed++] = t.order[i];
	l->finished = 0;
done:
	eng_tried_release(&t);
	free(answers);
	sbuf_release(&err);
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static double logit(double p)
{
	return log(p / (1 - p));
}

/* Mean and 90 % interval of Beta(a, b). */
static void beta_summary(double a, double b, double *mean, double *low, double *high)
{
	double n = a + b, sd = sqrt(a * b / (n * n * (n + 1)));

	*mean = a / n;
	*low = clamp(*mean - Z90 * sd, 0, 1);
	*high = clamp(*mean + Z90 * sd, 0, 1);
}

/* A learned value: the authored one, the estimate, its interval, the
 * (weighted) count behind it, and whether the bound held it back. */
struct value {
	double authored, learned, low, high, count;
	int bounded;
};

/* 1 when cause c is in scope s (0: every platform; 1 + p: platform p). */
static int in_scope(const struct eng_model *m, int c, int s)
{
	return !s || m->causes[c].platform < 0 || m->causes[c].platform == s - 1;
}

/* The prior of cause c in scope s of its article. */
static struct value prior_value(const struct learn *l, int c, int s)
{
	const struct eng_model *m = l->m;
	int a = m->causes[c].article;
	double sum = 0, k = l->o.prior_strength, d = l->o.max_prior_shift;
	double big_n = l->total[(size_t)a * (size_t)(l->np + 1) + (size_t)s];
	double nc = l->n[(size_t)c * (size_t)(l->np + 1) + (size_t)s], mean;
	struct value v;

	for (int j = m->article_start[a]; j < m->article_start[a + 1]; j++)
		if (in_scope(m, m->by_article[j], s))
			sum += m->causes[m->by_article[j]].prior;
	v.authored = sum > 0 ? m->causes[c].prior / sum : 0;
	/* Dirichlet(k * authored) + counts: the marginal of c is a Beta. */
	beta_summary(k * v.authored + nc, k * (1 - v.authored) + big_n - nc,
		     &mean, &v.low, &v.high);
	{
		double pa = clamp(v.authored, 1e-9, 1 - 1e-9);

		double lo = 1 / (1 + exp(-(logit(pa) - d))), hi = 1 / (1 + exp(-(logit(pa) + d)));

		v.learned = clamp(mean, lo, hi);
		v.low = clamp(v.low, lo, hi);
		v.high = clamp(v.high, lo, hi);
	}
	v.bounded = v.learned != mean;
	v.count = nc;
	return v;
}

static struct value fix_value(const struct learn *l, int c, int i)
{
	double p = clamp(l->m->causes[c].fix[i], 0.01, 0.99), k = l->o.fix_strength;
	double s = l->succ[l->link_start[c] + i], f = l->fail[l->link_start[c] + i];
	double mean, lo, hi, d = l->o.max_fix_shift;
	struct value v;

	v.authored = l->m->causes[c].fix[i];
	beta_summary(k * p + s, k * (1 - p) + f, &mean, &v.low, &v.high);
	lo = 1 / (1 + exp(-(logit(p) - d)));
	hi = 1 / (1 + exp(-(logit(p) + d)));
	v.learned = clamp(mean, lo, hi);
	v.low = clamp(v.low, lo, hi);
	v.high = clamp(v.high, lo, hi);
	v.bounded = v.learned != mean;
	v.count = s + f;
	return v;
}

/* Passes of expectation-maximisation at most, and the change in every
 * value under which they stop. */
#define MAX_PASSES 50
#define CONVERGED 1e-7

/* The expectation: each case split over the causes as likely as model
 * cur makes them given its answers, the steps that failed and the one
 * that fixed it (then only the causes it fixes: the leak is out). A case
 * not fixed counts for the causes listed, by their share; the share of a
 * cause the KB does not list goes nowhere. */
static void count_pass(struct learn *l, const struct eng_model *cur, int first)
{
	const struct eng_model *m = l->m;
	struct eng_work *w = eng_work_new(cur);
	int *answers = eng_answers_new(cur);
	unsigned char *tried = xcalloc((size_t)m->nr_steps + 1, 1);
	size_t nc = (size_t)m->nr_causes * (size_t)(l->np + 1) + 1;

	memset(l->n, 0, nc * sizeof(double));
	memset(l->total, 0, ((size_t)m->nr_articles * (size_t)(l->np + 1) + 1) * sizeof(double));
	memset(l->succ, 0, ((size_t)l->link_start[m->nr_causes] + 1) * sizeof(double));
	memset(l->fail, 0, ((size_t)l->link_start[m->nr_causes] + 1) * sizeof(double));
	l->sessions = 0;
	l->used = 0;
	for (size_t i = 0; i < l->nr_cases; i++) {
		const struct learn_case *k = &l->cases[i];
		struct eng_result r;
		double listed = 0;
		int platform;

		for (int q = 0; q < m->nr_questions; q++)
			answers[q] = ENG_UNANSWERED;
		answers[m->q_problem] = k->article;
		for (int j = 0; j < k->nr_answers; j++)
			answers[k->answers[2 * j]] = k->answers[2 * j + 1];
		for (int j = 0; j < k->nr_failed; j++)
			tried[k->failed[j]] = ENG_FAILED;
		if (k->fixed >= 0)
			tried[k->fixed] = ENG_FIXED;
		eng_diagnose(w, answers, tried, NULL, &r);
		for (int j = 0; j < k->nr_failed; j++)
			tried[k->failed[j]] = ENG_UNTRIED;
		if (k->fixed >= 0)
			tried[k->fixed] = ENG_UNTRIED;
		if (!r.nr || (k->fixed >= 0 && r.other > 0)) {
			/* The step fixes none of the causes in scope. */
			l->no_cause += first && k->fixed >= 0;
			continue;
		}
		platform = answers[m->q_platform];
		for (int j = 0; j < r.nr; j++) {
			int c = r.causes[j];
			double wc = k->weight * r.p[j];

			listed += r.p[j];
			l->n[(size_t)c * (size_t)(l->np + 1)] += wc;
			if (platform >= 0)
				l->n[(size_t)c * (size_t)(l->np + 1) + (size_t)(platform + 1)] += wc;
			for (int f = 0; f < k->nr_failed; f++) {
				int x = link_of(l, c, k->failed[f]);

				if (x >= 0)
					l->fail[x] += wc;
			}
			if (k->fixed >= 0) {
				int x = link_of(l, c, k->fixed);

				if (x >= 0)
					l->succ[x] += wc;
			}
		}
		l->total[(size_t)k->article * (size_t)(l->np + 1)] += k->weight * listed;
		if (platform >= 0)
			l->total[(size_t)k->article * (size_t)(l->np + 1) + (size_t)(platform + 1)] +=
				k->weight * listed;
		l->sessions += k->weight;
		l->used++;
	}
	free(tried);
	free(answers);
	eng_work_free(w);
}

/* The maximisation: every value learned from the counts, as rows for
 * eng_model_apply_learned; *nr set. Caller frees. */
static struct eng_learned *estimate(const struct learn *l, size_t *nr)
{
	const struct eng_model *m = l->m;
	size_t alloc = 0;
	struct eng_learned *rows = NULL;

	*nr = 0;
	for (int c = 0; c < m->nr_causes; c++) {
		int a = m->causes[c].article;

		for (int sc = 0; sc <= l->np; sc++) {
			struct value v;

			if (!in_scope(m, c, sc) ||
			    !(l->total[(size_t)a * (size_t)(l->np + 1) + (size_t)sc] > 0))
				continue;
			v = prior_value(l, c, sc);
			ALLOC_GROW(rows, *nr + 1, alloc);
			rows[(*nr)++] = (struct eng_learned){ c, -1, sc - 1, v.learned,
				l->total[(size_t)a * (size_t)(l->np + 1) + (size_t)sc] };
		}
		for (int i = 0; i < m->causes[c].nr_steps; i++) {
			struct value v;

			if (!(l->succ[l->link_start[c] + i] + l->fail[l->link_start[c] + i] > 0))
				continue;
			v = fix_value(l, c, i);
			ALLOC_GROW(rows, *nr + 1, alloc);
			rows[(*nr)++] = (struct eng_learned){ c, m->causes[c].steps[i], -1,
							      v.learned, v.count };
		}
	}
	return rows;
}

/* Learns from the cases: counts under the authored model, estimates,
 * counts again under the estimates, until no value moves (each case's
 * split over the causes depends on the values, and the values on the
 * splits: expectation-maximisation). Done once for the cases added. */
static void learn_finish(struct learn *l)
{
	struct eng_learned *prev = NULL;
	size_t nr_prev = 0;
	struct eng_model *cur = NULL;

	if (l->finished)
		return;
	l->no_cause = 0;
	for (l->passes = 0; l->passes < MAX_PASSES; l->passes++) {
		struct eng_learned *rows;
		size_t nr;
		double moved = 0;

		count_pass(l, cur ? cur : l->m, l->passes == 0);
		rows = estimate(l, &nr);
		for (size_t i = 0; i < nr; i++)
			moved = fmax(moved, i < nr_prev ? fabs(rows[i].value - prev[i].value) : 1);
		if (nr != nr_prev)
			moved = 1;
		free(prev);
		prev = rows;
		nr_prev = nr;
		if (moved < CONVERGED || !nr)
			break;
		eng_model_free(cur);
		cur = eng_model_clone(l->m, 1);
		eng_model_apply_learned(cur, rows, nr);
	}
	free(prev);
	eng_model_free(cur);
	l->finished = 1;
}

double learn_cause_sessions(const struct learn *l, int c)
{
	return l->n[(size_t)c * (size_t)(l->np + 1)];
}

double learn_sessions(struct learn *l)
{
	learn_finish(l);
	return l->sessions;
}

/* A title as a YAML comment: one line, no control characters. */
static void add_comment(struct sbuf *out, const char *indent, const char *text)
{
	sbuf_addf(out, "%s# ", indent);
	for (const char *p = text; *p; p++)
		sbuf_addch(out, (unsigned char)*p < 0x20 ? ' ' : *p);
	sbuf_addch(out, '\n');
}

/* A count of sessions (weighted by age, so fractional): whole digits and
 * two decimals from 1 up, six significant digits below. */
static void add_count(struct sbuf *out, double n)
{
	if (n >= 1)
		sbuf_addf(out, "%.2f", n);
	else
		sbuf_addf(out, "%.6g", n);
}

static void add_value(struct sbuf *out, const char *indent, const char *id,
		      const struct value *v, const char *count_name)
{
	sbuf_addf(out, "%s%s: {authored: %.4g, learned: %.4g, low: %.4g, high: %.4g, %s: ",
		  indent, id, v->authored, v->learned, v->low, v->high, count_name);
	add_count(out, v->count);
	sbuf_addf(out, "}%s\n", v->bounded ? "  # held at its bound" : "");
}

void learn_write(struct learn *l, struct sbuf *out)
{
	const struct eng_model *m = l->m;

	learn_finish(l);
	sbuf_addf(out,
		  "# Learned by clew learn from the outcomes of past sessions: review it,\n"
		  "# then bake it in with `clew compile --learned FILE`. Each value gives\n"
		  "# the authored one, the learned one, a 90%% interval (within the bound)\n"
		  "# and the sessions (weighted by age) behind it: those given to a cause,\n"
		  "# or a step's tries on a cause. docs/outcomes.md says how.\n"
		  "# Outcomes read: %lu (%lu fixed, %lu not fixed); used: %lu.\n"
		  "# Sessions with no outcome (abandoned) count for nothing.\n"
		  "clew_learned: 1\n"
		  "kb: \"%s\"\n"
		  "settings:\n"
		  "  prior_strength: %g\n"
		  "  fix_strength: %g\n"
		  "  half_life_days: %g\n"
		  "  max_prior_shift: %g\n"
		  "  max_fix_shift: %g\n"
		  "problems:%s\n",
		  l->outcomes, l->fixed, l->not_fixed, l->used, l->kb,
		  l->o.prior_strength, l->o.fix_strength, l->o.half_life_days,
		  l->o.max_prior_shift, l->o.max_fix_shift, l->sessions > 0 ? "" : " {}");
	for (int a = 0; a < m->nr_articles; a++) {
		double n_all = l->total[(size_t)a * (size_t)(l->np + 1)];
		int first = m->article_start[a], last = m->article_start[a + 1];

		if (!(n_all > 0))
			continue;
		add_comment(out, "  ", m->articles[a].title);
		sbuf_addf(out, "  %s:\n    sessions: ", m->articles[a].slug);
		add_count(out, n_all);
		sbuf_adds(out, "\n    # Sessions behind the priors of each scope.\n    scope_sessions:");
		for (int s = 0; s <= l->np; s++) {
			double t = l->total[(size_t)a * (size_t)(l->np + 1) + (size_t)s];

			if (t > 0) {
				sbuf_addf(out, "\n      %s: ", s ? m->questions[m->q_platform]
					  .options[s - 1].value : "all");
				add_count(out, t);
			}
		}
		sbuf_adds(out, "\n    priors:\n");
		for (int s = 0; s <= l->np; s++) {
			if (!(l->total[(size_t)a * (size_t)(l->np + 1) + (size_t)s] > 0))
				continue;
			sbuf_addf(out, "      %s:%s\n", s ? m->questions[m->q_platform].options[s - 1].value : "all",
				  s ? "" : "  # every platform, and before it is answered");
			for (int j = first; j < last; j++) {
				int c = m->by_article[j];
				struct value v;

				if (!in_scope(m, c, s))
					continue;
				v = prior_value(l, c, s);
				add_comment(out, "        ", m->causes[c].title);
				add_value(out, "        ", m->causes[c].id, &v, "sessions");
			}
		}
		/* Links with tries, by step in the order the KB has them. */
		{
			int any = 0;

			for (int s = 0; s < m->nr_steps; s++) {
				int step_open = 0;

				if (m->steps[s].article != a)
					continue;
				for (int j = first; j < last; j++) {
					int c = m->by_article[j], i = link_of(l, c, s) - l->link_start[c];
					struct value v;

					if (i < 0 || !(l->succ[l->link_start[c] + i] +
						       l->fail[l->link_start[c] + i] > 0))
						continue;
					if (!any++)
						sbuf_adds(out, "    fixes:\n");
					if (!step_open++) {
						add_comment(out, "      ", m->steps[s].title);
						sbuf_addf(out, "      %s:\n", m->steps[s].id);
					}
					v = fix_value(l, c, i);
					add_value(out, "        ", m->causes[c].id, &v, "tries");
				}
			}
		}
	}
}

struct shift {
	const char *what, *id, *cause; /* cause: for a fix, the one it fixes */
	double from, to, count;
};

static int by_size(const void *x, const void *y)
{
	const struct shift *a = x, *b = y;
	double da = fabs(a->to - a->from), db = fabs(b->to - b->from);

	return da < db ? 1 : da > db ? -1 : strcmp(a->id, b->id);
}

void learn_report(struct learn *l, struct sbuf *out)
{
	const struct eng_model *m = l->m;

	learn_finish(l);
	sbuf_addf(out, "%lu outcome(s) read: %lu fixed, %lu not fixed; %lu used", l->outcomes,
		  l->fixed, l->not_fixed, l->used);
	if (l->unknown_problem || l->unknown_step || l->no_cause)
		sbuf_addf(out, "; ignored: %lu for a problem the KB does not have, %lu "
			  "naming a step the problem does not have, %lu whose step fixes no "
			  "cause in scope", l->unknown_problem, l->unknown_step, l->no_cause);
	sbuf_addf(out, ".\nEach was split over the causes as likely as they were given its "
		  "answers and steps (%d pass(es)%s).\n",
		  l->passes < MAX_PASSES ? l->passes + 1 : MAX_PASSES,
		  l->passes < MAX_PASSES ? " to settle" : ", the most: not settled");
	for (int a = 0; a < m->nr_articles; a++) {
		double n_all = l->total[(size_t)a * (size_t)(l->np + 1)];
		struct shift *sh;
		size_t nr = 0;

		if (!(n_all > 0))
			continue;
		sh = xcalloc((size_t)(m->article_start[a + 1] - m->article_start[a]) +
			     (size_t)l->link_start[m->nr_causes] + 1, sizeof(*sh));
		for (int j = m->article_start[a]; j < m->article_start[a + 1]; j++) {
			int c = m->by_article[j];
			struct value v = prior_value(l, c, 0);

			sh[nr++] = (struct shift){ "prior", m->causes[c].id, NULL, v.authored,
						   v.learned, v.count };
			for (int i = 0; i < m->causes[c].nr_steps; i++) {
				struct value f;

				if (!(l->succ[l->link_start[c] + i] + l->fail[l->link_start[c] + i] > 0))
					continue;
				f = fix_value(l, c, i);
				sh[nr++] = (struct shift){ "fix", m->steps[m->causes[c].steps[i]].id,
							   m->causes[c].id, f.authored, f.learned, f.count };
			}
		}
		qsort(sh, nr, sizeof(*sh), by_size);
		sbuf_addf(out, "\n%s: %.1f session(s). Moved most (authored -> learned, "
			  "and the sessions or tries behind it):\n", m->articles[a].slug, n_all);
		for (size_t i = 0; i < nr && i < 6; i++) {
			struct sbuf what = SBUF_INIT;

			sbuf_adds(&what, sh[i].id);
			if (sh[i].cause)
				sbuf_addf(&what, " fixing %s", sh[i].cause);
			sbuf_addf(out, "  %-5s %-56s %5.1f%% -> %5.1f%%  (%.1f)\n", sh[i].what,
				  what.buf, sh[i].from * 100, sh[i].to * 100, sh[i].count);
			sbuf_release(&what);
		}
		free(sh);
	}
}
