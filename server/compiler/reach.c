/* reach: the compile-time check that every cause can rank first. */
#include "reach.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "../engine/engine.h"
#include "../engine/model.h"
#include "../content/kb.h"

/* The writer stores a missing string as NULL, and the loader reads NULL
 * back as "". */
static const char *str(const char *s)
{
	return s ? s : "";
}

/* The article with slug in sorted (n articles sorted by slug), or NULL. */
static const struct kb_article *by_slug(struct kb_article *const *sorted,
					size_t n, const char *slug)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(sorted[mid]->slug, slug);

		if (!cmp)
			return sorted[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct cond_value {
	const char *question, *value;
};

static int cmp_cond_value(const void *a, const void *b)
{
	const struct cond_value *x = a, *y = b;
	int cmp = strcmp(x->question, y->question);

	return cmp ? cmp : strcmp(x->value, y->value);
}

/* A question's 'applies', in the order the loader reads them from the
 * table's primary key (question named, then value), so that the model's
 * list is the loader's, order included. */
static void add_applies(struct eng_model *m, int q, const struct kb_conds *cs)
{
	struct cond_value *all = NULL;
	size_t n = 0, alloc = 0;

	for (size_t j = 0; j < cs->nr; j++)
		for (size_t k = 0; k < cs->items[j].nr_values; k++) {
			ALLOC_GROW(all, n + 1, alloc);
			all[n].question = cs->items[j].question;
			all[n++].value = cs->items[j].values[k];
		}
	if (n)
		qsort(all, n, sizeof(*all), cmp_cond_value);
	for (size_t j = 0; j < n; j++)
		eng_model_add_applies(m, q, all[j].question, all[j].value);
	free(all);
}

/* Questions and their options, in authored order; the options of
 * 'problem' are the articles offered, with their language. */
static int add_questions(const struct kb *kb, struct kb_article *const *sorted,
			 struct eng_model *m, struct diag *d)
{
	for (size_t i = 0; i < kb->questions.nr; i++) {
		const struct kb_question *q = &kb->questions.items[i];
		int qi = eng_model_add_question(m, q->id, str(q->text),
						str(q->help_text));
		int is_problem = !strcmp(q->id, KB_Q_PROBLEM);

		for (size_t j = 0; j < q->nr_options; j++) {
			const struct kb_option *o = &q->options[j];

			if (is_problem) {
				const struct kb_article *a =
					by_slug(sorted, kb->nr_articles, str(o->value));
				int ai = eng_model_add_article(m, str(o->value),
							       str(o->label));

				eng_model_set_article_lang(m, ai, a ? a->lang : NULL);
			}
			if (eng_model_add_option(m, qi, str(o->value), str(o->label))) {
				diag_error(d, q->path && *q->path ? q->path : NULL,
					   q->line, q->col,
					   "question '%s' has more than %d options, "
					   "the most one question may have", q->id,
					   ENG_MAX_OPTIONS);
				return -1;
			}
		}
	}
	/* Once every question is known: 'applies' may name a later one. */
	for (size_t i = 0; i < kb->questions.nr; i++)
		add_applies(m, (int)i, &kb->questions.items[i].applies);
	return 0;
}

/* One cause, with its conditions (its links to steps come once every
 * step is known: add_links). */
static void add_cause(const struct kb_article *a, size_t pos, int article,
		      struct eng_model *m)
{
	const struct kb_cause *c = &a->causes[pos];
	double prior = c->weight > 0 ? c->weight : 1.0 / (1.0 + 0.1 * (double)pos);
	int ci = eng_model_add_cause(m, article, str(c->id), str(c->title),
				     c->platform, prior);

	m->causes[ci].check = c->check;
	for (size_t j = 0; j < c->when.nr; j++)
		for (size_t k = 0; k < c->when.items[j].nr_values; k++)
			eng_model_add_condition(m, ci, c->when.items[j].question,
						c->when.items[j].values[k]);
}

/* Article a's solutions as steps, and its escalation text. */
static void add_steps(const struct kb_article *a, int article, struct eng_model *m)
{
	for (size_t j = 0; j < a->nr_solutions; j++) {
		const struct kb_solution *s = &a->solutions[j];

		eng_model_add_step(m, article, str(s->id), str(s->title), str(s->html),
				   s->platform, s->cost > 0 ? s->cost : 1);
	}
	eng_model_set_escalation(m, article, a->escalation_html);
}

/* Each cause's links to the steps it names (each once, where first named;
 * a name with no solution in the article is left out, as the database's
 * join leaves it out), with their fix probabilities. */
static void add_links(const struct kb_article *a, int article, struct eng_model *m)
{
	for (size_t i = 0; i < a->nr_causes; i++) {
		const struct kb_cause *c = &a->causes[i];
		int ci = eng_model_cause(m, article, str(c->id));

		for (size_t j = 0; ci >= 0 && j < c->solutions.nr; j++) {
			int step = eng_model_step(m, article, c->solutions.items[j]);

			if (step >= 0)
				eng_model_link(m, ci, step,
					       kb_article_fix(a, c->id, c->solutions.items[j]));
		}
	}
}

/* Builds the model (as reach_check promises) and, in kb_of, the KB
 * article of each of the model's articles (caller frees); NULL on error. */
static struct eng_model *build_model(const struct kb *kb,
				     struct kb_article *const *sorted,
				     const struct kb_article ***kb_of,
				     struct diag *d)
{
	struct eng_model *m = eng_model_new();
	int *article_of = NULL;

	*kb_of = NULL;
	if (add_questions(kb, sorted, m, d))
		goto fail;
	/* The model's index of each KB article offered as a problem: the
	 * causes of the others are not loaded. */
	article_of = xcalloc(kb->nr_articles + 1, sizeof(*article_of));
	*kb_of = xcalloc((size_t)m->nr_articles + 1, sizeof(**kb_of));
	for (size_t i = 0; i < kb->nr_articles; i++)
		article_of[i] = -1;
	for (int i = 0; i < m->nr_articles; i++) {
		const struct kb_article *a =
			by_slug(sorted, kb->nr_articles, m->articles[i].slug);

		(*kb_of)[i] = a;
		if (a && article_of[a->order] < 0)
			article_of[a->order] = i;
	}
	for (size_t i = 0; i < kb->nr_articles; i++) {
		const struct kb_article *a = kb->articles[i];

		for (size_t j = 0; article_of[a->order] >= 0 && j < a->nr_causes; j++)
			add_cause(a, j, article_of[a->order], m);
	}
	for (size_t i = 0; i < kb->nr_articles; i++)
		if (article_of[kb->articles[i]->order] >= 0)
			add_steps(kb->articles[i], article_of[kb->articles[i]->order], m);
	if (eng_model_finish(m)) {
		diag_error(d, NULL, 0, 0, "the KB has no 'problem' or 'platform' question");
		goto fail;
	}
	for (size_t i = 0; i < kb->nr_articles; i++)
		if (article_of[kb->articles[i]->order] >= 0)
			add_links(kb->articles[i], article_of[kb->articles[i]->order], m);
	free(article_of);
	return m;
fail:
	free(article_of);
	free(*kb_of);
	*kb_of = NULL;
	eng_model_free(m);
	return NULL;
}

/* 1 when some cause of a has conditions or a weight. */
static int ranks_by_answers(const struct kb_article *a)
{
	for (size_t i = 0; i < a->nr_causes; i++)
		if (a->causes[i].when.nr || a->causes[i].weight > 0)
			return 1;
	return 0;
}

struct eng_model *reach_check(const struct kb *kb, struct diag *d)
{
	struct kb_article **sorted = kb_articles_by_slug(kb);
	const struct kb_article **kb_of;
	struct eng_model *m = build_model(kb, sorted, &kb_of, d);
	struct eng_work *w;
	int *answers;

	free(sorted);
	if (!m)
		return NULL;
	w = eng_work_new(m);
	answers = xcalloc((size_t)m->nr_questions + 1, sizeof(*answers));
	for (int c = 0; c < m->nr_causes; c++) {
		int art = m->causes[c].article;
		const struct kb_article *a = kb_of[art];
		/* An article's causes are all loaded, together and in order. */
		size_t pos = (size_t)(c - m->by_article[m->article_start[art]]);
		const struct kb_cause *kc = a && pos < a->nr_causes ?
			&a->causes[pos] : NULL;

		/* A page with no conditions or weights at all ranks its
		 * causes in the order written, as its author left them. */
		if (a && !ranks_by_answers(a))
			continue;
		if (eng_witness(w, c, answers))
			continue;
		diag_warn(d, a ? a->path : NULL, kc ? kc->line : 0,
			  kc ? kc->col : 0,
			  "cause '%s' never ranks first: no answers were found "
			  "under which it beats the others (give it conditions, "
			  "or a weight)", m->causes[c].id);
	}
	free(answers);
	free(kb_of);
	eng_work_free(w);
	return m;
}
