/* model: the knowledge base in compact in-memory arrays. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

/* Conditions are gathered as triples, then laid out by eng_model_finish. */
struct pending {
	int cause;
	int q;
	int value;
};

struct eng_model_build {
	struct pending *items;
	size_t nr, alloc;
	size_t alloc_questions, alloc_articles, alloc_causes, alloc_steps;
};

/* The builder state hangs off the model until finish; kept out of the
 * public struct so readers never see it. */
struct model_with_build {
	struct eng_model m;
	struct eng_model_build b;
};

static struct eng_model_build *build_of(struct eng_model *m)
{
	return &((struct model_with_build *)m)->b;
}

struct eng_model *eng_model_new(void)
{
	struct model_with_build *mb = xcalloc(1, sizeof(*mb));

	mb->m.q_problem = -1;
	mb->m.q_platform = -1;
	return &mb->m;
}

int eng_model_add_question(struct eng_model *m, const char *id,
			   const char *text, const char *help)
{
	struct eng_model_build *b = build_of(m);
	struct eng_question *q;

	ALLOC_GROW(m->questions, (size_t)m->nr_questions + 1, b->alloc_questions);
	q = &m->questions[m->nr_questions];
	memset(q, 0, sizeof(*q));
	q->id = xstrdup(id);
	q->text = xstrdup(text);
	q->help = xstrdup(help ? help : "");
	if (!strcmp(id, "problem"))
		m->q_problem = m->nr_questions;
	if (!strcmp(id, "platform"))
		m->q_platform = m->nr_questions;
	return m->nr_questions++;
}

int eng_model_add_option(struct eng_model *m, int q, const char *value,
			 const char *label)
{
	struct eng_question *qu = &m->questions[q];

	if (qu->nr_options >= ENG_MAX_OPTIONS && q != m->q_problem)
		return -1;
	qu->options = xrealloc(qu->options,
			       ((size_t)qu->nr_options + 1) * sizeof(*qu->options));
	qu->options[qu->nr_options].value = xstrdup(value);
	qu->options[qu->nr_options].label = xstrdup(label);
	qu->nr_options++;
	return 0;
}

int eng_model_add_article(struct eng_model *m, const char *slug,
			  const char *title)
{
	struct eng_model_build *b = build_of(m);

	ALLOC_GROW(m->articles, (size_t)m->nr_articles + 1, b->alloc_articles);
	m->articles[m->nr_articles].slug = xstrdup(slug);
	m->articles[m->nr_articles].title = xstrdup(title);
	m->articles[m->nr_articles].lang = NULL;
	m->articles[m->nr_articles].escalation = xstrdup("");
	return m->nr_articles++;
}

void eng_model_set_escalation(struct eng_model *m, int article,
			      const char *html)
{
	free(m->articles[article].escalation);
	m->articles[article].escalation = xstrdup(html ? html : "");
}

void eng_model_set_article_lang(struct eng_model *m, int article,
				const char *lang)
{
	free(m->articles[article].lang);
	m->articles[article].lang = lang && *lang ? xstrdup(lang) : NULL;
}

int eng_model_add_cause(struct eng_model *m, int article, const char *id,
			const char *title, const char *platform, double prior)
{
	struct eng_model_build *b = build_of(m);
	struct eng_cause *c;

	ALLOC_GROW(m->causes, (size_t)m->nr_causes + 1, b->alloc_causes);
	c = &m->causes[m->nr_causes];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	c->title = xstrdup(title);
	c->article = article;
	c->platform = platform && m->q_platform >= 0 ?
		eng_model_option(m, m->q_platform, platform) : -1;
	c->prior = prior;
	return m->nr_causes++;
}

int eng_model_add_step(struct eng_model *m, int article, const char *id,
		       const char *title, const char *html, const char *platform,
		       double cost)
{
	struct eng_model_build *b = build_of(m);
	struct eng_step *s;

	ALLOC_GROW(m->steps, (size_t)m->nr_steps + 1, b->alloc_steps);
	s = &m->steps[m->nr_steps];
	memset(s, 0, sizeof(*s));
	s->id = xstrdup(id);
	s->title = xstrdup(title);
	s->html = xstrdup(html);
	s->article = article;
	s->platform = platform && m->q_platform >= 0 ?
		eng_model_option(m, m->q_platform, platform) : -1;
	s->cost = cost > 0 ? cost : 1;
	return m->nr_steps++;
}

/* Appends (item, fix) to the parallel arrays items and fixes. */
static void add_link(int **items, double **fixes, int *nr, int *alloc, int item,
		     double fix)
{
	if (*nr == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 4;
		*items = xrealloc(*items, (size_t)*alloc * sizeof(**items));
		*fixes = xrealloc(*fixes, (size_t)*alloc * sizeof(**fixes));
	}
	(*items)[*nr] = item;
	(*fixes)[(*nr)++] = fix;
}

void eng_model_link(struct eng_model *m, int cause, int step, double fix)
{
	struct eng_cause *c = &m->causes[cause];
	struct eng_step *s = &m->steps[step];

	for (int i = 0; i < c->nr_steps; i++)
		if (c->steps[i] == step)
			return;
	if (fix > 1)
		fix = 1;
	if (!(fix > 0))
		fix = 1e-6;
	add_link(&c->steps, &c->fix, &c->nr_steps, &c->alloc_steps, step, fix);
	add_link(&s->causes, &s->fix, &s->nr_causes, &s->alloc_causes, cause, fix);
}

void eng_model_set_learned_prior(struct eng_model *m, int cause, int platform,
				 double prior, double sessions)
{
	struct eng_cause *c = &m->causes[cause];
	int n = m->q_platform >= 0 ? m->questions[m->q_platform].nr_options : 0;

	if (!(prior > 0))
		return;
	if (platform < 0) {
		c->prior = prior;
		c->sessions = sessions;
		return;
	}
	if (platform >= n)
		return;
	if (!c->platform_prior) {
		c->platform_prior = xmalloc((size_t)n * sizeof(double));
		for (int i = 0; i < n; i++)
			c->platform_prior[i] = NAN;
	}
	c->platform_prior[platform] = prior;
}

int eng_model_set_fix(struct eng_model *m, int cause, int step, double fix)
{
	struct eng_cause *c = &m->causes[cause];
	struct eng_step *s = &m->steps[step];
	int found = -1;

	if (!(fix > 0) || fix > 1)
		return -1;
	for (int i = 0; i < c->nr_steps; i++)
		if (c->steps[i] == step) {
			c->fix[i] = fix;
			found = 0;
		}
	for (int i = 0; i < s->nr_causes; i++)
		if (s->causes[i] == cause)
			s->fix[i] = fix;
	return found;
}

struct eng_model *eng_model_clone(const struct eng_model *m, int steps)
{
	struct eng_model *t = eng_model_new();
	const struct eng_question *pq = &m->questions[m->q_platform];

	for (int q = 0; q < m->nr_questions; q++) {
		const struct eng_question *qu = &m->questions[q];

		eng_model_add_question(t, qu->id, qu->text, qu->help);
		/* 'problem''s options are the articles, added below. */
		for (int o = 0; q != m->q_problem && o < qu->nr_options; o++)
			eng_model_add_option(t, q, qu->options[o].value, qu->options[o].label);
	}
	for (int a = 0; a < m->nr_articles; a++) {
		const struct eng_article *ar = &m->articles[a];

		eng_model_add_article(t, ar->slug, ar->title);
		eng_model_add_option(t, t->q_problem, ar->slug, ar->title);
		eng_model_set_article_lang(t, a, ar->lang);
		eng_model_set_escalation(t, a, ar->escalation);
	}
	for (int q = 0; q < m->nr_questions; q++) {
		const struct eng_question *qu = &m->questions[q];

		for (int i = 0; i < qu->nr_applies; i++) {
			const struct eng_question *on = &m->questions[qu->applies[i].q];

			for (int v = 0; v < on->nr_options && v < ENG_MAX_OPTIONS; v++)
				if (qu->applies[i].mask & (UINT64_C(1) << v))
					eng_model_add_applies(t, q, on->id, on->options[v].value);
		}
	}
	for (int c = 0; c < m->nr_causes; c++) {
		const struct eng_cause *ca = &m->causes[c];
		int ci = eng_model_add_cause(t, ca->article, ca->id, ca->title,
					     ca->platform >= 0 ? pq->options[ca->platform].value : NULL,
					     ca->prior);

		t->causes[ci].check = ca->check;
		for (int q = 0; q < m->nr_questions; q++) {
			uint64_t mask = m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q];

			for (int v = 0; v < m->questions[q].nr_options && v < ENG_MAX_OPTIONS; v++)
				if (mask & (UINT64_C(1) << v))
					eng_model_add_condition(t, ci, m->questions[q].id,
								m->questions[q].options[v].value);
		}
	}
	for (int s = 0; steps && s < m->nr_steps; s++) {
		const struct eng_step *st = &m->steps[s];

		eng_model_add_step(t, st->article, st->id, st->title, st->html,
				   st->platform >= 0 ? pq->options[st->platform].value : NULL,
				   st->cost);
	}
	eng_model_finish(t);
	for (int c = 0; c < m->nr_causes; c++) {
		const struct eng_cause *ca = &m->causes[c];

		for (int i = 0; steps && i < ca->nr_steps; i++)
			eng_model_link(t, c, ca->steps[i], ca->fix[i]);
		t->causes[c].sessions = ca->sessions;
		if (ca->platform_prior) {
			size_t n = (size_t)pq->nr_options;

			t->causes[c].platform_prior = xmalloc(n * sizeof(double));
			memcpy(t->causes[c].platform_prior, ca->platform_prior, n * sizeof(double));
		}
	}
	return t;
}

/* The sum of the prior weights of article's causes in scope of platform
 * option p (-1: all of them). */
static double prior_sum(const struct eng_model *m, int article, int p)
{
	double sum = 0;

	for (int k = m->article_start[article]; k < m->article_start[article + 1]; k++) {
		const struct eng_cause *c = &m->causes[m->by_article[k]];

		if (p < 0 || c->platform < 0 || c->platform == p)
			sum += c->prior;
	}
	return sum;
}

void eng_model_apply_learned(struct eng_model *m, const struct eng_learned *l, size_t n)
{
	int np = m->questions[m->q_platform].nr_options;
	/* sums[a * (np + 1) + p + 1]: article a's authored sum in scope p. */
	double *sums = xcalloc((size_t)m->nr_articles * (size_t)(np + 1) + 1, sizeof(*sums));

	for (int a = 0; a < m->nr_articles; a++)
		for (int p = -1; p < np; p++)
			sums[(size_t)a * (size_t)(np + 1) + (size_t)(p + 1)] = prior_sum(m, a, p);
	for (size_t i = 0; i < n; i++) {
		const struct eng_learned *r = &l[i];
		int a;

		if (r->cause < 0 || r->cause >= m->nr_causes || r->platform >= np)
			continue;
		a = m->causes[r->cause].article;
		if (r->step >= 0)
			eng_model_set_fix(m, r->cause, r->step, r->value);
		else
			eng_model_set_learned_prior(m, r->cause, r->platform, r->value *
				sums[(size_t)a * (size_t)(np + 1) + (size_t)(r->platform + 1)],
				r->sessions);
	}
	free(sums);
}

double eng_cause_prior(const struct eng_model *m, int cause, int platform)
{
	const struct eng_cause *c = &m->causes[cause];

	if (platform >= 0 && c->platform_prior && !isnan(c->platform_prior[platform]))
		return c->platform_prior[platform];
	return c->prior;
}

int eng_model_add_condition(struct eng_model *m, int cause, const char *q,
			    const char *value)
{
	struct eng_model_build *b = build_of(m);
	int qi = eng_model_question(m, q);
	int v = qi >= 0 ? eng_model_option(m, qi, value) : -1;

	if (qi < 0)
		return -1;
	if (v < 0)
		return strcmp(value, "unknown") ? -1 : 0;
	ALLOC_GROW(b->items, b->nr + 1, b->alloc);
	b->items[b->nr].cause = cause;
	b->items[b->nr].q = qi;
	b->items[b->nr].value = v;
	b->nr++;
	return 0;
}

int eng_model_add_applies(struct eng_model *m, int q_of, const char *q,
			  const char *value)
{
	struct eng_question *of = &m->questions[q_of];
	int qi = eng_model_question(m, q);
	int v = qi >= 0 ? eng_model_option(m, qi, value) : -1;
	int i;

	if (qi < 0 || (v < 0 && strcmp(value, "unknown")))
		return -1;
	if (v < 0 || v >= ENG_MAX_OPTIONS)
		return 0; /* 'unknown' never rules a question out */
	for (i = 0; i < of->nr_applies; i++)
		if (of->applies[i].q == qi)
			break;
	if (i == of->nr_applies) {
		of->applies = xrealloc(of->applies,
				       ((size_t)of->nr_applies + 1) * sizeof(*of->applies));
		of->applies[i].q = qi;
		of->applies[i].mask = 0;
		of->nr_applies++;
	}
	of->applies[i].mask |= UINT64_C(1) << v;
	return 0;
}

static int cause_article(const struct eng_model *m, int i)
{
	return m->causes[i].article;
}

static int step_article(const struct eng_model *m, int i)
{
	return m->steps[i].article;
}

/* Groups n items by article_of(m, i), a counting sort (stable):
 * (*by)[(*start)[a] .. (*start)[a + 1]) are article a's items, in the
 * order added. */
static void group_by_article(const struct eng_model *m, int n,
			     int (*article_of)(const struct eng_model *, int),
			     int **start, int **by)
{
	int *fill = xcalloc((size_t)m->nr_articles + 1, sizeof(*fill));

	*start = xcalloc((size_t)m->nr_articles + 2, sizeof(**start));
	*by = xcalloc((size_t)n + 1, sizeof(**by));
	for (int i = 0; i < n; i++)
		(*start)[article_of(m, i) + 1]++;
	for (int a = 0; a < m->nr_articles; a++)
		(*start)[a + 1] += (*start)[a];
	for (int i = 0; i < n; i++) {
		int a = article_of(m, i);

		(*by)[(*start)[a] + fill[a]++] = i;
	}
	free(fill);
}

int eng_model_finish(struct eng_model *m)
{
	struct eng_model_build *b = build_of(m);

	if (m->q_problem < 0 || m->q_platform < 0)
		return -1;
	m->mask = xcalloc((size_t)m->nr_causes * (size_t)m->nr_questions + 1,
			  sizeof(*m->mask));
	for (size_t i = 0; i < b->nr; i++) {
		const struct pending *p = &b->items[i];

		/* Problem and platform are scopes, not soft evidence. */
		if (p->q == m->q_problem || p->q == m->q_platform ||
		    p->value >= ENG_MAX_OPTIONS)
			continue;
		m->mask[(size_t)p->cause * (size_t)m->nr_questions + (size_t)p->q] |=
			UINT64_C(1) << p->value;
	}
	free(b->items);
	memset(b, 0, sizeof(*b));

	/* Causes and steps grouped by article. */
	group_by_article(m, m->nr_causes, cause_article, &m->article_start,
			 &m->by_article);
	group_by_article(m, m->nr_steps, step_article, &m->step_start,
			 &m->steps_by_article);

	/* Index the matrix by question, with each entry's predictive
	 * distribution: P(v | c) is proportional to 1 - EPS for the values c
	 * names and EPS for the others. */
	m->named_start = xcalloc((size_t)m->nr_questions + 1, sizeof(*m->named_start));
	for (int q = 0; q < m->nr_questions; q++) {
		m->named_start[q + 1] = m->named_start[q];
		for (int c = 0; c < m->nr_causes; c++)
			m->named_start[q + 1] +=
				m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q] != 0;
	}
	m->named = xcalloc((size_t)m->named_start[m->nr_questions] + 1,
			   sizeof(*m->named));
	for (int q = 0, k = 0; q < m->nr_questions; q++) {
		int n = m->questions[q].nr_options;

		for (int c = 0; c < m->nr_causes; c++) {
			uint64_t mask = m->mask[(size_t)c * (size_t)m->nr_questions + (size_t)q];
			struct eng_named *e;
			int allowed;
			double total;

			if (!mask)
				continue;
			allowed = __builtin_popcountll(mask);
			total = allowed * (1 - ENG_MODEL_EPS) + (n - allowed) * ENG_MODEL_EPS;
			e = &m->named[k++];
			e->cause = c;
			e->mask = mask;
			e->pa = (1 - ENG_MODEL_EPS) / total;
			e->pb = ENG_MODEL_EPS / total;
			e->lpa = log2(e->pa);
			e->lpb = log2(e->pb);
		}
	}
	return 0;
}

void eng_model_free(struct eng_model *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->nr_questions; i++) {
		struct eng_question *q = &m->questions[i];

		free(q->id);
		free(q->text);
		free(q->help);
		for (int j = 0; j < q->nr_options; j++) {
			free(q->options[j].value);
			free(q->options[j].label);
		}
		free(q->options);
		free(q->applies);
	}
	free(m->questions);
	for (int i = 0; i < m->nr_articles; i++) {
		free(m->articles[i].slug);
		free(m->articles[i].title);
		free(m->articles[i].lang);
		free(m->articles[i].escalation);
	}
	free(m->articles);
	for (int i = 0; i < m->nr_causes; i++) {
		struct eng_cause *c = &m->causes[i];

		free(c->id);
		free(c->title);
		free(c->platform_prior);
		free(c->steps);
		free(c->fix);
	}
	free(m->causes);
	for (int i = 0; i < m->nr_steps; i++) {
		struct eng_step *st = &m->steps[i];

		free(st->id);
		free(st->title);
		free(st->html);
		free(st->causes);
		free(st->fix);
	}
	free(m->steps);
	free(m->step_start);
	free(m->steps_by_article);
	free(m->mask);
	free(m->named_start);
	free(m->named);
	free(m->article_start);
	free(m->by_article);
	free(build_of(m)->items);
	free(m);
}

int eng_model_question(const struct eng_model *m, const char *id)
{
	for (int i = 0; i < m->nr_questions; i++)
		if (!strcmp(m->questions[i].id, id))
			return i;
	return -1;
}

int eng_model_option(const struct eng_model *m, int q, const char *value)
{
	const struct eng_question *qu = &m->questions[q];

	for (int i = 0; i < qu->nr_options; i++)
		if (!strcmp(qu->options[i].value, value))
			return i;
	return -1;
}

int eng_model_cause(const struct eng_model *m, int article, const char *id)
{
	for (int k = m->article_start[article]; k < m->article_start[article + 1]; k++)
		if (!strcmp(m->causes[m->by_article[k]].id, id))
			return m->by_article[k];
	return -1;
}

int eng_model_step(const struct eng_model *m, int article, const char *id)
{
	int found = -1;

	if (article >= 0) {
		for (int k = m->step_start[article]; k < m->step_start[article + 1]; k++)
			if (!strcmp(m->steps[m->steps_by_article[k]].id, id))
				return m->steps_by_article[k];
		return -1;
	}
	for (int i = 0; i < m->nr_steps; i++)
		if (!strcmp(m->steps[i].id, id)) {
			if (found >= 0)
				return -2;
			found = i;
		}
	return found;
}
