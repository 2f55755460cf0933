/* model: the in-memory shape of compiled content. */
#include "kb.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"

void kb_strs_add(struct kb_strs *l, const char *s)
{
	kb_strs_add_n(l, s, strlen(s));
}

void kb_strs_add_n(struct kb_strs *l, const char *s, size_t len)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr++] = xstrndup(s, len);
}

int kb_strs_has(const struct kb_strs *l, const char *s)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i], s))
			return 1;
	return 0;
}

void kb_strs_release(struct kb_strs *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void kb_conds_release(struct kb_conds *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->items[i].question);
		for (size_t j = 0; j < c->items[i].nr_values; j++)
			free(c->items[i].values[j]);
		free(c->items[i].values);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

const struct kb_cond *kb_conds_find(const struct kb_conds *c,
				    const char *question)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->items[i].question, question))
			return &c->items[i];
	return NULL;
}

static void section_release(struct kb_section *s)
{
	free(s->anchor);
	free(s->heading);
	free(s->platform);
	free(s->html);
	free(s->text);
}

static void cause_release(struct kb_cause *c)
{
	free(c->id);
	free(c->platform);
	free(c->title);
	free(c->html);
	free(c->text);
	kb_conds_release(&c->when);
	kb_strs_release(&c->solutions);
}

void kb_solution_release(struct kb_solution *s)
{
	free(s->id);
	free(s->platform);
	free(s->title);
	free(s->html);
	free(s->text);
	kb_strs_release(&s->fixes);
}

void kb_article_free(struct kb_article *a)
{
	if (!a)
		return;
	free(a->path);
	free(a->slug);
	free(a->title);
	free(a->updated_at);
	free(a->lang);
	free(a->translation_of);
	free(a->source_version);
	for (size_t i = 0; i < a->nr_platforms; i++) {
		free(a->platforms[i].id);
		free(a->platforms[i].name);
	}
	free(a->platforms);
	kb_strs_release(&a->products);
	kb_strs_release(&a->links);
	cJSON_Delete(a->meta);
	free(a->html);
	free(a->source_hash);
	for (size_t i = 0; i < a->nr_sections; i++)
		section_release(&a->sections[i]);
	free(a->sections);
	for (size_t i = 0; i < a->nr_causes; i++)
		cause_release(&a->causes[i]);
	free(a->causes);
	for (size_t i = 0; i < a->nr_solutions; i++)
		kb_solution_release(&a->solutions[i]);
	free(a->solutions);
	for (size_t i = 0; i < a->nr_fixes; i++) {
		free(a->fixes[i].cause);
		free(a->fixes[i].solution);
	}
	free(a->fixes);
	free(a->escalation_html);
	free(a);
}

int kb_article_add_fix(struct kb_article *a, const char *cause,
		       const char *solution, double p, int line, int col)
{
	struct kb_fix *f;

	for (size_t i = 0; i < a->nr_fixes; i++)
		if (!strcmp(a->fixes[i].cause, cause) &&
		    !strcmp(a->fixes[i].solution, solution))
			return a->fixes[i].p == p ? 0 : -1;
	ALLOC_GROW(a->fixes, a->nr_fixes + 1, a->alloc_fixes);
	f = &a->fixes[a->nr_fixes++];
	f->cause = xstrdup(cause);
	f->solution = xstrdup(solution);
	f->p = p;
	f->line = line;
	f->col = col;
	return 0;
}

double kb_article_fix(const struct kb_article *a, const char *cause,
		      const char *solution)
{
	for (size_t i = 0; i < a->nr_fixes; i++)
		if (!strcmp(a->fixes[i].cause, cause) &&
		    !strcmp(a->fixes[i].solution, solution))
			return a->fixes[i].p;
	for (size_t i = 0; i < a->nr_solutions; i++)
		if (!strcmp(a->solutions[i].id, solution) && a->solutions[i].fix > 0)
			return a->solutions[i].fix;
	return KB_FIX_DEFAULT;
}

void kb_question_release(struct kb_question *q)
{
	free(q->id);
	free(q->text);
	free(q->help_html);
	free(q->help_text);
	for (size_t i = 0; i < q->nr_options; i++) {
		free(q->options[i].value);
		free(q->options[i].label);
	}
	free(q->options);
	kb_conds_release(&q->applies);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

void kb_question_add_option(struct kb_question *q, const char *value,
			    const char *label)
{
	ALLOC_GROW(q->options, q->nr_options + 1, q->alloc_options);
	q->options[q->nr_options].value = xstrdup(value);
	q->options[q->nr_options].label = xstrdup(label);
	q->nr_options++;
}

const char *kb_article_add_platform(struct kb_article *a, const char *name)
{
	struct sbuf id = SBUF_INIT;
	const struct kb_platform *p;
	const char *ret = NULL;

	text_make_id(&id, name);
	if (!id.len)
		goto cleanup;
	p = kb_article_find_platform(a, id.buf);
	if (p) {
		ret = p->id;
		goto cleanup;
	}
	ALLOC_GROW(a->platforms, a->nr_platforms + 1, a->alloc_platforms);
	a->platforms[a->nr_platforms].id = sbuf_detach(&id, NULL);
	a->platforms[a->nr_platforms].name = xstrdup(name);
	ret = a->platforms[a->nr_platforms++].id;
cleanup:
	sbuf_release(&id);
	return ret;
}

const struct kb_platform *kb_article_find_platform(const struct kb_article *a,
						   const char *id)
{
	for (size_t i = 0; i < a->nr_platforms; i++)
		if (!strcmp(a->platforms[i].id, id))
			return &a->platforms[i];
	return NULL;
}

void kb_questions_release(struct kb_questions *qs)
{
	for (size_t i = 0; i < qs->nr; i++)
		kb_question_release(&qs->items[i]);
	free(qs->items);
	memset(qs, 0, sizeof(*qs));
}

struct kb_question *kb_questions_find(const struct kb_questions *qs,
				      const char *id)
{
	for (size_t i = 0; i < qs->nr; i++)
		if (!strcmp(qs->items[i].id, id))
			return &qs->items[i];
	return NULL;
}

static int cmp_article_ptr(const void *a, const void *b)
{
	const struct kb_article *x = *(const struct kb_article *const *)a;
	const struct kb_article *y = *(const struct kb_article *const *)b;
	int cmp = strcmp(x->slug, y->slug);

	return cmp ? cmp : (x->order > y->order) - (x->order < y->order);
}

struct kb_article **kb_articles_by_slug(const struct kb *kb)
{
	struct kb_article **s = xcalloc(kb->nr_articles + 1, sizeof(*s));

	if (kb->nr_articles) {
		memcpy(s, kb->articles, kb->nr_articles * sizeof(*s));
		qsort(s, kb->nr_articles, sizeof(*s), cmp_article_ptr);
	}
	return s;
}

void kb_learned_list_release(struct kb_learned_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->items[i].article);
		free(l->items[i].cause);
		free(l->items[i].solution);
		free(l->items[i].platform);
	}
	free(l->items);
	l->items = NULL;
	l->nr = l->alloc = 0;
}
