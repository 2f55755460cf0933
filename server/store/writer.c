/* writer: writes compiled content into a new SQLite file. */
#include "writer.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "../base/text.h"
#include "../base/xalloc.h"
#include "rankidx.h"

/* The text of kb.sqlite.sql, embedded by the build. */
extern const char clew_schema_sql[];

enum {
	ST_META,
	ST_PLATFORM,
	ST_QUESTION,
	ST_OPTION,
	ST_QCOND,
	ST_ARTICLE,
	ST_ART_PLATFORM,
	ST_PRODUCT,
	ST_SECTION,
	ST_SEARCH,
	ST_TRIGRAM,
	ST_CAUSE,
	ST_CCOND,
	ST_SOLUTION,
	ST_CSOL,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_PLATFORM] = "INSERT INTO platforms(id, name, position) VALUES (?1, ?2, ?3)",
	[ST_QUESTION] = "INSERT INTO questions(id, position, text, help_html, "
			"help_text, builtin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_OPTION] = "INSERT INTO question_options(question_id, position, value, "
		      "label) VALUES (?1, ?2, ?3, ?4)",
	[ST_QCOND] = "INSERT OR IGNORE INTO question_conditions(question_id, on_question, "
		     "value) VALUES (?1, ?2, ?3)",
	[ST_ARTICLE] = "INSERT INTO articles(slug, title, updated_at, lang, "
		       "source_path, source_hash, html, meta) VALUES "
		       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_ART_PLATFORM] = "INSERT INTO article_platforms(article_id, "
			    "platform_id, position) VALUES (?1, ?2, ?3)",
	[ST_PRODUCT] = "INSERT INTO article_products(article_id, position, "
		       "product) VALUES (?1, ?2, ?3)",
	[ST_SECTION] = "INSERT INTO sections(article_id, position, level, anchor, "
		       "heading, platform_id, kind, html) VALUES "
		       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_SEARCH] = "INSERT INTO search(rowid, title, heading, body, article_id) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_TRIGRAM] = "INSERT INTO search_trigram(rowid, title, heading, body, "
		       "article_id) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_CAUSE] = "INSERT INTO causes(article_id, id, position, platform_id, "
		     "title, html, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_CCOND] = "INSERT OR IGNORE INTO cause_conditions(article_id, cause_id, "
		     "question_id, value) VALUES (?1, ?2, ?3, ?4)",
	[ST_SOLUTION] = "INSERT INTO solutions(article_id, id, position, "
			"platform_id, title, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_CSOL] = "INSERT OR IGNORE INTO cause_solutions(article_id, cause_id, "
		    "solution_id, position) VALUES (?1, ?2, ?3, ?4)",
};

struct writer {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct rankidx_builder *rank;
	char *err;
};

static int fail(struct writer *w)
{
	free(w->err);
	w->err = xstrdup(sqlite3_errmsg(w->db));
	return -1;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Steps a statement whose parameters are bound, then resets it. */
static int run(struct writer *w, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	/* Every statement binds all its parameters each time (NULL
	 * explicitly), so there are no bindings to clear. */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(w);
}

struct writer *writer_open(const char *path, char **err)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	int rc;

	/* Fails harmlessly once SQLite is initialised. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	rc = sqlite3_open_v2(path, &w->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* The file is private until renamed into place: no journal, no sync
	 * here; the caller syncs the finished file before renaming it. */
	if (sqlite3_exec(w->db,
			 "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
			 "PRAGMA page_size = 4096; PRAGMA locking_mode = EXCLUSIVE; "
			 "PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(w->db, clew_schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/* No incremental merging of index segments during the bulk load:
	 * writer_finish merges everything once ('optimize'). A 64 MiB
	 * in-memory hash (not 1 MiB) before each flush to a segment: fewer
	 * segments to merge (10,000 articles: 3 % faster and a 4 % smaller
	 * file; peak memory grows by that hash at most, 54 MiB at 50,000). */
	if (sqlite3_exec(w->db,
			 "INSERT INTO search(search, rank) VALUES ('automerge', 0);"
			 "INSERT INTO search(search, rank) VALUES ('hashsize', 67108864);"
			 "INSERT INTO search_trigram(search_trigram, rank) VALUES ('automerge', 0);"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(w->db, stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &w->st[i],
				       NULL) != SQLITE_OK)
			goto fail;
	w->rank = rankidx_builder_new(w->db);
	if (!w->rank) {
		*err = xstrdup("cannot open SQLite's FTS5 porter tokenizer");
		writer_free(w);
		return NULL;
	}
	return w;
fail:
	*err = xstrdup(w->db ? sqlite3_errmsg(w->db) : "cannot open database");
	writer_free(w);
	return NULL;
}

int writer_set_meta(struct writer *w, const char *key, const char *value)
{
	sqlite3_stmt *s = w->st[ST_META];

	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return run(w, s);
}

int writer_add_platform(struct writer *w, const char *id, const char *name,
			int position)
{
	sqlite3_stmt *s = w->st[ST_PLATFORM];

	bind_text(s, 1, id);
	bind_text(s, 2, name);
	sqlite3_bind_int(s, 3, position);
	return run(w, s);
}

static int add_conds(struct writer *w, sqlite3_stmt *s, int first_params,
		     const struct kb_conds *conds)
{
	for (size_t i = 0; i < conds->nr; i++) {
		const struct kb_cond *c = &conds->items[i];

		for (size_t j = 0; j < c->nr_values; j++) {
			/* The caller bound parameters 1..first_params. */
			bind_text(s, first_params + 1, c->question);
			bind_text(s, first_params + 2, c->values[j]);
			if (sqlite3_step(s) != SQLITE_DONE) {
				sqlite3_reset(s);
				return fail(w);
			}
			sqlite3_reset(s);
		}
	}
	return 0;
}

int writer_add_question(struct writer *w, const struct kb_question *q,
			int position)
{
	sqlite3_stmt *s = w->st[ST_QUESTION];

	bind_text(s, 1, q->id);
	sqlite3_bind_int(s, 2, position);
	bind_text(s, 3, q->text);
	bind_text(s, 4, q->help_html ? q->help_html : "");
	bind_text(s, 5, q->help_text ? q->help_text : "");
	sqlite3_bind_int(s, 6, !q->authored);
	if (run(w, s))
		return -1;
	s = w->st[ST_OPTION];
	for (size_t i = 0; i < q->nr_options; i++) {
		bind_text(s, 1, q->id);
		sqlite3_bind_int(s, 2, (int)i);
		bind_text(s, 3, q->options[i].value);
		bind_text(s, 4, q->options[i].label);
		if (run(w, s))
			return -1;
	}
	s = w->st[ST_QCOND];
	bind_text(s, 1, q->id);
	return add_conds(w, s, 1, &q->applies);
}

static const char *kind_name(enum kb_section_kind k)
{
	return k == KB_SECTION_CAUSES ? "causes" :
	       k == KB_SECTION_SOLUTIONS ? "solutions" : "text";
}

/* Adds one section's row to a full-text index (statement s). */
static int index_section(struct writer *w, sqlite3_stmt *s, sqlite3_int64 id,
			 sqlite3_int64 art, const struct kb_article *a,
			 const struct kb_section *sec)
{
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, a->title);
	bind_text(s, 3, sec->heading);
	bind_text(s, 4, sec->text);
	sqlite3_bind_int64(s, 5, art);
	return run(w, s);
}

static int add_section(struct writer *w, sqlite3_int64 art,
		       const struct kb_article *a, size_t i)
{
	const struct kb_section *sec = &a->sections[i];
	sqlite3_stmt *s = w->st[ST_SECTION];
	sqlite3_int64 id;

	sqlite3_bind_int64(s, 1, art);
	sqlite3_bind_int(s, 2, (int)i);
	sqlite3_bind_int(s, 3, sec->level);
	bind_text(s, 4, sec->anchor);
	bind_text(s, 5, sec->heading);
	bind_text(s, 6, sec->platform);
	bind_text(s, 7, kind_name(sec->kind));
	bind_text(s, 8, sec->html);
	if (run(w, s))
		return -1;
	id = sqlite3_last_insert_rowid(w->db);

	if (index_section(w, w->st[ST_SEARCH], id, art, a, sec))
		return -1;
	if (rankidx_builder_add(w->rank, id, art, a->title, sec->heading,
				sec->text)) {
		free(w->err);
		w->err = xstrdup("sections out of order for the ranking index");
		return -1;
	}
	if ((text_has_non_ascii(a->title) || text_has_non_ascii(sec->text)) &&
	    index_section(w, w->st[ST_TRIGRAM], id, art, a, sec))
		return -1;
	return 0;
}

int writer_add_article(struct writer *w, const struct kb_article *a)
{
	sqlite3_stmt *s = w->st[ST_ARTICLE];
	sqlite3_int64 art;
	char *meta = cJSON_PrintUnformatted(a->meta);
	int ret = -1;

	bind_text(s, 1, a->slug);
	bind_text(s, 2, a->title);
	bind_text(s, 3, a->updated_at);
	bind_text(s, 4, a->lang);
	bind_text(s, 5, a->path);
	bind_text(s, 6, a->source_hash);
	bind_text(s, 7, a->html);
	bind_text(s, 8, meta ? meta : "{}");
	if (run(w, s))
		goto cleanup;
	art = sqlite3_last_insert_rowid(w->db);

	s = w->st[ST_ART_PLATFORM];
	for (size_t i = 0; i < a->nr_platforms; i++) {
		sqlite3_bind_int64(s, 1, art);
		bind_text(s, 2, a->platforms[i].id);
		sqlite3_bind_int(s, 3, (int)i);
		if (run(w, s))
			goto cleanup;
	}
	s = w->st[ST_PRODUCT];
	for (size_t i = 0; i < a->products.nr; i++) {
		sqlite3_bind_int64(s, 1, art);
		sqlite3_bind_int(s, 2, (int)i);
		bind_text(s, 3, a->products.items[i]);
		if (run(w, s))
			goto cleanup;
	}
	for (size_t i = 0; i < a->nr_sections; i++)
		if (add_section(w, art, a, i))
			goto cleanup;
	for (size_t i = 0; i < a->nr_causes; i++) {
		const struct kb_cause *c = &a->causes[i];

		s = w->st[ST_CAUSE];
		sqlite3_bind_int64(s, 1, art);
		bind_text(s, 2, c->id);
		sqlite3_bind_int(s, 3, (int)i);
		bind_text(s, 4, c->platform);
		bind_text(s, 5, c->title);
		bind_text(s, 6, c->html);
		if (c->weight > 0)
			sqlite3_bind_double(s, 7, c->weight);
		else
			sqlite3_bind_null(s, 7);
		if (run(w, s))
			goto cleanup;
		s = w->st[ST_CCOND];
		sqlite3_bind_int64(s, 1, art);
		bind_text(s, 2, c->id);
		if (add_conds(w, s, 2, &c->when))
			goto cleanup;
		s = w->st[ST_CSOL];
		for (size_t j = 0; j < c->solutions.nr; j++) {
			sqlite3_bind_int64(s, 1, art);
			bind_text(s, 2, c->id);
			bind_text(s, 3, c->solutions.items[j]);
			sqlite3_bind_int(s, 4, (int)j);
			if (run(w, s))
				goto cleanup;
		}
	}
	s = w->st[ST_SOLUTION];
	for (size_t i = 0; i < a->nr_solutions; i++) {
		const struct kb_solution *sol = &a->solutions[i];

		sqlite3_bind_int64(s, 1, art);
		bind_text(s, 2, sol->id);
		sqlite3_bind_int(s, 3, (int)i);
		bind_text(s, 4, sol->platform);
		bind_text(s, 5, sol->title);
		bind_text(s, 6, sol->html);
		if (run(w, s))
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(meta);
	return ret;
}

size_t writer_released(struct writer *w)
{
	/* Articles get rowids 1, 2, 3, ... in the order they are added (a
	 * new table; no rowid is given), and only the ranking index reads an
	 * article's strings after writer_add_article returns. */
	sqlite3_int64 below = rankidx_builder_released(w->rank);

	return below > 1 ? (size_t)(below - 1) : 0;
}

int writer_finish(struct writer *w)
{
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(w->st[i]);
		w->st[i] = NULL;
	}
	switch (rankidx_builder_write(w->rank, w->db)) {
	case 0:
		break;
	case -2:
		free(w->err);
		w->err = xstrdup("the FTS5 tokenizer failed on a section");
		return -1;
	default:
		return fail(w);
	}
	rankidx_builder_free(w->rank);
	w->rank = NULL;
	if (sqlite3_exec(w->db,
			 "INSERT INTO search(search) VALUES ('optimize');"
			 "INSERT INTO search_trigram(search_trigram) VALUES ('optimize');"
			 "COMMIT;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail(w);
	if (sqlite3_close(w->db) != SQLITE_OK)
		return fail(w);
	w->db = NULL;
	return 0;
}

const char *writer_errmsg(const struct writer *w)
{
	return w->err ? w->err : "no error";
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	rankidx_builder_free(w->rank);
	if (w->db)
		sqlite3_close(w->db);
	free(w->err);
	free(w);
}
