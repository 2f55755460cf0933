/* simulate: simulated users of the wizard, the repair loop against the
 * ranked list it replaced, on the shipped kb/ and on a large generated KB.
 *
 * Each session is one user with a true cause, and both ways of helping
 * them meet the very same user (the same answers, the same steps that
 * would work), so their figures differ by the way alone.
 *
 * The user.
 * - The true cause is drawn from the KB's prior: the causes' prior weights
 *   normalised over the whole KB. Then, with probability ENG_LEAK, it is
 *   replaced by "a cause the KB does not list" (the leak) for the same
 *   problem, so each problem's share of leak sessions is ENG_LEAK, as the
 *   engine assumes.
 * - The session starts with the problem chosen: the true cause's article
 *   (the wizard starts from a problem). Choosing it is not counted as a
 *   question, in either way.
 * - Every answer is drawn once, at the start, and the user never says
 *   "I don't know":
 *   - 'platform': the true cause's platform; for a cause of any platform,
 *     or the leak, one of the platforms the problem offers, uniformly;
 *   - a question the true cause names, truthful answers: a value it holds
 *     under (uniformly, when it holds under several): no ENG_EPS noise,
 *     the user never errs, though the engine allows for it. With slips
 *     (the second pass): the answer is drawn as the engine predicts it,
 *     each value the cause holds under with weight 1 - ENG_EPS and each
 *     other value with ENG_EPS (a wrong answer 5 % of the time on a
 *     yes/no question, 14 % on one of 4 values). Both passes meet the
 *     same users (one draw an answer either way; checked);
 *   - a question the true cause says nothing about, and every question
 *     when the cause is the leak: a value drawn uniformly.
 * - The user tries every step offered (never "I can't do this"). A step
 *   fixes the true cause with its fix probability for that cause, drawn
 *   once a session; a step not linked to the true cause never fixes it;
 *   no step ever fixes a leak session, which so ends escalated, in either
 *   way, once the way gives up.
 *
 * The repair loop (today's wizard): eng_diagnose with the answers and the
 * steps tried so far; ENG_ACT_ASK is answered, ENG_ACT_TRY is tried; the
 * session ends when a step fixes it (ENG_RESOLVED) or when the engine
 * hands it over (ENG_UNRESOLVED: no step left, or the leak is likelier
 * than all the listed causes together). ENG_ACT_NONE on an open session
 * would mean nothing to offer: escalated too, and counted. With --go-on,
 * when the engine hands over because of the leak (an unlisted cause), the
 * user goes on with the plan it made (r.plan[0], until no step is left):
 * that rule's effect, measured from outside the engine.
 *
 * The ranked list (the wizard before the repair loop). The engine runs on
 * a twin of the model with the steps hidden: the same questions, articles
 * and causes, built again with the eng_model_* builders in the same order
 * (so every index is the same; checked field by field), and no steps.
 * With no steps the engine works exactly as before the repair loop
 * (docs/engine.md, "The next action"): it asks the question with the most
 * information gain until the top cause reaches ENG_CONFIDENT or no
 * question gains ENG_MIN_GAIN. Then the user works down the ranked causes
 * (probability > 0), trying each cause's steps in the order the author
 * listed them, a step never twice, until one fixes it; the list does not
 * change as steps fail (the old page was static). When the list is
 * exhausted, the session is escalated.
 *
 * Cost, in minutes: ENG_QUESTION_COST a question answered, a step's cost
 * each step tried, ENG_ESCALATION_COST when a session ends unresolved.
 * "To a fix" figures are means over the sessions fixed (questions plus
 * steps); "per session" figures are means over every session, escalation
 * included.
 *
 * Sanity checks (exit 1 when one fails): no question is asked twice and
 * no step offered twice (so every session ends); the twin matches the
 * model; both passes meet users whose steps work alike (the answers take
 * one draw each either way); and the ranked list fixes every session in
 * which a step of the true cause works (the true cause is always on it).
 *
 * The large KB is bench/engine's synthetic one (bench/synth_model.h:
 * 1,000 causes, 100 questions, 300 steps over 50 problems).
 *
 * With --true-world: the feedback loop instead (bench/true_world.h):
 * sessions in a world unlike the authored one, recorded, learned from,
 * and served again by the learned KB (default 2,000 sessions a round).
 *
 * Usage: simulate [--go-on] [-v] [--true-world] [SESSIONS [SEED [KB_DIR]]]
 * (defaults: 20000 sessions a KB and pass, seed 1, kb). -v also lists the
 * true causes where the repair loop loses most against the ranked list,
 * and the problems where it loses at all. Prints figures; asserts nothing
 * about time. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/xalloc.h"
#include "../server/engine/engine.h"
#include "../server/engine/report.h"
#include "bench.h"
#include "synth_model.h"

struct sim_opts {
	long sessions;
	uint64_t seed;
	int go_on;
	int verbose;
};

/* One random stream a session (bench_rand), from the seed and its number. */
struct rng {
	uint64_t s;
};

static double rng_unit(struct rng *r)
{
	return bench_unit(&r->s);
}

static int rng_below(struct rng *r, int n)
{
	return (int)(rng_unit(r) * n);
}

/* One simulated user. */
struct user {
	int cause;            /* the true cause, or -1: the leak */
	int article;
	int *answer;          /* per question: the answer they give */
	unsigned char *works; /* per step: 1 when it would fix it */
};

/* One session's course. */
struct session {
	int questions, steps;
	double cost;
	double dear; /* minutes on steps that cost more than an escalation */
	int fixed;
	int gave_up; /* the repair loop had nothing to offer */
	enum eng_end end;
};

/* Sums over the sessions of one way on one KB. */
struct tally {
	long n, fixed, leak, fixable, gave_up;
	long end_no_step, end_unlisted, listed_lost;
	long questions, steps, q_fixed, s_fixed;
	double cost, cost2, cost_fixed, cost_leak, dear;
	double d, d2; /* the repair loop's cost minus the ranked list's */
	int max_actions;
};

/* Per true cause (and per problem's leak): for -v. */
struct by_cause {
	long n;
	double loop_cost, list_cost;
	long loop_fixed, list_fixed;
};

/* One KB's simulation: the model, its step-less twin and scratch. */
struct sim {
	const struct eng_model *m;
	struct eng_model *bare;
	struct eng_work *w, *bw;
	double *cum;          /* per cause: cumulative prior, normalised */
	int *answers;
	unsigned char *tried;
	int *order;           /* the steps tried this session, in order */
	int nr_order;
	struct user u;
	int noisy;            /* answers with slips */
	int go_on;            /* past 'an unlisted cause' */
};

static uint64_t mask_of(const struct eng_model *m, int c, int q)
{
	return m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q];
}

/* The model's questions, articles and causes without its steps, built
 * in the same order so every index is the model's. Caller frees. */
static struct eng_model *bare_twin(const struct eng_model *m)
{
	return eng_model_clone(m, 0);
}

/* 0 when t ranks as m does: the same questions, options, applies,
 * articles and causes, index for index. */
static int twin_check(const struct eng_model *m, const struct eng_model *t)
{
	if (t->nr_questions != m->nr_questions || t->nr_causes != m->nr_causes ||
	    t->nr_articles != m->nr_articles || t->nr_steps != 0 ||
	    t->q_problem != m->q_problem || t->q_platform != m->q_platform)
		return -1;
	for (int q = 0; q < m->nr_questions; q++) {
		const struct eng_question *a = &m->questions[q], *b = &t->questions[q];

		if (a->nr_options != b->nr_options || a->nr_applies != b->nr_applies)
			return -1;
		for (int i = 0; i < a->nr_applies; i++)
			if (a->applies[i].q != b->applies[i].q ||
			    a->applies[i].mask != b->applies[i].mask)
				return -1;
	}
	for (int c = 0; c < m->nr_causes; c++) {
		const struct eng_cause *a = &m->causes[c], *b = &t->causes[c];

		if (a->article != b->article || a->platform != b->platform ||
		    a->prior != b->prior || b->nr_steps != 0)
			return -1;
		for (int q = 0; q < m->nr_questions; q++)
			if (mask_of(m, c, q) != mask_of(t, c, q))
				return -1;
	}
	for (int a = 0; a <= m->nr_articles; a++)
		if (m->article_start[a] != t->article_start[a])
			return -1;
	return 0;
}

static void sim_init(struct sim *s, const struct eng_model *m, int go_on)
{
	double total = 0, run = 0;

	memset(s, 0, sizeof(*s));
	s->m = m;
	s->bare = bare_twin(m);
	s->w = eng_work_new(m);
	s->bw = eng_work_new(s->bare);
	s->cum = xcalloc((size_t)m->nr_causes + 1, sizeof(*s->cum));
	for (int c = 0; c < m->nr_causes; c++)
		total += m->causes[c].prior;
	for (int c = 0; c < m->nr_causes; c++) {
		run += m->causes[c].prior;
		s->cum[c] = run / total;
	}
	s->answers = eng_answers_new(m);
	s->tried = xcalloc((size_t)m->nr_steps + 1, 1);
	s->order = xcalloc((size_t)m->nr_steps + 1, sizeof(*s->order));
	s->u.answer = xcalloc((size_t)m->nr_questions + 1, sizeof(*s->u.answer));
	s->u.works = xcalloc((size_t)m->nr_steps + 1, 1);
	s->go_on = go_on;
}

static void sim_release(struct sim *s)
{
	free(s->u.works);
	free(s->u.answer);
	free(s->tried);
	free(s->order);
	free(s->answers);
	free(s->cum);
	eng_work_free(s->bw);
	eng_work_free(s->w);
	eng_model_free(s->bare);
}

/* A value of q for a user whose cause holds under mask (0: says nothing):
 * as the header says. */
static int draw_answer(struct rng *r, uint64_t mask, int n, int noisy)
{
	int held = 0, k;

	for (int v = 0; v < n && v < ENG_MAX_OPTIONS; v++)
		held += (mask >> v) & 1;
	if (!held)
		return rng_below(r, n);
	if (noisy) {
		double total = held * (1 - ENG_EPS) + (n - held) * ENG_EPS;
		double x = rng_unit(r) * total;

		for (int v = 0; v < n; v++) {
			x -= (mask >> v) & 1 ? 1 - ENG_EPS : ENG_EPS;
			if (x < 0)
				return v;
		}
		return n - 1;
	}
	k = rng_below(r, held);
	for (int v = 0; v < n; v++)
		if (((mask >> v) & 1) && k-- == 0)
			return v;
	return -1; /* not reached */
}

/* For a cause of any platform (or the leak): one of the platforms the
 * problem offers, uniformly (u->answer holds the problem, all the offer
 * depends on). */
static void draw_platform(const struct eng_model *m, struct user *u, struct rng *r)
{
	const int q = m->q_platform;
	int offered = 0, k;

	for (int v = 0; v < m->questions[q].nr_options; v++)
		offered += eng_option_offered(m, u->answer, q, v);
	k = offered ? rng_below(r, offered) : -1;
	for (int v = 0; v < m->questions[q].nr_options && k >= 0; v++)
		if (eng_option_offered(m, u->answer, q, v) && k-- == 0)
			u->answer[q] = v;
}

static void draw_user(struct sim *s, struct rng *r)
{
	const struct eng_model *m = s->m;
	struct user *u = &s->u;
	double x = rng_unit(r);
	int lo = 0, hi = m->nr_causes - 1, platform;

	/* The first cause whose cumulative prior passes x. */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (s->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	u->cause = lo;
	u->article = m->causes[lo].article;
	if (rng_unit(r) < ENG_LEAK)
		u->cause = -1;
	platform = u->cause >= 0 ? m->causes[u->cause].platform : -1;
	for (int q = 0; q < m->nr_questions; q++) {
		int n = m->questions[q].nr_options;

		if (q == m->q_problem)
			u->answer[q] = u->article;
		else if (q == m->q_platform)
			u->answer[q] = platform;
		else if (n == 0)
			u->answer[q] = ENG_UNKNOWN;
		else
			u->answer[q] = draw_answer(r, u->cause >= 0 ? mask_of(m, u->cause, q) : 0,
						   n, s->noisy);
	}
	if (platform < 0)
		draw_platform(m, u, r);
	for (int i = 0; i < m->nr_steps; i++) {
		const struct eng_step *st = &m->steps[i];

		u->works[i] = 0;
		for (int k = 0; k < st->nr_causes && u->cause >= 0; k++)
			if (st->causes[k] == u->cause)
				u->works[i] = rng_unit(r) < st->fix[k];
	}
}

/* Starts a session: the problem chosen, nothing else answered or tried. */
static void session_start(struct sim *s, struct session *se)
{
	const struct eng_model *m = s->m;

	memset(se, 0, sizeof(*se));
	for (int q = 0; q < m->nr_questions; q++)
		s->answers[q] = ENG_UNANSWERED;
	s->answers[m->q_problem] = s->u.article;
	memset(s->tried, ENG_UNTRIED, (size_t)m->nr_steps + 1);
	s->nr_order = 0;
}

static int ask(struct sim *s, struct session *se, int q)
{
	if (q < 0 || s->answers[q] != ENG_UNANSWERED) {
		fprintf(stderr, "simulate: question %d asked again (or none)\n", q);
		return -1;
	}
	s->answers[q] = s->u.answer[q];
	se->questions++;
	se->cost += ENG_QUESTION_COST;
	return 0;
}

/* Tries step i; returns 1 when it fixed it, 0 when not, -1 when it was
 * tried before. */
static int try_step(struct sim *s, struct session *se, int i)
{
	const struct eng_step *st;

	if (i < 0 || s->tried[i] != ENG_UNTRIED) {
		fprintf(stderr, "simulate: step %d offered again (or none)\n", i);
		return -1;
	}
	st = &s->m->steps[i];
	se->steps++;
	se->cost += st->cost;
	if (st->cost > ENG_ESCALATION_COST)
		se->dear += st->cost;
	s->tried[i] = s->u.works[i] ? ENG_FIXED : ENG_FAILED;
	s->order[s->nr_order++] = i;
	return s->u.works[i];
}

static void report_stuck(const struct sim *s, long n, const char *way)
{
	fprintf(stderr, "simulate: in %s session %ld (cause %s, problem %s)\n",
		way, n, s->u.cause >= 0 ? s->m->causes[s->u.cause].id : "(unlisted)",
		s->m->articles[s->u.article].slug);
}

/* The repair loop: the engine's next action until it ends. */
static int run_loop(struct sim *s, long n, struct session *se)
{
	struct eng_result r;

	session_start(s, se);
	for (;;) {
		eng_diagnose(s->w, s->answers, s->tried, NULL, &r);
		if (r.outcome == ENG_RESOLVED) {
			se->fixed = 1;
			return 0;
		}
		/* --go-on: the user goes on with the plan the engine made
		 * before it handed over. */
		if (s->go_on && r.outcome == ENG_UNRESOLVED &&
		    r.end == ENG_END_UNLISTED) {
			r.action = ENG_ACT_TRY;
			r.step = r.plan[0];
		} else if (r.outcome == ENG_UNRESOLVED || r.action == ENG_ACT_NONE) {
			se->end = r.end;
			se->gave_up = r.outcome != ENG_UNRESOLVED;
			se->cost += ENG_ESCALATION_COST;
			return 0;
		}
		if (r.action == ENG_ACT_ASK) {
			if (ask(s, se, r.next))
				goto stuck;
		} else if (try_step(s, se, r.step) < 0) {
			goto stuck;
		}
	}
stuck:
	report_stuck(s, n, "repair-loop");
	return -1;
}

/* The ranked list: questions by information gain on the step-less twin,
 * then every listed cause's steps, top-down. */
static int run_list(struct sim *s, long n, struct session *se)
{
	const struct eng_model *m = s->m;
	struct eng_result r;

	session_start(s, se);
	for (;;) {
		eng_diagnose(s->bw, s->answers, NULL, NULL, &r);
		if (r.action != ENG_ACT_ASK)
			break;
		if (ask(s, se, r.next)) {
			report_stuck(s, n, "ranked-list");
			return -1;
		}
	}
	/* r.causes is borrowed from s->bw, untouched from here on. */
	for (int i = 0; i < r.nr; i++) {
		const struct eng_cause *c = &m->causes[r.causes[i]];

		for (int k = 0; k < c->nr_steps; k++) {
			int st = c->steps[k];

			if (s->tried[st] != ENG_UNTRIED)
				continue;
			if (try_step(s, se, st) > 0) {
				se->fixed = 1;
				return 0;
			}
		}
	}
	se->end = ENG_END_NO_STEP;
	se->cost += ENG_ESCALATION_COST;
	return 0;
}

static void tally_add(struct tally *t, const struct session *se,
		      const struct user *u, int fixable)
{
	t->n++;
	t->questions += se->questions;
	t->steps += se->steps;
	t->dear += se->dear;
	t->cost += se->cost;
	t->cost2 += se->cost * se->cost;
	t->fixable += fixable;
	if (se->questions + se->steps > t->max_actions)
		t->max_actions = se->questions + se->steps;
	if (u->cause < 0) {
		t->leak++;
		t->cost_leak += se->cost;
	}
	if (se->fixed) {
		t->fixed++;
		t->q_fixed += se->questions;
		t->s_fixed += se->steps;
		t->cost_fixed += se->cost;
		return;
	}
	t->gave_up += se->gave_up;
	t->end_no_step += se->end == ENG_END_NO_STEP;
	t->end_unlisted += se->end == ENG_END_UNLISTED;
	t->listed_lost += fixable;
}

static double ratio(double a, long b)
{
	return b ? a / (double)b : 0;
}

/* What one pass (one way of answering) gathered. */
struct pass {
	struct tally loop, list;
	struct by_cause *bc; /* per cause, then per problem's leak */
};

/* One figure for each of the four columns: the repair loop and the
 * ranked list, truthful and with slips. */
static void print_row(const char *what, const char *fmt, const double v[4])
{
	char x[4][32];

	for (int i = 0; i < 4; i++)
		snprintf(x[i], sizeof(x[i]), fmt, v[i]);
	printf("  %-46s %11s %11s   %11s %11s\n", what, x[0], x[1], x[2], x[3]);
}

#define ROW(what, fmt, expr)                                            \
	do {                                                            \
		double v_[4];                                           \
		for (int i_ = 0; i_ < 4; i_++) {                        \
			const struct tally *t = i_ & 1 ? &p[i_ / 2].list \
						       : &p[i_ / 2].loop; \
			v_[i_] = (expr);                                \
		}                                                       \
		print_row(what, fmt, v_);                               \
	} while (0)

static void print_table(const struct pass p[2])
{
	long n = p[0].loop.n;

	printf("  %-46s %23s   %23s\n", "", "truthful answers", "slips (ENG_EPS)");
	printf("  %-46s %11s %11s   %11s %11s\n", "", "repair loop", "ranked list",
	       "repair loop", "ranked list");
	ROW("fixed", "%.1f %%", 100.0 * t->fixed / n);
	ROW("escalated", "%.1f %%", 100.0 * (n - t->fixed) / n);
	ROW("  though a step of the true cause would work", "%.2f %%",
	    100.0 * t->listed_lost / n);
	ROW("    share of the sessions a step would fix", "%.3f %%",
	    100.0 * ratio(t->listed_lost, t->fixable));
	ROW("  ended: no step left", "%.1f %%", 100.0 * t->end_no_step / n);
	ROW("  ended: unlisted cause over all listed", "%.1f %%",
	    100.0 * t->end_unlisted / n);
	ROW("questions per session", "%.2f", ratio(t->questions, n));
	ROW("steps per session", "%.2f", ratio(t->steps, n));
	ROW("questions to a fix", "%.2f", ratio(t->q_fixed, t->fixed));
	ROW("steps to a fix", "%.2f", ratio(t->s_fixed, t->fixed));
	ROW("cost to a fix, min", "%.2f", ratio(t->cost_fixed, t->fixed));
	ROW("cost per session, min (escalations included)", "%.2f", t->cost / n);
	ROW("  standard error", "%.2f",
	    sqrt((t->cost2 / n - pow(t->cost / n, 2)) / n));
	ROW("  on steps dearer than an escalation", "%.2f", t->dear / n);
	ROW("cost of an unlisted-cause session, min", "%.2f",
	    ratio(t->cost_leak, t->leak));
	ROW("most actions in one session", "%.0f", (double)t->max_actions);
	for (int k = 0; k < 2; k++) {
		double d = p[k].loop.d / n;

		printf("  %s: the repair loop costs %+.2f min per session against "
		       "the ranked list (paired standard error %.2f)\n",
		       k ? "slips" : "truthful", d,
		       sqrt((p[k].loop.d2 / n - d * d) / n));
		if (p[k].loop.gave_up)
			printf("  %s: the repair loop had nothing to offer in %ld "
			       "sessions\n", k ? "slips" : "truthful", p[k].loop.gave_up);
	}
}

static int by_loss(const void *x, const void *y, void *arg)
{
	const struct by_cause *bc = arg;
	int i = *(const int *)x, j = *(const int *)y;
	double a = bc[i].loop_cost - bc[i].list_cost;
	double b = bc[j].loop_cost - bc[j].list_cost;

	return a > b ? -1 : a < b;
}

/* The true causes (and problems' leaks) where the repair loop loses the
 * most minutes in all against the ranked list. */
static void print_losses(const struct eng_model *m, const char *how,
			 struct by_cause *bc)
{
	int n = m->nr_causes + m->nr_articles, *idx = xcalloc((size_t)n, sizeof(*idx));

	for (int i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)n, sizeof(*idx), by_loss, bc);
	printf("  %s: where the repair loop loses most (minutes in all; per "
	       "session; fixed):\n", how);
	for (int k = 0; k < n && k < 10; k++) {
		const struct by_cause *b = &bc[idx[k]];
		struct sbuf name = SBUF_INIT;

		if (b->loop_cost <= b->list_cost)
			break;
		if (idx[k] < m->nr_causes)
			sbuf_adds(&name, m->causes[idx[k]].id);
		else
			sbuf_addf(&name, "(unlisted) %s",
				  m->articles[idx[k] - m->nr_causes].slug);
		printf("    %-36s %6ld sessions %+8.0f  loop %6.2f list %6.2f  "
		       "loop %5.1f %% list %5.1f %%\n", name.buf, b->n,
		       b->loop_cost - b->list_cost, b->loop_cost / b->n,
		       b->list_cost / b->n, 100.0 * b->loop_fixed / b->n,
		       100.0 * b->list_fixed / b->n);
		sbuf_release(&name);
	}
	free(idx);
}

/* The same by problem: its causes' sessions and its leak's. */
static void print_problem_losses(const struct eng_model *m, const char *how,
				 const struct by_cause *bc)
{
	int lost = 0;

	for (int a = 0; a < m->nr_articles; a++) {
		struct by_cause sum = bc[m->nr_causes + a];

		for (int i = m->article_start[a]; i < m->article_start[a + 1]; i++) {
			const struct by_cause *b = &bc[m->by_article[i]];

			sum.n += b->n;
			sum.loop_cost += b->loop_cost;
			sum.list_cost += b->list_cost;
			sum.loop_fixed += b->loop_fixed;
			sum.list_fixed += b->list_fixed;
		}
		if (!sum.n || sum.loop_cost <= sum.list_cost)
			continue;
		if (!lost++)
			printf("  %s: problems where the repair loop loses:\n", how);
		printf("    %-36s %6ld sessions %+8.0f  loop %6.2f list %6.2f  "
		       "loop %5.1f %% list %5.1f %%\n", m->articles[a].slug, sum.n,
		       sum.loop_cost - sum.list_cost, sum.loop_cost / sum.n,
		       sum.list_cost / sum.n, 100.0 * sum.loop_fixed / sum.n,
		       100.0 * sum.list_fixed / sum.n);
	}
	if (!lost)
		printf("  %s: the repair loop costs less on every problem\n", how);
}

/* Runs opts->sessions users through both ways, answering as s->noisy
 * says, into p. Returns 0, or -1 when a sanity check failed. */
static int run_pass(struct sim *s, const char *name, const struct sim_opts *opts,
		    struct pass *p)
{
	const struct eng_model *m = s->m;

	for (long i = 0; i < opts->sessions; i++) {
		/* The same users in both passes: the answers take one draw
		 * each either way, so only the slips differ. */
		struct rng r = { opts->seed * UINT64_C(0x100000001b3) + (uint64_t)i };
		struct session a, b;
		struct by_cause *row;
		int fixable = 0;

		bench_rand(&r.s);
		draw_user(s, &r);
		for (int k = 0; k < m->nr_steps; k++)
			fixable |= s->u.works[k];
		if (run_loop(s, i, &a) || run_list(s, i, &b))
			return -1;
		if (fixable && !b.fixed) {
			fprintf(stderr, "simulate: %s: session %ld: the ranked list missed "
				"the true cause %s\n", name, i, m->causes[s->u.cause].id);
			return -1;
		}
		tally_add(&p->loop, &a, &s->u, fixable);
		tally_add(&p->list, &b, &s->u, fixable);
		p->loop.d += a.cost - b.cost;
		p->loop.d2 += (a.cost - b.cost) * (a.cost - b.cost);
		row = &p->bc[s->u.cause >= 0 ? s->u.cause : m->nr_causes + s->u.article];
		row->n++;
		row->loop_cost += a.cost;
		row->list_cost += b.cost;
		row->loop_fixed += a.fixed;
		row->list_fixed += b.fixed;
	}
	return 0;
}

/* Simulates m both ways, with truthful answers and with slips, and
 * prints the table. Returns 0, or -1 when a sanity check failed. */
static int simulate_kb(const char *name, const struct eng_model *m,
		       const struct sim_opts *opts)
{
	struct sim s;
	struct pass p[2];
	double t0 = bench_now();
	int ret = 0;

	memset(p, 0, sizeof(p));
	sim_init(&s, m, opts->go_on);
	for (int k = 0; k < 2; k++)
		p[k].bc = xcalloc((size_t)(m->nr_causes + m->nr_articles),
				  sizeof(*p[k].bc));
	if (twin_check(m, s.bare)) {
		fprintf(stderr, "simulate: %s: the step-less twin differs from the model\n",
			name);
		ret = -1;
		goto cleanup;
	}
	for (int k = 0; k < 2; k++) {
		s.noisy = k;
		if (run_pass(&s, name, opts, &p[k])) {
			ret = -1;
			goto cleanup;
		}
	}
	if (p[1].loop.fixable != p[0].loop.fixable) {
		fprintf(stderr, "simulate: %s: the two passes met different users\n", name);
		ret = -1;
		goto cleanup;
	}
	printf("%s: %d problems, %d causes, %d questions, %d steps; %ld sessions "
	       "(seed %llu), %ld of them with an unlisted cause, %ld with a step "
	       "that works%s; %.1f s\n",
	       name, m->nr_articles, m->nr_causes, m->nr_questions, m->nr_steps,
	       opts->sessions, (unsigned long long)opts->seed, p[0].loop.leak,
	       p[0].loop.fixable,
	       opts->go_on ? "; the repair loop goes on past 'an unlisted cause'" : "",
	       bench_now() - t0);
	print_table(p);
	if (opts->verbose)
		for (int k = 0; k < 2; k++) {
			print_losses(m, k ? "slips" : "truthful", p[k].bc);
			print_problem_losses(m, k ? "slips" : "truthful", p[k].bc);
		}
	printf("\n");
cleanup:
	free(p[1].bc);
	free(p[0].bc);
	sim_release(&s);
	return ret;
}

#include "true_world.h"

int main(int argc, char **argv)
{
	struct sim_opts opts = { 20000, 1, 0, 0 };
	int true_world = 0;
	const char *kb_dir = "kb";
	unsigned long synth_rng = 42;
	struct eng_model *m;
	int pos = 0, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--go-on"))
			opts.go_on = 1;
		else if (!strcmp(argv[i], "-v"))
			opts.verbose = 1;
		else if (!strcmp(argv[i], "--true-world"))
			true_world = 1;
		else if (pos == 0 && ++pos)
			opts.sessions = atol(argv[i]);
		else if (pos == 1 && ++pos)
			opts.seed = strtoull(argv[i], NULL, 10);
		else if (pos == 2 && ++pos)
			kb_dir = argv[i];
		else
			goto usage;
	}
	if (opts.sessions < 1)
		goto usage;
	if (true_world) {
		long n = pos ? opts.sessions : 2000;

		return true_world_run("shipped kb/", kb_dir, n, opts.seed) ||
		       true_world_run("synthetic KB", NULL, n * 5, opts.seed) ? 1 : 0;
	}

	if (!(m = bench_load_kb(kb_dir, "bench/simulate")))
		return 1;
	ret = simulate_kb("shipped kb/", m, &opts);
	eng_model_free(m);
	if (ret)
		return 1;
	/* The KB bench/engine times (seed 42 there too). */
	m = synth_model_new(&synth_rng, 1000, 100, 300);
	ret = simulate_kb("synthetic KB", m, &opts);
	eng_model_free(m);
	return ret ? 1 : 0;
usage:
	fprintf(stderr, "usage: simulate [--go-on] [-v] [--true-world] [SESSIONS [SEED [KB_DIR]]]\n");
	return 2;
}
