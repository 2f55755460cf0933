/* repair: the order of repair steps that costs least on average. */
#include "repair.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "engine.h"

/* One cause a plan's steps can fix: its probability (as the plan goes on,
 * what is left of it once the steps tried so far failed) and, for the
 * exact plan, its links to the candidates by position. */
struct rcause {
	int cause;
	double q;
	int nr, first; /* links[first .. first + nr) */
};

struct rlink {
	int pos;     /* the step's position among the candidates */
	double keep; /* 1 - P(the step fixes this cause) */
};

struct rkey {
	double pc; /* mass / cost */
	int pos;
};

struct repair {
	const struct eng_model *m;
	int exact_limit;
	int *pos_of;        /* per step: its position among the candidates, or -1 */
	int *rc_of;         /* per cause: its index in rc, or -1 */
	struct rcause *rc;  /* the causes the candidates fix */
	struct rlink *links;
	int nr_links, alloc_links;
	int *pos;           /* candidates with a chance: their steps */
	double *mass;       /* per candidate: the mass it fixes now */
	char *done;         /* per candidate: tried in the plan already */
	struct rkey *keys;  /* per candidate: its P/C, for sorting */
	int *rem;           /* the greedy plan's candidates not planned yet */
	double *inv_cost;   /* per candidate: 1 / its step's cost */
	/* Exact plans: per set of candidates (a bit each), the probability
	 * that all of them fail, the expected cost of the best plan after
	 * they failed (times that probability), and its next step. */
	double *fail, *cost;
	signed char *choice;
	/* For fail(): per candidate, the mass its one-link causes lose when
	 * it fails; the sum of that per set; the causes with several links,
	 * their keep per candidate, and their running products per set. */
	double *drop, *dropped;
	double *cost_of; /* per candidate: its step's cost */
	int *multi;
	double *keep, *table;
};

/* Room for the running products of the several-link causes. */
#define REPAIR_TABLE 8192

struct repair *repair_new(const struct eng_model *m)
{
	struct repair *r = xcalloc(1, sizeof(*r));
	size_t ns = (size_t)m->nr_steps + 1, nc = (size_t)m->nr_causes + 1;
	size_t sets = (size_t)1 << ENG_EXACT_STEPS;

	r->m = m;
	r->exact_limit = ENG_EXACT_STEPS;
	r->pos_of = xmalloc(ns * sizeof(*r->pos_of));
	for (size_t i = 0; i < ns; i++)
		r->pos_of[i] = -1;
	r->rc_of = xmalloc(nc * sizeof(*r->rc_of));
	for (size_t i = 0; i < nc; i++)
		r->rc_of[i] = -1;
	r->rc = xcalloc(nc, sizeof(*r->rc));
	r->pos = xcalloc(ns, sizeof(*r->pos));
	r->mass = xcalloc(ns, sizeof(*r->mass));
	r->done = xcalloc(ns, 1);
	r->keys = xcalloc(ns, sizeof(*r->keys));
	r->rem = xcalloc(ns, sizeof(*r->rem));
	r->inv_cost = xcalloc(ns, sizeof(*r->inv_cost));
	r->fail = xcalloc(sets, sizeof(*r->fail));
	r->cost = xcalloc(sets, sizeof(*r->cost));
	r->choice = xcalloc(sets, sizeof(*r->choice));
	r->drop = xcalloc(ENG_EXACT_STEPS, sizeof(*r->drop));
	r->cost_of = xcalloc(ENG_EXACT_STEPS, sizeof(*r->cost_of));
	r->dropped = xcalloc(sets, sizeof(*r->dropped));
	r->multi = xcalloc(nc, sizeof(*r->multi));
	r->keep = xcalloc(REPAIR_TABLE, sizeof(*r->keep));
	r->table = xcalloc(REPAIR_TABLE, sizeof(*r->table));
	/* Every link of every step, at most: links are gathered per plan. */
	for (int s = 0; s < m->nr_steps; s++)
		r->alloc_links += m->steps[s].nr_causes;
	r->links = xcalloc((size_t)r->alloc_links + 1, sizeof(*r->links));
	return r;
}

void repair_free(struct repair *r)
{
	if (!r)
		return;
	free(r->pos_of);
	free(r->rc_of);
	free(r->rc);
	free(r->links);
	free(r->pos);
	free(r->mass);
	free(r->done);
	free(r->keys);
	free(r->rem);
	free(r->inv_cost);
	free(r->fail);
	free(r->cost);
	free(r->choice);
	free(r->drop);
	free(r->cost_of);
	free(r->dropped);
	free(r->multi);
	free(r->keep);
	free(r->table);
	free(r);
}

void repair_set_exact_limit(struct repair *r, int n)
{
	r->exact_limit = n < 0 ? 0 : n > ENG_EXACT_STEPS ? ENG_EXACT_STEPS : n;
}

/* The mass step fixes now: the sum over its causes of what is left of
 * each times its fix probability. */
static double step_mass(const struct repair *r, int step)
{
	const struct eng_step *s = &r->m->steps[step];
	double v = 0;

	for (int i = 0; i < s->nr_causes; i++) {
		int k = r->rc_of[s->causes[i]];

		if (k >= 0)
			v += r->rc[k].q * s->fix[i];
	}
	return v;
}

/* Exact: every order of the n candidates weighed at once. Under a single
 * fault, the probability that a set S of steps all fail does not depend
 * on the order they were tried in:
 *   fail(S) = rest + sum over causes c of q(c) * prod over s in S of keep(s, c)
 * and the best expected cost once S has failed, times fail(S), is
 *   cost(S) = min over s not in S of [ C(s) fail(S) + cost(S + s) ],
 * with cost(all) = ESCALATION fail(all). Returns cost(empty). */
static double plan_exact(struct repair *r, int n, int nr_rc, double rest,
			 int *order, double *order_p, int *nr)
{
	const struct eng_model *m = r->m;
	size_t full = ((size_t)1 << n) - 1;

	int nm = 0;
	double single = 0;

	/* A cause with one link only adds q or q * keep: summed per step
	 * (drop[i]). A cause with several keeps its running product per set,
	 * while there is room for that. */
	for (int i = 0; i < n; i++)
		r->drop[i] = 0;
	for (int k = 0; k < nr_rc; k++) {
		const struct rcause *c = &r->rc[k];

		if (c->nr == 1) {
			single += c->q;
			r->drop[r->links[c->first].pos] += c->q * (1 - r->links[c->first].keep);
		} else {
			r->multi[nm++] = k;
		}
	}
	if ((size_t)nm * (full + 1) <= REPAIR_TABLE &&
	    (size_t)nm * ENG_EXACT_STEPS <= REPAIR_TABLE) {
		for (int j = 0; j < nm; j++) {
			const struct rcause *c = &r->rc[r->multi[j]];

			for (int i = 0; i < n; i++)
				r->keep[j * ENG_EXACT_STEPS + i] = 1;
			for (int i = c->first; i < c->first + c->nr; i++)
				r->keep[j * ENG_EXACT_STEPS + r->links[i].pos] = r->links[i].keep;
			r->table[j] = c->q;
		}
		r->dropped[0] = 0;
		r->fail[0] = rest + single;
		for (int j = 0; j < nm; j++)
			r->fail[0] += r->table[j];
		for (size_t set = 1; set <= full; set++) {
			size_t prev = set & (set - 1);
			int low = __builtin_ctzll((unsigned long long)set);
			double f;

			r->dropped[set] = r->dropped[prev] + r->drop[low];
			f = rest + single - r->dropped[set];
			for (int j = 0; j < nm; j++) {
				double v = r->table[prev * (size_t)nm + (size_t)j] *
					   r->keep[j * ENG_EXACT_STEPS + low];

				r->table[set * (size_t)nm + (size_t)j] = v;
				f += v;
			}
			r->fail[set] = f;
		}
	} else {
		for (size_t set = 0; set <= full; set++) {
			double f = rest;

			for (int k = 0; k < nr_rc; k++) {
				const struct rcause *c = &r->rc[k];
				double v = c->q;

				for (int i = c->first; i < c->first + c->nr; i++)
					if (set & ((size_t)1 << r->links[i].pos))
						v *= r->links[i].keep;
				f += v;
			}
			r->fail[set] = f;
		}
	}
	for (int i = 0; i < n; i++)
		r->cost_of[i] = m->steps[r->pos[i]].cost;
	r->cost[full] = ENG_ESCALATION_COST * r->fail[full];
	for (size_t set = full; set-- > 0;) {
		double best = 0;
		int pick = -1;

		/* The steps not in set, lowest first. */
		for (size_t rem = ~set & full; rem; rem &= rem - 1) {
			int i = __builtin_ctzll((unsigned long long)rem);
			double v = r->cost_of[i] * r->fail[set] +
				   r->cost[set | ((size_t)1 << i)];

			/* Ties go to the step authored first (lowest i). */
			if (pick < 0 || v < best - 1e-12) {
				best = v;
				pick = i;
			}
		}
		r->cost[set] = best;
		r->choice[set] = (signed char)pick;
	}
	if (order) {
		size_t set = 0;

		for (int j = 0; j < n; j++) {
			int i = r->choice[set];
			size_t next = set | ((size_t)1 << i);

			order[j] = r->pos[i];
			if (order_p)
				order_p[j] = r->fail[set] > 0 ?
					(r->fail[set] - r->fail[next]) / r->fail[set] : 0;
			set = next;
		}
		*nr = n;
	}
	return r->cost[0];
}

static int by_pc(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;

	if (x->pc != y->pc)
		return x->pc > y->pc ? -1 : 1;
	return x->pos - y->pos;
}

/* When no two candidates fix the same cause, a failure leaves what every
 * other step fixes as it was (but for the common factor): the P/C order
 * is then one sort, and it is optimal (Kadane & Simon 1977; Heckerman et
 * al. 1995, under a single fault). */
static double plan_sorted(struct repair *r, int n, int *order, double *order_p,
			  int *nr)
{
	const struct eng_model *m = r->m;
	double left = 1, total = 0;

	for (int i = 0; i < n; i++) {
		r->keys[i].pc = r->mass[i] / m->steps[r->pos[i]].cost;
		r->keys[i].pos = i;
	}
	qsort(r->keys, (size_t)n, sizeof(*r->keys), by_pc);
	for (int j = 0; j < n; j++) {
		int i = r->keys[j].pos;

		total += m->steps[r->pos[i]].cost * left;
		if (order) {
			order[j] = r->pos[i];
			if (order_p)
				order_p[j] = left > 0 ? r->mass[i] / left : 0;
		}
		left -= r->mass[i];
		if (left < 0)
			left = 0;
	}
	if (order)
		*nr = n;
	return total + ENG_ESCALATION_COST * left;
}

/* The P/C rule (Kadane & Simon; Heckerman et al.): next, the step with the
 * largest P(it fixes the problem | the steps before it failed) / cost,
 * with what is left of each cause updated after each failure. */
static double plan_greedy(struct repair *r, int n, int *order, double *order_p,
			  int *nr)
{
	const struct eng_model *m = r->m;
	double left = 1, total = 0;
	int nr_rem = n;

	/* rem[0..nr_rem): the candidates not planned yet, in no order. */
	for (int i = 0; i < n; i++) {
		r->done[i] = 0;
		r->rem[i] = i;
		r->inv_cost[i] = 1 / m->steps[r->pos[i]].cost;
	}
	for (int j = 0; j < n; j++) {
		const struct eng_step *s;
		int k_best = 0, pick;
		double best = r->mass[r->rem[0]] * r->inv_cost[r->rem[0]];

		for (int k = 1; k < nr_rem; k++) {
			int i = r->rem[k];
			double v = r->mass[i] * r->inv_cost[i];

			/* Ties go to the step authored first. */
			if (v > best + 1e-15 ||
			    (v >= best - 1e-15 && i < r->rem[k_best])) {
				best = v;
				k_best = k;
			}
		}
		pick = r->rem[k_best];
		r->rem[k_best] = r->rem[--nr_rem];
		s = &m->steps[r->pos[pick]];
		r->done[pick] = 1;
		total += s->cost * left;
		if (order) {
			order[j] = r->pos[pick];
			if (order_p)
				order_p[j] = left > 0 ? r->mass[pick] / left : 0;
		}
		left -= r->mass[pick];
		if (left < 0)
			left = 0;
		/* The causes it fixes are now less likely; so is what every
		 * other step that fixes them would fix. */
		for (int i = 0; i < s->nr_causes; i++) {
			int k = r->rc_of[s->causes[i]];
			const struct eng_cause *c;
			double drop;

			if (k < 0)
				continue;
			c = &m->causes[s->causes[i]];
			drop = r->rc[k].q * s->fix[i];
			r->rc[k].q -= drop;
			for (int t = 0; t < c->nr_steps; t++) {
				int p = r->pos_of[c->steps[t]];

				if (p >= 0 && !r->done[p])
					r->mass[p] -= drop * c->fix[t];
			}
		}
	}
	if (order)
		*nr = n;
	return total + ENG_ESCALATION_COST * left;
}

double repair_plan(struct repair *r, const double *p, const int *cand, int n,
		   int *order, double *order_p, int *nr)
{
	const struct eng_model *m = r->m;
	int kept = 0, nr_rc = 0, shared = 0;
	double fixable = 0, ecr;

	if (nr)
		*nr = 0;
	/* The causes the candidates fix, with what is left of each. */
	for (int i = 0; i < n; i++) {
		const struct eng_step *s = &m->steps[cand[i]];

		for (int j = 0; j < s->nr_causes; j++) {
			int c = s->causes[j];

			if (p[c] <= 0 || r->rc_of[c] >= 0)
				continue;
			r->rc_of[c] = nr_rc;
			r->rc[nr_rc].cause = c;
			r->rc[nr_rc].q = p[c];
			r->rc[nr_rc].nr = 0;
			fixable += p[c];
			nr_rc++;
		}
	}
	/* The candidates with a chance to fix it. */
	for (int i = 0; i < n; i++) {
		double v = step_mass(r, cand[i]);

		if (v > 0) {
			r->mass[kept] = v;
			r->pos[kept] = cand[i];
			r->pos_of[cand[i]] = kept++;
		}
	}
	/* Each cause's links to the candidates, by position. */
	r->nr_links = 0;
	for (int k = 0; k < nr_rc; k++) {
		const struct eng_cause *c = &m->causes[r->rc[k].cause];

		r->rc[k].first = r->nr_links;
		for (int t = 0; t < c->nr_steps; t++) {
			int ps = r->pos_of[c->steps[t]];

			if (ps < 0)
				continue;
			r->links[r->nr_links].pos = ps;
			r->links[r->nr_links++].keep = 1 - c->fix[t];
			r->rc[k].nr++;
		}
		shared |= r->rc[k].nr > 1;
	}
	if (!shared)
		ecr = plan_sorted(r, kept, order, order_p, nr);
	else if (kept <= r->exact_limit)
		ecr = plan_exact(r, kept, nr_rc, 1 - fixable, order, order_p, nr);
	else
		ecr = plan_greedy(r, kept, order, order_p, nr);
	/* Leave the maps as they were found: -1 everywhere. */
	for (int i = 0; i < kept; i++)
		r->pos_of[r->pos[i]] = -1;
	for (int k = 0; k < nr_rc; k++)
		r->rc_of[r->rc[k].cause] = -1;
	return ecr;
}
