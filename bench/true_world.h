/* true_world: the feedback loop measured (bench/simulate --true-world):
 * users whose world is not the one the authors described, their sessions
 * recorded as outcome events in a real events store (SQLite), clew
 * learn's estimates from those, the KB compiled again with them, and the
 * same kind of users served by the learned KB.
 *
 * The true world, per problem: the causes in the order the author listed
 * them, the k-th (from 0) with weight 3^k (so the cause the author put
 * last is really the most common, each 3 times as common as the one
 * listed before it), and each
 * cause's first step fixing it half as often as the author said (the
 * others as said). 5 % of sessions are a cause the KB does not list
 * (never fixed), as the engine assumes. The problem is drawn uniformly
 * among those with causes; the rest of a user (answers, platform) is
 * drawn as bench/simulate's users are (truthful answers, no slips).
 *
 * Round 1: SESSIONS users on the authored KB; each ending is recorded as
 * the wizard records it (answers given, steps tried, the fixing step) in
 * an events file. clew learn (learn.h, default settings) reads the file
 * and writes the learned file; the KB is compiled again with --learned.
 * Round 2: SESSIONS fresh users (another seed), each served by both KBs
 * (the same user, answers and working steps for both).
 *
 * Prints, per KB: the mean cost to a fix (minutes of questions and steps,
 * over sessions fixed), the mean cost per session (escalation included)
 * and the share fixed; the change; and, for reference, the same users
 * served by the KB with the true world's own values (the best any
 * learning could do). Then the order of the causes, true against learned
 * (by learned prior, scope "all"): per problem, whether the most common
 * is learned as the most common, and the share of pairs of causes in the
 * true order, among the pairs the sessions can tell apart: causes each
 * truly fixed in at least 5 of round 1's sessions (below that, the
 * prior's pseudo-counts and bound decide) and no step that fixes both
 * (what fixed a session cannot tell those apart, and the order between
 * them changes no plan: the same step is tried for either), with the
 * pairs not in order listed; kb/'s problems also in full.
 * Then the bound: 10,000 identical outcomes (as one client could send)
 * learned alone, and the largest move of any prior and fix rate against
 * its bound. Figures only; asserts nothing about time. */
#ifndef CLEW_BENCH_TRUE_WORLD_H
#define CLEW_BENCH_TRUE_WORLD_H

#include "../server/compiler/learned.h"
#include "../server/events/event.h"
#include "../server/events/store.h"
#include "../server/learn/learn.h"

struct world {
	const struct eng_model *m;   /* the authored model (indices) */
	double *prior;               /* per cause: true weight */
	double *fix;                 /* per cause, per its i-th step: true P */
	int *fix_start;
	int *problems;               /* articles with causes */
	int nr_problems;
	int *fixed;                  /* per cause: round 1's sessions of it fixed */
};

static void world_init(struct world *w, const struct eng_model *m)
{
	int links = 0;

	memset(w, 0, sizeof(*w));
	w->m = m;
	w->prior = xcalloc((size_t)m->nr_causes + 1, sizeof(double));
	w->fix_start = xcalloc((size_t)m->nr_causes + 1, sizeof(int));
	for (int c = 0; c < m->nr_causes; c++) {
		w->fix_start[c] = links;
		links += m->causes[c].nr_steps;
	}
	w->fix = xcalloc((size_t)links + 1, sizeof(double));
	w->problems = xcalloc((size_t)m->nr_articles + 1, sizeof(int));
	w->fixed = xcalloc((size_t)m->nr_causes + 1, sizeof(int));
	for (int a = 0; a < m->nr_articles; a++) {
		int first = m->article_start[a], n = m->article_start[a + 1] - first;

		if (n > 0)
			w->problems[w->nr_problems++] = a;
		for (int k = 0; k < n; k++) {
			int c = m->by_article[first + k];

			w->prior[c] = pow(3, k);
			for (int i = 0; i < m->causes[c].nr_steps; i++)
				w->fix[w->fix_start[c] + i] = m->causes[c].fix[i] * (i == 0 ? 0.5 : 1);
		}
	}
}

static void world_release(struct world *w)
{
	free(w->prior);
	free(w->fix);
	free(w->fix_start);
	free(w->problems);
	free(w->fixed);
}

/* A user of the true world, into s->u (answers for every question). */
static void world_user(struct world *w, struct sim *s, struct rng *r)
{
	const struct eng_model *m = w->m;
	struct user *u = &s->u;
	int a = w->problems[rng_below(r, w->nr_problems)];
	int first = m->article_start[a], last = m->article_start[a + 1], platform;
	double total = 0, x;

	for (int k = first; k < last; k++)
		total += w->prior[m->by_article[k]];
	x = rng_unit(r) * total;
	u->cause = m->by_article[last - 1];
	for (int k = first; k < last; k++) {
		x -= w->prior[m->by_article[k]];
		if (x < 0) {
			u->cause = m->by_article[k];
			break;
		}
	}
	u->article = a;
	if (rng_unit(r) < ENG_LEAK)
		u->cause = -1;
	platform = u->cause >= 0 ? m->causes[u->cause].platform : -1;
	for (int q = 0; q < m->nr_questions; q++) {
		int n = m->questions[q].nr_options;

		if (q == m->q_problem)
			u->answer[q] = a;
		else if (q == m->q_platform)
			u->answer[q] = platform;
		else if (n == 0)
			u->answer[q] = ENG_UNKNOWN;
		else
			u->answer[q] = draw_answer(r, u->cause >= 0 ? mask_of(m, u->cause, q) : 0,
						   n, 0);
	}
	if (platform < 0)
		draw_platform(m, u, r);
	for (int i = 0; i < m->nr_steps; i++)
		u->works[i] = 0;
	if (u->cause >= 0)
		for (int i = 0; i < m->causes[u->cause].nr_steps; i++)
			u->works[m->causes[u->cause].steps[i]] =
				rng_unit(r) < w->fix[w->fix_start[u->cause] + i];
}

/* The outcome event of the session s just ran, as the wizard records it:
 * the answers given (asked, or the problem's platform), the steps tried
 * in order (s->order), the fixing step. */
static struct ev_event *world_event(const struct sim *s, const struct session *se,
				    int64_t at)
{
	const struct eng_model *m = s->m;
	struct ev_event *e = ev_event_new(EV_OUTCOME);
	struct sbuf answers = SBUF_INIT, tried = SBUF_INIT, sid = SBUF_INIT;

	for (int q = 0; q < m->nr_questions; q++) {
		int v = s->answers[q];

		if (q == m->q_problem || v == ENG_UNANSWERED)
			continue;
		sbuf_addf(&answers, "%s%s=%s", answers.len ? "&" : "", m->questions[q].id,
			  v == ENG_UNKNOWN ? "unknown" : m->questions[q].options[v].value);
	}
	for (int i = 0; i < s->nr_order; i++)
		sbuf_addf(&tried, "%s%s:%s", i ? "," : "", m->steps[s->order[i]].id,
			  s->tried[s->order[i]] == ENG_FIXED ? "fixed" : "failed");
	ev_session_new(&sid);
	e->at_ms = at;
	ev_event_set(&e->kb, "bench");
	ev_event_set(&e->session, sid.buf);
	ev_event_set(&e->article, m->articles[s->u.article].slug);
	ev_event_set(&e->answers, answers.buf);
	ev_event_set(&e->tried, tried.buf);
	ev_event_set(&e->result, se->fixed ? "fixed" : "not_fixed");
	if (se->fixed)
		ev_event_set(&e->step, m->steps[s->order[s->nr_order - 1]].id);
	sbuf_release(&answers);
	sbuf_release(&tried);
	sbuf_release(&sid);
	return e;
}

struct world_tally {
	long n, fixed;
	double cost, cost_fixed;
};

static void world_tally_add(struct world_tally *t, const struct session *se)
{
	t->n++;
	t->cost += se->cost;
	if (se->fixed) {
		t->fixed++;
		t->cost_fixed += se->cost;
	}
}

static struct eng_model *world_compile_kb(const char *kb_dir, const char *db,
					  const char *learned);

/* The model of a run: kb_dir compiled (with learned, when not NULL) into
 * db and loaded; or, with no kb_dir, bench/engine's synthetic KB, with
 * the learned file's values applied as the loader would. */
static struct eng_model *world_compile(const char *kb_dir, const char *db,
				       const char *learned)
{
	if (!kb_dir) {
		unsigned long rng = 42;
		struct eng_model *m = synth_model_new(&rng, 1000, 100, 300);
		struct kb_learned_list list = { 0 };
		struct eng_learned *rows;
		struct diag d = DIAG_INIT;
		uint64_t h;
		size_t n = 0;

		if (!learned)
			return m;
		if (learned_read(learned, &list, &h, &d)) {
			diag_print(&d, stderr);
			diag_release(&d);
			eng_model_free(m);
			return NULL;
		}
		rows = xcalloc(list.nr + 1, sizeof(*rows));
		for (size_t i = 0; i < list.nr; i++) {
			const struct kb_learned *x = &list.items[i];
			int a = eng_model_option(m, m->q_problem, x->article);
			int c = a >= 0 ? eng_model_cause(m, a, x->cause) : -1;
			int st = a >= 0 && *x->solution ? eng_model_step(m, a, x->solution) : -1;
			int p = *x->platform ? eng_model_option(m, m->q_platform, x->platform) : -1;

			if (c < 0 || (*x->solution && st < 0) || (*x->platform && p < 0))
				continue;
			rows[n++] = (struct eng_learned){ c, st, p, x->value, x->sessions };
		}
		eng_model_apply_learned(m, rows, n);
		free(rows);
		kb_learned_list_release(&list);
		diag_release(&d);
		return m;
	}
	return world_compile_kb(kb_dir, db, learned);
}

static struct eng_model *world_compile_kb(const char *kb_dir, const char *db,
					  const char *learned)
{
	struct compile_opts opts = { db, 0, 0, NULL, learned, 0, NULL };
	struct diag d = DIAG_INIT;
	struct eng_model *m = NULL;
	struct store *st;
	char *err = NULL;

	if (compile_run(&kb_dir, 1, &opts, &d, NULL)) {
		diag_print(&d, stderr);
		diag_release(&d);
		return NULL;
	}
	diag_release(&d);
	st = store_open(db, &err);
	if (st)
		m = store_load_model(st);
	if (!m)
		fprintf(stderr, "simulate: %s\n", err ? err : store_errmsg(st));
	store_free(st);
	free(err);
	return m;
}

/* 1 when a step fixes both causes: then what fixed a session does not
 * tell them apart, nor need it (the same step is tried for either). */
static int world_share_step(const struct eng_model *m, int a, int b)
{
	for (int i = 0; i < m->causes[a].nr_steps; i++)
		for (int j = 0; j < m->causes[b].nr_steps; j++)
			if (m->causes[a].steps[i] == m->causes[b].steps[j])
				return 1;
	return 0;
}

/* The cause that shares a step with c and that clew learn credited with
 * the most sessions beyond its true ones (round 1's, fixed); -1: none. */
static int world_taker(const struct world *w, const struct learn *l, int c)
{
	const struct eng_model *m = w->m;
	int a = m->causes[c].article, best = -1;
	double most = 0;

	for (int k = m->article_start[a]; k < m->article_start[a + 1]; k++) {
		int o = m->by_article[k];
		double extra = learn_cause_sessions(l, o) - w->fixed[o];

		if (o != c && world_share_step(m, o, c) && extra > most) {
			most = extra;
			best = o;
		}
	}
	return best;
}

static int world_learn_event(const struct ev_event *e, void *ctx)
{
	learn_add(ctx, e);
	return 0;
}

/* The largest move of any learned value, as a share of its bound: the
 * prior's factor in log terms, the fix rate's shift in log-odds. */
static double world_bound_use(const struct kb_learned_list *l, const struct learn_opts *o)
{
	double worst = 0;

	for (size_t i = 0; i < l->nr; i++) {
		const struct kb_learned *x = &l->items[i];
		double use;

		double lo = *x->solution ? 0.01 : 1e-9;
		double a = x->authored < lo ? lo : x->authored > 1 - lo ? 1 - lo : x->authored;

		use = fabs(log(x->value / (1 - x->value)) - log(a / (1 - a))) /
		      (*x->solution ? o->max_fix_shift : o->max_prior_shift);
		if (use > worst)
			worst = use;
	}
	return worst;
}

/* One KB's run (kb_dir NULL: the synthetic KB), named name. */
static int true_world_run(const char *name, const char *kb_dir, long sessions, uint64_t seed)
{
	char tmpl[] = "/tmp/clew-world-XXXXXX";
	struct sbuf db0 = SBUF_INIT, db1 = SBUF_INIT, evp = SBUF_INIT, lp = SBUF_INIT;
	struct sbuf text = SBUF_INIT, err = SBUF_INIT;
	struct eng_model *m0 = NULL, *m1 = NULL;
	struct ev_store *ev = NULL;
	struct learn *l = NULL;
	struct learn_opts lo;
	struct world w;
	struct sim s0, s1;
	struct world_tally before = { 0 }, after = { 0 }, rec = { 0 }, best = { 0 };
	long pairs = 0, pairs_ok = 0;
	struct sbuf wrong = SBUF_INIT;
	char line[256];
	int tops = 0, tops_same_step = 0;
	struct eng_model *mo = NULL;
	struct sim so;
	struct ev_event **batch = NULL;
	int ret = 1, inited = 0, matched = 0, problems = 0;
	size_t nb = 0;
	double t0 = bench_now();
	int64_t now;

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	sbuf_addf(&db0, "%s/kb.sqlite", tmpl);
	sbuf_addf(&db1, "%s/kb-learned.sqlite", tmpl);
	sbuf_addf(&evp, "%s/events.sqlite", tmpl);
	sbuf_addf(&lp, "%s/learned.yaml", tmpl);
	if (!(m0 = world_compile(kb_dir, db0.buf, NULL)))
		goto cleanup;
	world_init(&w, m0);
	sim_init(&s0, m0, 0);
	inited = 1;
	batch = xcalloc(500, sizeof(*batch));
	ev = ev_store_open(evp.buf, &err);
	if (!ev)
		goto fail;
	learn_opts_default(&lo);
	now = lo.now_ms;

	/* Round 1: the authored KB meets the true world; outcomes recorded. */
	for (long n = 0; n < sessions; n++) {
		struct rng r = { seed * 1000003 + (uint64_t)n };
		struct session se;

		world_user(&w, &s0, &r);
		if (run_loop(&s0, n, &se))
			goto cleanup;
		world_tally_add(&rec, &se);
		if (s0.u.cause >= 0 && se.fixed)
			w.fixed[s0.u.cause]++;
		batch[nb++] = world_event(&s0, &se, now - (sessions - n) * 1000);
		if (nb == 500 || n == sessions - 1) {
			if (ev_store_write(ev, batch, nb, &err) < 0)
				goto fail;
			for (size_t i = 0; i < nb; i++)
				ev_event_free(batch[i]);
			nb = 0;
		}
	}
	/* clew learn, as the command does it. */
	l = learn_new(m0, "bench", &lo);
	if (ev_store_scan(ev, 0, world_learn_event, l, &err) < 0)
		goto fail;
	learn_write(l, &text);
	{
		FILE *f = fopen(lp.buf, "w");

		if (!f || fwrite(text.buf, 1, text.len, f) != text.len || fclose(f)) {
			perror(lp.buf);
			goto cleanup;
		}
	}
	if (!(m1 = world_compile(kb_dir, db1.buf, lp.buf)))
		goto cleanup;
	sim_init(&s1, m1, 0);
	/* The true world's own values: the best any learning could reach. */
	mo = eng_model_clone(m0, 1);
	for (int c = 0; c < mo->nr_causes; c++) {
		eng_model_set_learned_prior(mo, c, -1, w.prior[c], 0);
		for (int i = 0; i < mo->causes[c].nr_steps; i++)
			eng_model_set_fix(mo, c, mo->causes[c].steps[i], w.fix[w.fix_start[c] + i]);
	}
	sim_init(&so, mo, 0);
	inited = 3;

	/* Round 2: fresh users, each served by both KBs. */
	for (long n = 0; n < sessions; n++) {
		struct rng r0 = { (seed + 7919) * 1000003 + (uint64_t)n }, r1 = r0;
		struct session se;

		struct rng r2 = r0;

		world_user(&w, &s0, &r0);
		world_user(&w, &s1, &r1);
		world_user(&w, &so, &r2);
		if (run_loop(&s0, n, &se))
			goto cleanup;
		world_tally_add(&before, &se);
		if (run_loop(&s1, n, &se))
			goto cleanup;
		world_tally_add(&after, &se);
		if (run_loop(&so, n, &se))
			goto cleanup;
		world_tally_add(&best, &se);
	}

	printf("\n== true world on %s (the author's last cause is the most common,\n"
	       "   each cause 3 times as common as the one listed before it; each\n"
	       "   cause's first step fixes half as often as said) ==\n", name);
	printf("%ld sessions recorded (%ld fixed) into an SQLite events store; clew learn\n"
	       "used %.0f; the KB %s with the learned file; %ld fresh sessions\n"
	       "served by each KB:\n\n", sessions, rec.fixed, learn_sessions(l),
	       kb_dir ? "compiled again" : "built again", sessions);
	printf("  %-34s %12s %12s %9s %12s\n", "", "authored KB", "learned KB", "change",
	       "true values");
	printf("  %-34s %12.2f %12.2f %8.1f%% %12.2f\n", "mean cost to a fix (minutes)",
	       before.cost_fixed / (double)before.fixed, after.cost_fixed / (double)after.fixed,
	       100 * (after.cost_fixed / (double)after.fixed /
		      (before.cost_fixed / (double)before.fixed) - 1),
	       best.cost_fixed / (double)best.fixed);
	printf("  %-34s %12.2f %12.2f %8.1f%% %12.2f\n", "mean cost a session (minutes)",
	       before.cost / (double)before.n, after.cost / (double)after.n,
	       100 * (after.cost / (double)after.n / (before.cost / (double)before.n) - 1),
	       best.cost / (double)best.n);
	printf("  %-34s %11.1f%% %11.1f%% %9s %11.1f%%\n", "sessions fixed",
	       100.0 * (double)before.fixed / (double)before.n,
	       100.0 * (double)after.fixed / (double)after.n, "",
	       100.0 * (double)best.fixed / (double)best.n);

	printf("\n  Causes per problem, most common first: true order / learned order\n");
	for (int p = 0; p < w.nr_problems; p++) {
		int a = w.problems[p], first = m0->article_start[a], last = m0->article_start[a + 1];
		int n = last - first, same = 1;
		int *learned = xcalloc((size_t)n, sizeof(int));

		/* Learned order: by learned prior (scope all), stable. */
		for (int k = 0; k < n; k++)
			learned[k] = m1->by_article[first + k];
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && m1->causes[learned[j]].prior >
						 m1->causes[learned[j - 1]].prior; j--) {
				int t = learned[j];

				learned[j] = learned[j - 1];
				learned[j - 1] = t;
			}
		for (int k = 0; k < n; k++)
			same &= m0->by_article[last - 1 - k] == learned[k];
		tops += learned[0] == m0->by_article[last - 1];
		/* Where not: a cause fixed by the same step (the plan is the
		 * same), or not. */
		tops_same_step += learned[0] != m0->by_article[last - 1] &&
				  world_share_step(m0, learned[0], m0->by_article[last - 1]);
		/* Pairs of causes each fixed in 5 sessions or more in round 1
		 * (the true causes of those sessions), no step fixing both: the
		 * one the true world makes commoner has the larger learned
		 * prior. Those not are listed with the cause that shares a
		 * step with the commoner and was credited its sessions. */
		for (int i = first; i < last; i++)
			for (int j = i + 1; j < last; j++) {
				int ci = m0->by_article[i], cj = m0->by_article[j], t;

				if (w.fixed[ci] < 5 || w.fixed[cj] < 5 || world_share_step(m0, ci, cj))
					continue;
				pairs++;
				if (m1->causes[cj].prior > m1->causes[ci].prior) {
					pairs_ok++;
					continue;
				}
				t = world_taker(&w, l, cj);
				snprintf(line, sizeof(line), "    %s (%d fixed, credited %.0f) after %s "
					 "(%d, %.0f)", m0->causes[cj].id, w.fixed[cj],
					 learn_cause_sessions(l, cj), m0->causes[ci].id, w.fixed[ci],
					 learn_cause_sessions(l, ci));
				sbuf_adds(&wrong, line);
				if (t >= 0) {
					snprintf(line, sizeof(line), ": %s, fixed by a step of %s, was credited "
						 "%.0f (%d fixed)", m0->causes[t].id, m0->causes[cj].id,
						 learn_cause_sessions(l, t), w.fixed[t]);
					sbuf_adds(&wrong, line);
				}
				sbuf_addch(&wrong, '\n');
			}
		/* kb/'s few problems in full; the synthetic KB's by count. */
		if (kb_dir) {
			printf("  %s:\n", m0->articles[a].slug);
			for (int k = 0; k < n; k++)
				printf("    %d. %-32s %-32s\n", k + 1,
				       m0->causes[m0->by_article[last - 1 - k]].id,
				       m1->causes[learned[k]].id);
			printf("    %s\n", same ? "same order" : "order differs");
		}
		matched += same;
		problems++;
		free(learned);
	}
	printf("  the most common cause learned as the most common: %d of %d problems;\n"
	       "  in %d of the %d others, a cause fixed by the same step as it\n"
	       "  pairs of causes the sessions tell apart (each fixed in 5+ sessions,\n"
	       "  no step fixes both) in the true order: %ld of %ld\n%s"
	       "  the whole order the same: %d of %d problems\n",
	       tops, problems, tops_same_step, problems - tops, pairs_ok, pairs,
	       wrong.len ? wrong.buf : "", matched, problems);

	/* The bound: 10,000 identical outcomes, learned alone. */
	{
		struct learn *flood = learn_new(m0, "bench", &lo);
		struct kb_learned_list list = { 0 };
		struct sbuf yaml = SBUF_INIT;
		struct diag d = DIAG_INIT;
		struct session se;
		struct rng r = { seed };
		uint64_t h;
		FILE *f;

		/* One session of the last problem's rarest authored-listed
		 * cause, fixed, sent 10,000 times. */
		do {
			world_user(&w, &s0, &r);
			if (run_loop(&s0, 0, &se))
				goto cleanup;
		} while (!se.fixed);
		{
			struct ev_event *e = world_event(&s0, &se, now);

			for (int i = 0; i < 10000; i++)
				learn_add(flood, e);
			ev_event_free(e);
		}
		learn_write(flood, &yaml);
		f = fopen(lp.buf, "w");
		if (!f || fwrite(yaml.buf, 1, yaml.len, f) != yaml.len || fclose(f)) {
			perror(lp.buf);
			goto cleanup;
		}
		if (learned_read(lp.buf, &list, &h, &d) == 0)
			printf("\n  10,000 identical outcomes (%s fixed by %s): the largest move of "
			       "any value is %.0f%% of its bound (priors: %g log-odds; fix rates: "
			       "%g log-odds)\n", s0.m->articles[s0.u.article].slug,
			       s0.m->steps[s0.order[s0.nr_order - 1]].id, 100 * world_bound_use(&list, &lo),
			       lo.max_prior_shift, lo.max_fix_shift);
		else
			diag_print(&d, stderr);
		kb_learned_list_release(&list);
		diag_release(&d);
		sbuf_release(&yaml);
		learn_free(flood);
	}
	printf("  (%.1f s in all)\n", bench_now() - t0);
	ret = 0;
	goto cleanup;
fail:
	fprintf(stderr, "simulate: %s\n", err.buf);
cleanup:
	for (size_t i = 0; i < nb; i++)
		ev_event_free(batch[i]);
	free(batch);
	if (inited >= 3)
		sim_release(&so);
	if (inited >= 2)
		sim_release(&s1);
	eng_model_free(mo);
	if (inited >= 1) {
		sim_release(&s0);
		world_release(&w);
	}
	learn_free(l);
	ev_store_free(ev);
	eng_model_free(m0);
	eng_model_free(m1);
	unlink(db0.buf);
	unlink(db1.buf);
	unlink(evp.buf);
	{
		struct sbuf p = SBUF_INIT;

		sbuf_addf(&p, "%s-wal", evp.buf);
		unlink(p.buf);
		sbuf_reset(&p);
		sbuf_addf(&p, "%s-shm", evp.buf);
		unlink(p.buf);
		sbuf_release(&p);
	}
	unlink(lp.buf);
	rmdir(tmpl);
	sbuf_release(&db0);
	sbuf_release(&db1);
	sbuf_release(&evp);
	sbuf_release(&lp);
	sbuf_release(&text);
	sbuf_release(&err);
	sbuf_release(&wrong);
	return ret;
}

#endif
