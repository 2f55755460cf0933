/* writer: writes compiled content into a new SQLite file. */
#include "writer.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "rankidx.h"
#include "stemtok.h"

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
	ST_CAUSE,
	ST_CCOND,
	ST_SOLUTION,
	ST_CSOL,
	ST_LEARNED,
	ST_QTEXT,
	ST_OLABEL,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_QTEXT] = "INSERT OR REPLACE INTO question_texts(question_id, lang, text, "
		     "help_html, help_text) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_OLABEL] = "INSERT OR REPLACE INTO option_labels(question_id, value, lang, "
		      "label) VALUES (?1, ?2, ?3, ?4)",
	[ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_PLATFORM] = "INSERT INTO platforms(id, name, position) VALUES (?1, ?2, ?3)",
	[ST_QUESTION] = "INSERT INTO questions(id, position, text, help_html, "
			"help_text, builtin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_OPTION] = "INSERT INTO question_options(question_id, position, value, "
		      "label) VALUES (?1, ?2, ?3, ?4)",
	[ST_QCOND] = "INSERT OR IGNORE INTO question_conditions(question_id, on_question, "
		     "value) VALUES (?1, ?2, ?3)",
	[ST_ARTICLE] = "INSERT INTO articles(slug, title, updated_at, lang, "
		       "source_path, source_hash, meta, escalation_html, translation_of, "
		       "source_version, stem) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		       "?10, ?11)",
	[ST_ART_PLATFORM] = "INSERT INTO article_platforms(article_id, "
			    "platform_id, position) VALUES (?1, ?2, ?3)",
	[ST_PRODUCT] = "INSERT INTO article_products(article_id, position, "
		       "product) VALUES (?1, ?2, ?3)",
	[ST_SECTION] = "INSERT INTO sections(article_id, position, level, anchor, "
		       "heading, platform_id, kind, html, text) VALUES "
		       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_CAUSE] = "INSERT INTO causes(article_id, id, position, platform_id, "
		     "title, html, weight, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CCOND] = "INSERT OR IGNORE INTO cause_conditions(article_id, cause_id, "
		     "question_id, value) VALUES (?1, ?2, ?3, ?4)",
	[ST_SOLUTION] = "INSERT INTO solutions(article_id, id, position, "
			"platform_id, title, html, cost, cost_basis) VALUES "
			"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CSOL] = "INSERT OR IGNORE INTO cause_solutions(article_id, cause_id, "
		    "solution_id, position, probability) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_LEARNED] = "INSERT OR REPLACE INTO learned(article_id, cause_id, solution_id, "
		       "platform_id, authored, value, sessions) SELECT id, ?2, ?3, ?4, "
		       "?5, ?6, ?7 FROM articles WHERE slug = ?1",
};

/* The full-text tables are filled beside the other tables: on the ranking
 * index's thread (rankidx_row_fn), in an in-memory database of their own
 * (a file has one writer at a time). writer_finish copies them into the
 * output, which has them ATTACHed as "fts". */
static const char *const fts_tables[] = { "search", "search_trigram" };
/* The tables FTS5 keeps an index in ("shadow tables"), by suffix. */
static const char *const fts_shadows[] = { "data", "idx", "content",
					   "docsize", "config" };
#define COUNT(a) (sizeof(a) / sizeof(*(a)))

struct fts_side {
	sqlite3 *db;
	sqlite3_stmt *ins[COUNT(fts_tables)];
	struct sbuf marked[3]; /* a row's columns with their stemmer's mark */
	char *err;       /* set on the ranking index's thread */
};

struct writer {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct rankidx_builder *rank;
	struct fts_side fts;
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

/* Adds one section's row to the full-text tables (on the ranking index's
 * thread): to search_trigram too when its text is not all ASCII. The
 * search table gets the values its view search_source gives: in a
 * Snowball language, each column after its stemmer's mark. */
static int fts_add_row(void *ctx, sqlite3_int64 rowid, sqlite3_int64 article,
		       const char *stem, const char *title, const char *heading,
		       const char *body)
{
	struct fts_side *f = ctx;
	const char *col[3] = { title, heading, body };
	int n = text_has_non_ascii(title) || text_has_non_ascii(body) ? 2 : 1;

	for (int i = 0; i < n; i++) {
		sqlite3_stmt *s = f->ins[i];
		int rc;

		sqlite3_bind_int64(s, 1, rowid);
		for (int c = 0; c < 3; c++) {
			if (i == 0 && stem && col[c]) {
				sbuf_reset(&f->marked[c]);
				stemtok_mark(&f->marked[c], stem);
				sbuf_adds(&f->marked[c], col[c]);
				sqlite3_bind_text(s, 2 + c, f->marked[c].buf,
						  (int)f->marked[c].len, SQLITE_STATIC);
			} else {
				bind_text(s, 2 + c, col[c]);
			}
		}
		sqlite3_bind_int64(s, 5, article);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			f->err = xstrdup(sqlite3_errmsg(f->db));
			return -1;
		}
	}
	return 0;
}

/* Opens the in-memory database of the full-text tables, with the whole
 * schema (so the tables are declared exactly as in the output), and
 * attaches it to w->db as "fts" (before w->db's transaction begins).
 * Returns 0, or -1 with *err set. */
static int fts_open(struct writer *w, char **err)
{
	static atomic_uint serial;
	sqlite3_int64 size_limit = (sqlite3_int64)1 << 50;
	struct fts_side *f = &w->fts;
	sqlite3_stmt *s = NULL;
	char name[96];
	int rc;

	/* A memdb whose name starts with '/' is shared by the process's
	 * connections that name it, and freed with the last of them. */
	snprintf(name, sizeof(name), "file:/clew-fts-%ld-%u?vfs=memdb",
		 (long)getpid(), atomic_fetch_add(&serial, 1));
	if (sqlite3_open_v2(name, &f->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	/* A memdb stops at 1 GiB unless told otherwise ("database or disk
	 * is full"): the full-text tables of a large KB are more. Memory is
	 * the limit. */
	sqlite3_file_control(f->db, "main", SQLITE_FCNTL_SIZE_LIMIT, &size_limit);
	if (stemtok_register(f->db) ||
	    sqlite3_exec(f->db, "PRAGMA journal_mode = OFF; "
			 "PRAGMA page_size = 4096; PRAGMA cache_size = -16384;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(f->db, clew_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    /* No incremental merging of index segments during the bulk
	     * load: writer_finish merges everything once ('optimize'). A
	     * 64 MiB in-memory hash (not 1 MiB) before each flush to a
	     * segment: fewer segments to merge (10,000 articles: 3 % faster
	     * and a 4 % smaller file; peak memory grows by that hash at
	     * most, 54 MiB at 50,000). */
	    sqlite3_exec(f->db,
			 "INSERT INTO search(search, rank) VALUES ('automerge', 0);"
			 "INSERT INTO search(search, rank) VALUES ('hashsize', 67108864);"
			 "INSERT INTO search_trigram(search_trigram, rank) VALUES ('automerge', 0);"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < COUNT(fts_tables); i++) {
		char sql[160];

		snprintf(sql, sizeof(sql), "INSERT INTO %s(rowid, title, heading, "
			 "body, article_id) VALUES (?1, ?2, ?3, ?4, ?5)",
			 fts_tables[i]);
		if (sqlite3_prepare_v3(f->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       &f->ins[i], NULL) != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_prepare_v2(w->db, "ATTACH ?1 AS fts", -1, &s, NULL) != SQLITE_OK)
		goto fail_main;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto fail_main;
	return 0;
fail:
	*err = xstrdup(f->db ? sqlite3_errmsg(f->db) : "cannot open database");
	return -1;
fail_main:
	*err = xstrdup(sqlite3_errmsg(w->db));
	return -1;
}

/* Merges the full-text tables' index segments, then copies every shadow
 * table into the output's (emptied) one: a copy SQLite makes record by
 * record, without decoding them, as the tables are declared alike. Runs
 * in w->db's transaction, once the ranking index's thread has ended. */
static int fts_copy(struct writer *w)
{
	struct fts_side *f = &w->fts;

	for (size_t i = 0; i < COUNT(fts_tables); i++) {
		sqlite3_finalize(f->ins[i]);
		f->ins[i] = NULL;
	}
	if (sqlite3_exec(f->db,
			 "INSERT INTO search(search) VALUES ('optimize');"
			 "INSERT INTO search_trigram(search_trigram) VALUES ('optimize');"
			 "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		free(w->err);
		w->err = xstrdup(sqlite3_errmsg(f->db));
		return -1;
	}
	for (size_t i = 0; i < COUNT(fts_tables); i++)
		for (size_t j = 0; j < COUNT(fts_shadows); j++) {
			char sql[200];

			/* `search` reads its text from the sections
			 * (external content): it has no content table. */
			if (i == 0 && !strcmp(fts_shadows[j], "content"))
				continue;
			/* Table names from the lists above, not from input. */
			snprintf(sql, sizeof(sql),
				 "DELETE FROM main.%s_%s; "
				 "INSERT INTO main.%s_%s SELECT * FROM fts.%s_%s;",
				 fts_tables[i], fts_shadows[j], fts_tables[i],
				 fts_shadows[j], fts_tables[i], fts_shadows[j]);
			if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
				return fail(w);
		}
	return 0;
}

struct writer *writer_open(const char *path, char **err)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	struct sbuf local = SBUF_INIT;
	int rc;

	for (int i = 0; i < 3; i++)
		sbuf_init(&w->fts.marked[i]);
	/* Fails harmlessly once SQLite is initialised. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Opened with URIs on, to ATTACH the full-text database by its
	 * URI: a path that would read as one is made plainly relative. */
	if (!strncmp(path, "file:", 5))
		sbuf_adds(&local, "./");
	sbuf_adds(&local, path);
	rc = sqlite3_open_v2(local.buf, &w->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	sbuf_release(&local);
	if (rc != SQLITE_OK)
		goto fail;
	/* Shadow tables are written by fts_copy (SQLite's default; said
	 * here, as a build may turn defensive mode on). */
	sqlite3_db_config(w->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	/* The file is private until renamed into place: no journal, no sync
	 * here; the caller syncs the finished file before renaming it. */
	if (sqlite3_exec(w->db,
			 "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
			 "PRAGMA page_size = 4096; PRAGMA main.locking_mode = EXCLUSIVE; "
			 "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (stemtok_register(w->db) ||
	    sqlite3_exec(w->db, clew_schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (fts_open(w, err)) {
		writer_free(w);
		return NULL;
	}
	if (sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(w->db, stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &w->st[i],
				       NULL) != SQLITE_OK)
			goto fail;
	w->rank = rankidx_builder_new(w->db, fts_add_row, &w->fts);
	if (!w->rank) {
		*err = xstrdup("cannot open SQLite's FTS5 tokenizers");
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

int writer_add_learned(struct writer *w, const struct kb_learned *l)
{
	sqlite3_stmt *s = w->st[ST_LEARNED];

	bind_text(s, 1, l->article);
	bind_text(s, 2, l->cause);
	bind_text(s, 3, l->solution);
	bind_text(s, 4, l->platform);
	sqlite3_bind_double(s, 5, l->authored);
	sqlite3_bind_double(s, 6, l->value);
	sqlite3_bind_double(s, 7, l->sessions);
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

int writer_add_question_text(struct writer *w, const char *lang,
			     const struct kb_question *q)
{
	sqlite3_stmt *s = w->st[ST_QTEXT];

	bind_text(s, 1, q->id);
	bind_text(s, 2, lang);
	bind_text(s, 3, q->text);
	bind_text(s, 4, q->help_html ? q->help_html : "");
	bind_text(s, 5, q->help_text ? q->help_text : "");
	if (run(w, s))
		return -1;
	s = w->st[ST_OLABEL];
	for (size_t i = 0; i < q->nr_options; i++) {
		bind_text(s, 1, q->id);
		bind_text(s, 2, q->options[i].value);
		bind_text(s, 3, lang);
		bind_text(s, 4, q->options[i].label);
		if (run(w, s))
			return -1;
	}
	return 0;
}

static const char *kind_name(enum kb_section_kind k)
{
	return k == KB_SECTION_CAUSES ? "causes" :
	       k == KB_SECTION_SOLUTIONS ? "solutions" : "text";
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
	bind_text(s, 9, sec->text ? sec->text : "");
	if (run(w, s))
		return -1;
	id = sqlite3_last_insert_rowid(w->db);

	/* Its full-text rows are written, and its terms counted, on the
	 * ranking index's thread. */
	if (rankidx_builder_add(w->rank, id, art, stemtok_algorithm(a->lang),
				a->title, sec->heading, sec->text)) {
		free(w->err);
		w->err = xstrdup("sections out of order for the ranking index");
		return -1;
	}
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
	bind_text(s, 7, meta ? meta : "{}");
	bind_text(s, 8, a->escalation_html ? a->escalation_html : "");
	bind_text(s, 9, a->translation_of);
	bind_text(s, 10, a->source_version);
	bind_text(s, 11, stemtok_algorithm(a->lang));
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
		bind_text(s, 8, c->check ? "check" : "cause");
		if (run(w, s))
			goto cleanup;
		/* A translation's causes carry text only: the diagnosis
		 * (conditions, links) is its source's. */
		if (a->translation_of)
			continue;
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
			sqlite3_bind_double(s, 5, kb_article_fix(a, c->id,
								 c->solutions.items[j]));
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
		sqlite3_bind_double(s, 7, sol->cost > 0 ? sol->cost : 1);
		bind_text(s, 8, sol->cost_basis ? sol->cost_basis : "default");
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
	case -3:
		free(w->err);
		w->err = xstrdup(w->fts.err ? w->fts.err : "cannot index a section");
		return -1;
	default:
		return fail(w);
	}
	rankidx_builder_free(w->rank);
	w->rank = NULL;
	if (fts_copy(w) || sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return w->err ? -1 : fail(w);
	if (sqlite3_close(w->db) != SQLITE_OK)
		return fail(w);
	w->db = NULL;
	sqlite3_close(w->fts.db);
	w->fts.db = NULL;
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
	/* The ranking index's thread ends before the full-text database
	 * it writes to is closed. */
	rankidx_builder_free(w->rank);
	for (size_t i = 0; i < COUNT(fts_tables); i++)
		sqlite3_finalize(w->fts.ins[i]);
	if (w->db)
		sqlite3_close(w->db);
	sqlite3_close(w->fts.db);
	for (int i = 0; i < 3; i++)
		sbuf_release(&w->fts.marked[i]);
	free(w->fts.err);
	free(w->err);
	free(w);
}
