/* model_load: reads a compiled KB into the engine's in-memory model. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "../engine/model.h"
#include "store.h"
#include "store_internal.h"

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return v ? (const char *)v : "";
}

static int load_questions(struct store *st, struct eng_model *m)
{
	sqlite3_stmt *q = NULL, *o = NULL;
	int rc, ret = -1;

	q = store_prepare(st, "SELECT id, text, help_text FROM questions "
			      "ORDER BY position");
	/* The options of 'problem' are articles: their language comes too. */
	o = store_prepare(st, "SELECT o.value, o.label, a.lang "
			      "FROM question_options AS o "
			      "LEFT JOIN articles AS a "
			      "ON o.question_id = 'problem' AND a.slug = o.value "
			      "WHERE o.question_id = ?1 ORDER BY o.position");
	if (!q || !o)
		goto cleanup;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int qi = eng_model_add_question(m, col(q, 0), col(q, 1), col(q, 2));
		int is_problem = !strcmp(col(q, 0), "problem");

		sqlite3_bind_text(o, 1, col(q, 0), -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(o)) == SQLITE_ROW) {
			if (is_problem)
				eng_model_set_article_lang(m,
					eng_model_add_article(m, col(o, 0), col(o, 1)),
					col(o, 2));
			if (eng_model_add_option(m, qi, col(o, 0), col(o, 1))) {
				struct sbuf msg = SBUF_INIT;
				sbuf_addf(&msg, "question '%s' has more than %d options",
					  col(q, 0), ENG_MAX_OPTIONS);
				store_set_err(st, msg.buf);
				sbuf_release(&msg);
				goto cleanup;
			}
		}
		sqlite3_reset(o);
		if (rc != SQLITE_DONE)
			goto db_error;
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	ret = 0;
	goto cleanup;
db_error:
	store_db_fail(st);
cleanup:
	sqlite3_finalize(q);
	sqlite3_finalize(o);
	return ret;
}

static int load_applies(struct store *st, struct eng_model *m)
{
	sqlite3_stmt *s = store_prepare(st,
		"SELECT question_id, on_question, value FROM question_conditions");
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int q = eng_model_question(m, col(s, 0));
		if (q >= 0)
			eng_model_add_applies(m, q, col(s, 1), col(s, 2));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_db_fail(st);
}

static int cmp_article_slug(const void *a, const void *b, void *arg)
{
	const struct eng_model *m = arg;
	return strcmp(m->articles[*(const int *)a].slug,
		      m->articles[*(const int *)b].slug);
}

/* Article indices sorted by slug, for find_article; caller frees. */
static int *slug_index(const struct eng_model *m)
{
	int *idx = xcalloc((size_t)m->nr_articles + 1, sizeof(*idx));

	for (int i = 0; i < m->nr_articles; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)m->nr_articles, sizeof(*idx), cmp_article_slug,
		(void *)m);
	return idx;
}

static int find_article(const struct eng_model *m, const int *idx,
			const char *slug)
{
	int lo = 0, hi = m->nr_articles - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int cmp = strcmp(m->articles[idx[mid]].slug, slug);

		if (!cmp)
			return idx[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Causes and their conditions come from two queries in the same order
 * (article, then the cause's position), merged in step: two statements
 * for the whole KB, not one per cause. */
static int load_causes(struct store *st, struct eng_model *m, const int *idx)
{
	sqlite3_stmt *c = NULL, *cond = NULL;
	int rc, rc_cond, ret = -1;

	c = store_prepare(st,
		"SELECT c.article_id, a.slug, c.id, c.title, c.platform_id, "
		"c.weight, c.position, c.kind FROM causes AS c "
		"JOIN articles AS a ON a.id = c.article_id "
		"WHERE a.translation_of IS NULL "
		"ORDER BY c.article_id, c.position");
	cond = store_prepare(st,
		"SELECT cc.article_id, c.position, cc.question_id, cc.value "
		"FROM cause_conditions AS cc JOIN causes AS c "
		"ON c.article_id = cc.article_id AND c.id = cc.cause_id "
		"ORDER BY cc.article_id, c.position");
	if (!c || !cond)
		goto cleanup;
	rc_cond = sqlite3_step(cond);
	while ((rc = sqlite3_step(c)) == SQLITE_ROW) {
		sqlite3_int64 art = sqlite3_column_int64(c, 0);
		int pos = sqlite3_column_int(c, 6);
		int article = find_article(m, idx, col(c, 1)), ci = -1;
		double prior = sqlite3_column_type(c, 5) == SQLITE_NULL ?
			1.0 / (1.0 + 0.1 * pos) : sqlite3_column_double(c, 5);

		if (article >= 0) /* else the article is not offered as a problem */
			ci = eng_model_add_cause(m, article, col(c, 2), col(c, 3),
						 sqlite3_column_type(c, 4) == SQLITE_NULL ?
							 NULL : col(c, 4),
						 prior);
		if (ci >= 0)
			m->causes[ci].check = !strcmp(col(c, 7), "check");
		/* Rows of earlier causes were consumed already; take this one's. */
		while (rc_cond == SQLITE_ROW &&
		       (sqlite3_column_int64(cond, 0) < art ||
			(sqlite3_column_int64(cond, 0) == art &&
			 sqlite3_column_int(cond, 1) <= pos))) {
			if (ci >= 0 && sqlite3_column_int64(cond, 0) == art &&
			    sqlite3_column_int(cond, 1) == pos)
				eng_model_add_condition(m, ci, col(cond, 2), col(cond, 3));
			rc_cond = sqlite3_step(cond);
		}
	}
	if (rc != SQLITE_DONE || (rc_cond != SQLITE_ROW && rc_cond != SQLITE_DONE))
		goto db_error;
	ret = 0;
	goto cleanup;
db_error:
	store_db_fail(st);
cleanup:
	sqlite3_finalize(c);
	sqlite3_finalize(cond);
	return ret;
}

/* The steps (solutions) of the articles offered as problems, and what
 * each article says to do when none fixed it. */
static int load_steps(struct store *st, struct eng_model *m, const int *idx)
{
	sqlite3_stmt *s = NULL, *e = NULL;
	int rc, ret = -1;

	s = store_prepare(st,
		"SELECT a.slug, s.id, s.title, s.html, s.platform_id, s.cost "
		"FROM solutions AS s JOIN articles AS a ON a.id = s.article_id "
		"WHERE a.translation_of IS NULL "
		"ORDER BY s.article_id, s.position");
	e = store_prepare(st, "SELECT slug, escalation_html FROM articles "
			      "WHERE escalation_html <> '' AND translation_of IS NULL");
	if (!s || !e)
		goto cleanup;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int article = find_article(m, idx, col(s, 0));

		if (article >= 0)
			eng_model_add_step(m, article, col(s, 1), col(s, 2), col(s, 3),
					   sqlite3_column_type(s, 4) == SQLITE_NULL ?
						   NULL : col(s, 4),
					   sqlite3_column_double(s, 5));
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	while ((rc = sqlite3_step(e)) == SQLITE_ROW) {
		int article = find_article(m, idx, col(e, 0));

		if (article >= 0)
			eng_model_set_escalation(m, article, col(e, 1));
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	ret = 0;
	goto cleanup;
db_error:
	store_db_fail(st);
cleanup:
	sqlite3_finalize(s);
	sqlite3_finalize(e);
	return ret;
}

/* Which step fixes which cause, with what probability, in the order the
 * cause lists them; after eng_model_finish, which indexes the steps. */
static int load_links(struct store *st, struct eng_model *m, const int *idx)
{
	sqlite3_stmt *s = store_prepare(st,
		"SELECT a.slug, cs.cause_id, cs.solution_id, cs.probability "
		"FROM cause_solutions AS cs JOIN articles AS a ON a.id = cs.article_id "
		"JOIN causes AS c ON c.article_id = cs.article_id AND c.id = cs.cause_id "
		"ORDER BY cs.article_id, c.position, cs.position");
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int article = find_article(m, idx, col(s, 0)), cause, step;

		if (article < 0)
			continue;
		cause = eng_model_cause(m, article, col(s, 1));
		step = eng_model_step(m, article, col(s, 2));
		if (cause >= 0 && step >= 0)
			eng_model_link(m, cause, step, sqlite3_column_double(s, 3));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_db_fail(st);
}

/* Values learned from outcomes (table 'learned', when the KB has it),
 * applied as eng_model_apply_learned says; ids the model lacks are left
 * out (the compiler dropped them already). */
static int load_learned(struct store *st, struct eng_model *m, const int *idx)
{
	sqlite3_stmt *s;
	struct eng_learned *rows = NULL;
	size_t nr = 0, alloc = 0;
	int rc;

	s = store_prepare(st, "SELECT 1 FROM sqlite_master WHERE name = 'learned'");
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : store_db_fail(st);
	s = store_prepare(st,
		"SELECT a.slug, l.cause_id, l.solution_id, l.platform_id, l.value, "
		"l.sessions FROM learned AS l JOIN articles AS a ON a.id = l.article_id "
		"ORDER BY l.article_id, l.cause_id, l.solution_id, l.platform_id");
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int article = find_article(m, idx, col(s, 0)), cause, step = -1, p = -1;

		if (article < 0 || (cause = eng_model_cause(m, article, col(s, 1))) < 0)
			continue;
		if (*col(s, 2) && (step = eng_model_step(m, article, col(s, 2))) < 0)
			continue;
		if (*col(s, 3) && (p = eng_model_option(m, m->q_platform, col(s, 3))) < 0)
			continue;
		ALLOC_GROW(rows, nr + 1, alloc);
		rows[nr++] = (struct eng_learned){ cause, step, p, sqlite3_column_double(s, 4),
						   sqlite3_column_double(s, 5) };
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		eng_model_apply_learned(m, rows, nr);
	free(rows);
	return rc == SQLITE_DONE ? 0 : store_db_fail(st);
}

static struct eng_model *load_model(struct store *st, int learned)
{
	struct eng_model *m = eng_model_new();
	int *idx = NULL;

	if (load_questions(st, m) || load_applies(st, m))
		goto fail;
	idx = slug_index(m);
	if (load_causes(st, m, idx) || load_steps(st, m, idx))
		goto fail;
	if (eng_model_finish(m)) {
		store_set_err(st, "the KB has no 'problem' or 'platform' question");
		goto fail;
	}
	if (load_links(st, m, idx) || (learned && load_learned(st, m, idx)))
		goto fail;
	free(idx);
	return m;
fail:
	free(idx);
	eng_model_free(m);
	return NULL;
}

struct eng_model *store_load_model(struct store *st)
{
	return load_model(st, 1);
}

struct eng_model *store_load_authored_model(struct store *st)
{
	return load_model(st, 0);
}
