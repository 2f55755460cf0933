/* store: read-only queries on a compiled kb.sqlite. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "../base/lang.h"
#include "../base/sbuf.h"
#include "../base/text.h"
#include "../base/xalloc.h"
#include "../engine/model.h"
#include "bm25.h"
#include "rankidx.h"
#include "stemtok.h"
#include "store_internal.h"

/* Longest query text taken, in bytes. */
#define MAX_QUERY 1024
/* Words a substring scan looks for; more are left out. */
#define MAX_SUBSTRING_WORDS 32

/* Search statements, prepared once per handle: [index][platform filter]
 * for ranking, [index] for one hit's details. */
enum { IDX_WORDS, IDX_TRIGRAM, NR_IDX };

struct store {
	sqlite3 *db;
	char *err;
	int max_article_id;
	sqlite3_stmt *rank[NR_IDX][2];
	sqlite3_stmt *hit[NR_IDX];
	sqlite3_stmt *section[NR_IDX]; /* best section by heading and body */
	sqlite3_stmt *hit_text[NR_IDX]; /* a hit's details, by section id */
	unsigned char *seen; /* max_article_id + 1 flags, for one search */
	struct rankidx *ranker; /* opened at the first search */
	int rank_tried;
	/* Each platform's articles as max_article_id + 1 flags, loaded at
	 * the first search with a platform filter. */
	struct platform_articles {
		char *id;
		unsigned char *allow;
	} *platforms;
	size_t nr_platforms, alloc_platforms;
	int platforms_loaded;
	unsigned char *no_articles;
	/* The stemmers the articles' languages use (articles.stem; NULL:
	 * Porter's), the default language's first: a query's words are
	 * stemmed by each, after the reader's. */
	char **stems;
	size_t nr_stems;
	unsigned char *matched; /* max_article_id + 1 flags: the articles
				 * a search's passes matched */
};

static const char *const idx_table[NR_IDX] = { "search", "search_trigram" };

void store_set_err(struct store *st, const char *msg)
{
	free(st->err);
	st->err = xstrdup(msg);
}

int store_db_fail(struct store *st)
{
	store_set_err(st, sqlite3_errmsg(st->db));
	return -1;
}

const char *store_errmsg(const struct store *st)
{
	return st->err ? st->err : "no error";
}

char *store_meta(struct store *st, const char *key)
{
	sqlite3_stmt *s = NULL;
	char *ret = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1",
			       -1, &s, NULL) != SQLITE_OK) {
		store_db_fail(st);
		return NULL;
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		ret = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return ret;
}

struct store_image {
	char *path;
	unsigned char *data; /* an anonymous mapping of map_len bytes */
	size_t len, map_len;
};

/* The bytes live in their own anonymous mapping, not on malloc's heap: a
 * server reloading a KB of some MB every few seconds gives each old image
 * back to the system whole, and its resident memory stays flat. */
struct store_image *store_image_read(const char *path, char **err)
{
	struct store_image *img = NULL;
	struct sbuf msg = SBUF_INIT;
	struct stat sb;
	size_t got = 0, map_len = 0;
	void *map = MAP_FAILED;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) < 0)
		goto sys_fail;
	if (!S_ISREG(sb.st_mode)) {
		sbuf_addf(&msg, "cannot open %s: not a regular file", path);
		goto fail;
	}
	map_len = sb.st_size ? (size_t)sb.st_size : 1; /* mmap takes no 0 */
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		goto sys_fail;
	/* A file cut short meanwhile gives fewer bytes: SQLite then refuses
	 * the image as it would the file. */
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, (char *)map + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto sys_fail;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	img = xcalloc(1, sizeof(*img));
	img->path = xstrdup(path);
	img->data = map;
	img->len = got;
	img->map_len = map_len;
	return img;
sys_fail:
	sbuf_addf(&msg, "cannot open %s: %s", path, strerror(errno));
fail:
	if (map != MAP_FAILED)
		munmap(map, map_len);
	if (fd >= 0)
		close(fd);
	*err = sbuf_detach(&msg, NULL);
	return NULL;
}

void store_image_free(struct store_image *img)
{
	if (!img)
		return;
	munmap(img->data, img->map_len);
	free(img->path);
	free(img);
}

static int stem_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void add_stem(struct store *st, const char *stem)
{
	for (size_t i = 0; i < st->nr_stems; i++)
		if (stem_eq(st->stems[i], stem))
			return;
	st->stems = xrealloc(st->stems, (st->nr_stems + 1) * sizeof(*st->stems));
	st->stems[st->nr_stems++] = stem ? xstrdup(stem) : NULL;
}

/* Reads st->stems: the default language's stemmer, then the articles'.
 * Returns 0 or -1. */
static int load_stems(struct store *st)
{
	char *lang = store_meta(st, "default_lang");
	sqlite3_stmt *s = NULL;
	int rc;

	add_stem(st, stemtok_algorithm(lang));
	free(lang);
	if (sqlite3_prepare_v2(st->db, "SELECT DISTINCT stem FROM articles ORDER BY stem",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		add_stem(st, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The checks every handle passes, on st->db just opened: a Clew KB of the
 * schema version this program reads. Returns 0, or -1 with msg set. */
static int check_kb(struct store *st, const char *path, struct sbuf *msg)
{
	sqlite3_stmt *s = NULL;
	char *version = NULL;

	/* The KB is read-only to us: pages are read in place (from the
	 * mapped file, or the image's bytes) instead of copied. */
	sqlite3_exec(st->db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384;",
		     NULL, NULL, NULL);
	if (bm25_register(st->db) || stemtok_register(st->db)) {
		sbuf_addf(msg, "%s: this SQLite has no FTS5, which search needs", path);
		goto fail;
	}
	version = store_meta(st, "schema_version");
	if (!version) {
		sbuf_addf(msg, "%s is not a Clew knowledge base (%s)", path,
			  st->err ? st->err : "no schema_version");
		goto fail;
	}
	if (strcmp(version, STORE_SCHEMA_VERSION)) {
		sbuf_addf(msg, "%s has schema version %s; this clew reads %s "
			  "(compile it again)", path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) FROM articles",
			       -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		sbuf_addf(msg, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	st->max_article_id = sqlite3_column_int(s, 0);
	st->seen = xcalloc((size_t)st->max_article_id + 1, 1);
	st->matched = xcalloc((size_t)st->max_article_id + 1, 1);
	sqlite3_finalize(s);
	s = NULL;
	if (load_stems(st)) {
		sbuf_addf(msg, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	free(version);
	return 0;
fail:
	sqlite3_finalize(s);
	free(version);
	return -1;
}

struct store *store_open_image(const struct store_image *img, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	struct sbuf msg = SBUF_INIT;
	int rc;

	if (sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sbuf_addf(&msg, "cannot open %s: %s", img->path,
			  st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* Read-only over the image's bytes: SQLite neither writes nor frees
	 * them, so every handle of the image can share one copy. */
	rc = sqlite3_deserialize(st->db, "main", img->data, (sqlite3_int64)img->len,
				 (sqlite3_int64)img->len, SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		sbuf_addf(&msg, "cannot open %s: %s", img->path, sqlite3_errstr(rc));
		goto fail;
	}
	if (check_kb(st, img->path, &msg))
		goto fail;
	return st;
fail:
	*err = sbuf_detach(&msg, NULL);
	store_free(st);
	return NULL;
}

struct store *store_open(const char *path, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	struct sbuf msg = SBUF_INIT;

	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sbuf_addf(&msg, "cannot open %s: %s", path,
			  st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 2000);
	if (check_kb(st, path, &msg))
		goto fail;
	return st;
fail:
	*err = sbuf_detach(&msg, NULL);
	store_free(st);
	return NULL;
}


/* Frees the per-platform article flags loaded by platform_allow. */
static void drop_platforms(struct store *st)
{
	for (size_t i = 0; i < st->nr_platforms; i++) {
		free(st->platforms[i].id);
		free(st->platforms[i].allow);
	}
	st->nr_platforms = 0;
}

void store_free(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < NR_IDX; i++) {
		sqlite3_finalize(st->rank[i][0]);
		sqlite3_finalize(st->rank[i][1]);
		sqlite3_finalize(st->hit[i]);
		sqlite3_finalize(st->section[i]);
	}
	for (int i = 0; i < NR_IDX; i++)
		sqlite3_finalize(st->hit_text[i]);
	rankidx_free(st->ranker);
	drop_platforms(st);
	free(st->platforms);
	free(st->no_articles);
	sqlite3_close(st->db);
	free(st->seen);
	free(st->matched);
	for (size_t i = 0; i < st->nr_stems; i++)
		free(st->stems[i]);
	free(st->stems);
	free(st->err);
	free(st);
}

/* Adds column i of the current row as a string, or null. */
static void add_col(cJSON *obj, const char *name, sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	if (v)
		cJSON_AddStringToObject(obj, name, (const char *)v);
	else
		cJSON_AddNullToObject(obj, name);
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_db_fail(st);
		return NULL;
	}
	return s;
}

/* Runs sql with ?1 = article id; calls row() for each row. */
static int each_row(struct store *st, const char *sql, sqlite3_int64 art,
		    const char *text_arg,
		    void (*row)(sqlite3_stmt *, cJSON *), cJSON *into)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, art);
	if (text_arg)
		sqlite3_bind_text(s, 2, text_arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		row(s, into);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_db_fail(st);
}

static void platform_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON *p = cJSON_CreateObject();

	add_col(p, "id", s, 0);
	add_col(p, "name", s, 1);
	cJSON_AddItemToArray(arr, p);
}

static void string_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON_AddItemToArray(arr, cJSON_CreateString(
				      (const char *)sqlite3_column_text(s, 0)));
}

static void section_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	add_col(o, "anchor", s, 0);
	add_col(o, "heading", s, 1);
	cJSON_AddNumberToObject(o, "level", sqlite3_column_int(s, 2));
	add_col(o, "platform", s, 3);
	add_col(o, "kind", s, 4);
	cJSON_AddItemToArray(arr, o);
}

/* An article's whole body: its sections' HTML in order (each piece of
 * text is stored once; kb.sqlite.sql), appended to out. Returns 0 or -1. */
static int article_html(struct store *st, sqlite3_int64 art, struct sbuf *out)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT html FROM sections "
					    "WHERE article_id = ?1 ORDER BY position");
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, art);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		sbuf_add(out, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_db_fail(st);
}

static void translation_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	add_col(o, "lang", s, 0);
	cJSON_AddBoolToObject(o, "outdated", sqlite3_column_int(s, 1));
	cJSON_AddItemToArray(arr, o);
}

/* Puts a translated cause's or step's title and html (row: id, title,
 * html) into the item of arr with that id. */
static void overlay_row(sqlite3_stmt *s, cJSON *arr)
{
	const char *id = (const char *)sqlite3_column_text(s, 0);
	cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *iid = cJSON_GetObjectItemCaseSensitive(it, "id");

		if (cJSON_IsString(iid) && id && !strcmp(iid->valuestring, id)) {
			cJSON_ReplaceItemInObjectCaseSensitive(it, "title", cJSON_CreateString(
				(const char *)sqlite3_column_text(s, 1)));
			cJSON_ReplaceItemInObjectCaseSensitive(it, "html", cJSON_CreateString(
				(const char *)sqlite3_column_text(s, 2)));
			return;
		}
	}
}

static void solution_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	add_col(o, "id", s, 0);
	add_col(o, "platform", s, 1);
	add_col(o, "title", s, 2);
	add_col(o, "html", s, 3);
	cJSON_AddNumberToObject(o, "cost", sqlite3_column_double(s, 4));
	add_col(o, "cost_basis", s, 5);
	cJSON_AddItemToArray(arr, o);
}

/* A cause's link to a solution: its id into "solutions", its chance of
 * fixing the problem into "fix_probability" (by solution id). */
static void link_row(sqlite3_stmt *s, cJSON *cause)
{
	const char *id = (const char *)sqlite3_column_text(s, 0);

	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(cause, "solutions"),
			     cJSON_CreateString(id));
	cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(cause, "fix_probability"),
				id, sqlite3_column_double(s, 1));
}

static void cause_row(sqlite3_stmt *s, cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	add_col(o, "id", s, 0);
	add_col(o, "platform", s, 1);
	add_col(o, "title", s, 2);
	add_col(o, "html", s, 3);
	if (sqlite3_column_type(s, 4) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "weight");
	else
		cJSON_AddNumberToObject(o, "weight", sqlite3_column_double(s, 4));
	add_col(o, "kind", s, 5);
	cJSON_AddItemToObject(o, "solutions", cJSON_CreateArray());
	cJSON_AddItemToObject(o, "fix_probability", cJSON_CreateObject());
	cJSON_AddItemToObject(o, "conditions", cJSON_CreateObject());
	cJSON_AddItemToArray(arr, o);
}

static void condition_row(sqlite3_stmt *s, cJSON *conds)
{
	const char *q = (const char *)sqlite3_column_text(s, 0);
	cJSON *values = cJSON_GetObjectItemCaseSensitive(conds, q);

	if (!values)
		values = cJSON_AddArrayToObject(conds, q);
	cJSON_AddItemToArray(values, cJSON_CreateString(
					     (const char *)sqlite3_column_text(s, 1)));
}

/* Whether translation t follows an older version of its source a
 * (docs/translating.md): the source's hash is not the one it names, or,
 * when it names none, the source's updatedAt is later. SQL over the
 * aliases t and a. */
#define OUTDATED_SQL                                                           \
	"(CASE WHEN t.source_version IS NOT NULL "                             \
	"THEN t.source_version <> a.source_hash "                              \
	"ELSE coalesce(a.updated_at > t.updated_at, 0) END)"

cJSON *store_article_json(struct store *st, const char *slug)
{
	sqlite3_stmt *s = store_prepare(st,
		"SELECT id, slug, title, updated_at, lang, meta, escalation_html "
		"FROM articles WHERE slug = ?1");
	cJSON *doc = NULL, *arr, *causes, *c;
	sqlite3_int64 art;
	int rc;

	if (!s)
		return NULL;
	sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			store_set_err(st, "not found");
		else
			store_db_fail(st);
		sqlite3_finalize(s);
		return NULL;
	}
	art = sqlite3_column_int64(s, 0);
	doc = cJSON_CreateObject();
	add_col(doc, "slug", s, 1);
	add_col(doc, "title", s, 2);
	arr = cJSON_AddArrayToObject(doc, "platforms");
	if (each_row(st, "SELECT p.id, p.name FROM article_platforms ap "
			 "JOIN platforms p ON p.id = ap.platform_id "
			 "WHERE ap.article_id = ?1 ORDER BY ap.position",
		     art, NULL, platform_row, arr))
		goto fail;
	arr = cJSON_AddArrayToObject(doc, "products");
	if (each_row(st, "SELECT product FROM article_products "
			 "WHERE article_id = ?1 ORDER BY position",
		     art, NULL, string_row, arr))
		goto fail;
	add_col(doc, "updated_at", s, 3);
	add_col(doc, "lang", s, 4);
	{
		cJSON *meta = cJSON_Parse((const char *)sqlite3_column_text(s, 5));
		cJSON_AddItemToObject(doc, "meta", meta ? meta : cJSON_CreateObject());
	}
	{
		struct sbuf html = SBUF_INIT;

		if (article_html(st, art, &html)) {
			sbuf_release(&html);
			goto fail;
		}
		cJSON_AddStringToObject(doc, "html", html.buf);
		sbuf_release(&html);
	}
	add_col(doc, "escalation_html", s, 6);
	arr = cJSON_AddArrayToObject(doc, "sections");
	/* Sections carry no HTML of their own here: the article's html holds
	 * them all, each heading with its anchor as id. */
	if (each_row(st, "SELECT anchor, heading, level, platform_id, kind "
			 "FROM sections WHERE article_id = ?1 ORDER BY position",
		     art, NULL, section_row, arr))
		goto fail;
	causes = cJSON_AddArrayToObject(doc, "causes");
	if (each_row(st, "SELECT id, platform_id, title, html, weight, kind FROM causes "
			 "WHERE article_id = ?1 ORDER BY position",
		     art, NULL, cause_row, causes))
		goto fail;
	cJSON_ArrayForEach(c, causes) {
		const char *id = cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring;

		if (each_row(st, "SELECT solution_id, probability FROM cause_solutions "
				 "WHERE article_id = ?1 AND cause_id = ?2 "
				 "ORDER BY position",
			     art, id, link_row, c) ||
		    each_row(st, "SELECT question_id, value FROM cause_conditions "
				 "WHERE article_id = ?1 AND cause_id = ?2 "
				 "ORDER BY question_id, value",
			     art, id, condition_row,
			     cJSON_GetObjectItemCaseSensitive(c, "conditions")))
			goto fail;
	}
	arr = cJSON_AddArrayToObject(doc, "solutions");
	if (each_row(st, "SELECT id, platform_id, title, html, cost, cost_basis FROM solutions "
			 "WHERE article_id = ?1 ORDER BY position",
		     art, NULL, solution_row, arr))
		goto fail;
	/* The languages it is translated into, and whether each follows
	 * this version of it. */
	arr = cJSON_AddArrayToObject(doc, "translations");
	if (each_row(st, "SELECT t.lang, " OUTDATED_SQL " FROM articles AS t "
			 "JOIN articles AS a ON a.slug = t.translation_of "
			 "WHERE a.id = ?1 ORDER BY t.lang",
		     art, NULL, translation_row, arr))
		goto fail;
	sqlite3_finalize(s);
	return doc;
fail:
	sqlite3_finalize(s);
	cJSON_Delete(doc);
	return NULL;
}

cJSON *store_translation_json(struct store *st, const char *slug, const char *lang)
{
	sqlite3_stmt *s = store_prepare(st,
		"SELECT t.id, t.title, t.updated_at, t.escalation_html, a.lang, "
		OUTDATED_SQL " FROM articles AS t JOIN articles AS a ON a.slug = t.translation_of "
		"WHERE t.translation_of = ?1 AND t.lang = ?2");
	cJSON *doc = NULL, *arr;
	struct sbuf html = SBUF_INIT;
	sqlite3_int64 tr;
	int rc;

	if (!s)
		return NULL;
	sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			store_set_err(st, "not found");
		else
			store_db_fail(st);
		goto fail;
	}
	if (!(doc = store_article_json(st, slug)))
		goto fail;
	tr = sqlite3_column_int64(s, 0);
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "title", cJSON_CreateString(
		(const char *)sqlite3_column_text(s, 1)));
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "lang", cJSON_CreateString(lang));
	if (sqlite3_column_type(s, 2) != SQLITE_NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(doc, "updated_at", cJSON_CreateString(
			(const char *)sqlite3_column_text(s, 2)));
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "escalation_html", cJSON_CreateString(
		(const char *)sqlite3_column_text(s, 3)));
	if (sqlite3_column_type(s, 4) == SQLITE_NULL)
		cJSON_AddNullToObject(doc, "source_lang");
	else
		cJSON_AddStringToObject(doc, "source_lang", (const char *)sqlite3_column_text(s, 4));
	cJSON_AddBoolToObject(doc, "outdated", sqlite3_column_int(s, 5));
	if (article_html(st, tr, &html))
		goto fail;
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "html", cJSON_CreateString(html.buf));
	arr = cJSON_CreateArray();
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "sections", arr);
	if (each_row(st, "SELECT anchor, heading, level, platform_id, kind "
			 "FROM sections WHERE article_id = ?1 ORDER BY position",
		     tr, NULL, section_row, arr) ||
	    each_row(st, "SELECT id, title, html FROM causes WHERE article_id = ?1",
		     tr, NULL, overlay_row, cJSON_GetObjectItem(doc, "causes")) ||
	    each_row(st, "SELECT id, title, html FROM solutions WHERE article_id = ?1",
		     tr, NULL, overlay_row, cJSON_GetObjectItem(doc, "solutions")))
		goto fail;
	sqlite3_finalize(s);
	sbuf_release(&html);
	return doc;
fail:
	sqlite3_finalize(s);
	sbuf_release(&html);
	cJSON_Delete(doc);
	return NULL;
}

/* Finds the next query word at or after *p: a run of ASCII letters and
 * digits and non-ASCII bytes, of at least min_chars characters. Sets
 * *start and *len and returns 1, or returns 0 at the end. */
static int next_word(const unsigned char **p, int min_chars,
		     const unsigned char **start, size_t *len)
{
	while (**p) {
		const unsigned char *s = *p;
		int chars = 0;

		while (**p && **p < 0x80 && !((**p >= '0' && **p <= '9') ||
					      ((**p | 0x20) >= 'a' && (**p | 0x20) <= 'z')))
			(*p)++;
		s = *p;
		while (**p && (**p >= 0x80 || (**p >= '0' && **p <= '9') ||
			       ((**p | 0x20) >= 'a' && (**p | 0x20) <= 'z'))) {
			chars += (**p & 0xC0) != 0x80;
			(*p)++;
		}
		if (*p == s || chars < min_chars)
			continue;
		*start = s;
		*len = (size_t)(*p - s);
		return 1;
	}
	return 0;
}

/* Whether the last word of text is being typed, and so also matches as a
 * prefix: the text ends in a word's character (as next_word reads them),
 * not in a blank or a sign ("C++" is the word "c", not every word that
 * starts with c). */
static int ends_in_word(const char *text)
{
	size_t n = strlen(text);
	unsigned char c = n ? (unsigned char)text[n - 1] : 0;

	return n && (c >= 0x80 || (c >= '0' && c <= '9') ||
		     ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

/* Builds an FTS5 query that cannot be a syntax error: every word of text
 * quoted, all required, the last one also matching as a prefix (so a word
 * being typed finds its completions); each word after stem's mark when
 * stem is not NULL (stemtok.h). min_chars drops shorter words (the
 * trigram index needs three characters). Returns the number of words. */
static int build_match(const char *text, int min_chars, int prefix,
		       const char *stem, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)text, *start;
	size_t len;
	int words = 0;

	while (next_word(&p, min_chars, &start, &len)) {
		if (words++)
			sbuf_addch(out, ' ');
		sbuf_addch(out, '"');
		if (stem)
			stemtok_mark(out, stem);
		/* Words hold no '"': only letters, digits and non-ASCII. */
		sbuf_add(out, start, len);
		sbuf_addch(out, '"');
	}
	if (words && prefix && ends_in_word(text))
		sbuf_addch(out, '*');
	return words;
}

/* Appends text HTML-escaped, with \x02 / \x03 turned into <mark> tags and
 * line ends into spaces. */
static void escape_snippet(const char *text, struct sbuf *out)
{
	const char *algo;
	int algo_len;

	/* FTS5's snippet() of a marked column keeps the mark, which is at
	 * the column's start. */
	text += stemtok_mark_len(text, (int)strnlen(text, 64), &algo, &algo_len);
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		case '\x02': sbuf_adds(out, "<mark>"); break;
		case '\x03': sbuf_adds(out, "</mark>"); break;
		case '\n': sbuf_addch(out, ' '); break;
		default: sbuf_addch(out, *p); break;
		}
	}
}

/* The ranking statement of index idx (with or without the platform
 * filter), prepared on first use and kept. Only the table name is pasted
 * into the SQL, and it is one of ours. */
static sqlite3_stmt *rank_stmt(struct store *st, int idx, int platform)
{
	struct sbuf sql = SBUF_INIT;
	const char *t = idx_table[idx];

	if (st->rank[idx][platform])
		return st->rank[idx][platform];
	sbuf_addf(&sql,
		  "SELECT article_id, rowid, clew_bm25(%s, 10.0, 4.0, 1.0, 0.0) AS r "
		  "FROM %s WHERE %s MATCH ?1 %s ORDER BY r",
		  t, t, t,
		  platform ? "AND article_id IN (SELECT article_id FROM "
			     "article_platforms WHERE platform_id = ?2)" : "");
	if (sqlite3_prepare_v3(st->db, sql.buf, -1, SQLITE_PREPARE_PERSISTENT,
			       &st->rank[idx][platform], NULL) != SQLITE_OK)
		store_db_fail(st);
	sbuf_release(&sql);
	return st->rank[idx][platform];
}

static sqlite3_stmt *hit_stmt(struct store *st, int idx)
{
	struct sbuf sql = SBUF_INIT;
	const char *t = idx_table[idx];

	if (st->hit[idx])
		return st->hit[idx];
	sbuf_addf(&sql,
		  "SELECT coalesce(a.translation_of, a.slug), a.title, s.anchor, s.heading, "
		  "snippet(%s, 2, char(2), char(3), '…', 24), a.lang "
		  "FROM %s AS x JOIN sections AS s ON s.id = x.rowid "
		  "JOIN articles AS a ON a.id = s.article_id "
		  "WHERE %s MATCH ?1 AND x.rowid = ?2",
		  t, t, t);
	if (sqlite3_prepare_v3(st->db, sql.buf, -1, SQLITE_PREPARE_PERSISTENT,
			       &st->hit[idx], NULL) != SQLITE_OK)
		store_db_fail(st);
	sbuf_release(&sql);
	return st->hit[idx];
}


/* Every section row repeats its article's title, so a word found only in
 * the title matches all of them and the shortest wins. For display, take
 * instead the section whose heading or text matches, when one does. */
static void pick_section(struct store *st, int idx, const char *match,
			 struct rankidx_hit *h)
{
	struct sbuf sql = SBUF_INIT, q = SBUF_INIT;
	const char *t = idx_table[idx];
	sqlite3_stmt *s = st->section[idx];

	if (!s) {
		/* article_id is not indexed in the full-text table: filtering
		 * on it scans every match of the query, for each hit. An
		 * article's sections are written together, so their ids are
		 * one range, and a rowid range is a seek. */
		sbuf_addf(&sql, "SELECT rowid FROM %s WHERE %s MATCH ?1 "
			  "AND rowid BETWEEN (SELECT min(id) FROM sections WHERE article_id = ?2) "
			  "AND (SELECT max(id) FROM sections WHERE article_id = ?2) "
			  "AND article_id = ?2 ORDER BY clew_bm25(%s) LIMIT 1", t, t, t);
		if (sqlite3_prepare_v3(st->db, sql.buf, -1, SQLITE_PREPARE_PERSISTENT,
				       &st->section[idx], NULL) != SQLITE_OK) {
			sbuf_release(&sql);
			return; /* keep the section ranking chose */
		}
		s = st->section[idx];
	}
	/* A column filter on the whole query: '{heading body} : (...)'. */
	sbuf_addf(&q, "{heading body} : (%s)", match);
	sqlite3_bind_text(s, 1, q.buf, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, h->article);
	if (sqlite3_step(s) == SQLITE_ROW)
		h->section = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sbuf_release(&sql);
	sbuf_release(&q);
}

/* Runs one index's query: fills hits (best section per article, at most
 * limit) and returns the number of articles matched, or -1. */
static int search_index(struct store *st, int idx, const char *match,
			const char *platform, int limit, struct rankidx_hit *hits,
			int *nr_hits)
{
	sqlite3_stmt *s = rank_stmt(st, idx, platform != NULL);
	int total = 0, rc;

	if (!s)
		return -1;
	memset(st->seen, 0, (size_t)st->max_article_id + 1);
	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	if (platform)
		sqlite3_bind_text(s, 2, platform, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int art = sqlite3_column_int(s, 0);

		if (art < 0 || art > st->max_article_id || st->seen[art])
			continue;
		st->seen[art] = 1;
		if (total++ < limit) {
			hits[*nr_hits].section = sqlite3_column_int64(s, 1);
			hits[*nr_hits].score = -sqlite3_column_double(s, 2);
			hits[*nr_hits].article = art;
			(*nr_hits)++;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? total : store_db_fail(st);
}

/* The flags of the articles on platform (max_article_id + 1 of them),
 * all loaded at the first call; NULL on a database error. */
static const unsigned char *platform_allow(struct store *st,
					   const char *platform)
{
	size_t n = (size_t)st->max_article_id + 1;

	if (!st->platforms_loaded) {
		sqlite3_stmt *s = store_prepare(st, "SELECT platform_id, article_id "
						"FROM article_platforms "
						"ORDER BY platform_id");
		struct platform_articles *cur = NULL;
		int rc;

		if (!s)
			return NULL;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(s, 0);
			sqlite3_int64 art = sqlite3_column_int64(s, 1);

			if (!id)
				continue;
			if (!cur || strcmp(cur->id, id)) {
				ALLOC_GROW(st->platforms, st->nr_platforms + 1,
					   st->alloc_platforms);
				cur = &st->platforms[st->nr_platforms++];
				cur->id = xstrdup(id);
				cur->allow = xcalloc(n, 1);
			}
			if (art >= 0 && art < (sqlite3_int64)n)
				cur->allow[art] = 1;
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			/* Nothing half-loaded stays: the next search tries again. */
			drop_platforms(st);
			store_set_err(st, "cannot read the articles' platforms");
			return NULL;
		}
		st->no_articles = xcalloc(n, 1);
		st->platforms_loaded = 1;
	}
	for (size_t i = 0; i < st->nr_platforms; i++)
		if (!strcmp(st->platforms[i].id, platform))
			return st->platforms[i].allow;
	return st->no_articles;
}

/* Ranks text's words, stemmed by stem, with the ranking index
 * (search_terms), as search_index would with the FTS5 query
 * build_match(text, 1, 1, stem) gives; sets the flags in matched (when
 * not NULL) of the articles matched.
 * Returns the number of articles matched, RANKIDX_CANNOT when the index
 * cannot answer (search_index must), or -1. */
static int search_ranked(struct store *st, const char *stem, const char *text,
			 const char *platform, unsigned char *matched, int limit,
			 struct rankidx_hit *hits, int *nr_hits)
{
	const unsigned char *p = (const unsigned char *)text, *start;
	const unsigned char *allow = NULL;
	struct rankidx_word *words = NULL;
	size_t len, nr = 0, alloc = 0;
	int ret;

	if (!st->rank_tried) {
		st->rank_tried = 1;
		st->ranker = rankidx_open(st->db);
	}
	if (!st->ranker)
		return RANKIDX_CANNOT;
	if (platform && !(allow = platform_allow(st, platform)))
		return -1;
	while (next_word(&p, 1, &start, &len)) {
		ALLOC_GROW(words, nr + 1, alloc);
		words[nr].text = (const char *)start;
		words[nr].len = len;
		nr++;
	}
	ret = rankidx_search(st->ranker, stem, words, (int)nr, ends_in_word(text), allow,
			     st->max_article_id, matched, limit, hits, nr_hits);
	if (ret == -1)
		store_db_fail(st);
	free(words);
	return ret;
}

/* A hit found without FTS5's MATCH (ranked by the ranking index, or
 * found by a substring scan): its row's body in index idx, for a snippet
 * cut in C, and no full-text query per hit (a prefix query costs FTS5 a
 * merge of every term it begins, even for one row). Only the table name
 * is pasted into the SQL, and it is one of ours. */
static sqlite3_stmt *hit_text_stmt(struct store *st, int idx)
{
	struct sbuf sql = SBUF_INIT;

	if (st->hit_text[idx])
		return st->hit_text[idx];
	/* The words index reads its text from the sections (its own has
	 * the stemmer's mark); the trigram index keeps a copy. */
	if (idx == IDX_WORDS)
		sbuf_adds(&sql, "SELECT coalesce(a.translation_of, a.slug), a.title, "
			  "s.anchor, s.heading, s.text, a.lang, a.stem ");
	else
		sbuf_addf(&sql, "SELECT coalesce(a.translation_of, a.slug), a.title, "
			  "s.anchor, s.heading, (SELECT body FROM %s WHERE rowid = s.id), "
			  "a.lang, a.stem ", idx_table[idx]);
	sbuf_adds(&sql, "FROM sections AS s JOIN articles AS a "
		  "ON a.id = s.article_id WHERE s.id = ?1");
	if (sqlite3_prepare_v3(st->db, sql.buf, -1, SQLITE_PREPARE_PERSISTENT,
			       &st->hit_text[idx], NULL) != SQLITE_OK)
		store_db_fail(st);
	sbuf_release(&sql);
	return st->hit_text[idx];
}

/* Steps back (or on) n characters of UTF-8 from p, not past start (or
 * end). */
static const char *utf8_back(const char *start, const char *p, int n)
{
	while (n-- > 0 && p > start)
		do
			p--;
		while (p > start && ((unsigned char)*p & 0xC0) == 0x80);
	return p;
}

static const char *utf8_on(const char *p, const char *end, int n)
{
	while (n-- > 0 && p < end)
		do
			p++;
		while (p < end && ((unsigned char)*p & 0xC0) == 0x80);
	return p;
}

/* A query's words (next_word's, at most MAX_SUBSTRING_WORDS), cut once
 * for a substring search and its snippets; they point into the query. */
struct query_words {
	const char *word[MAX_SUBSTRING_WORDS];
	size_t len[MAX_SUBSTRING_WORDS];
	int nr;
	int short_foreign; /* one has a non-ASCII character and under 3 */
};

static void cut_words(const char *text, struct query_words *w)
{
	const unsigned char *p = (const unsigned char *)text, *start;
	size_t len;

	w->nr = 0;
	w->short_foreign = 0;
	while (w->nr < MAX_SUBSTRING_WORDS && next_word(&p, 1, &start, &len)) {
		int chars = 0, foreign = 0;

		for (size_t i = 0; i < len; i++) {
			chars += (start[i] & 0xC0) != 0x80;
			foreign |= start[i] >= 0x80;
		}
		w->short_foreign |= foreign && chars < 3;
		w->word[w->nr] = (const char *)start;
		w->len[w->nr++] = len;
	}
}

/* The length of the longest of the words that stands at p (before end),
 * ASCII letters in either case as LIKE compares them; 0 for none. */
static size_t word_at(const char *p, const char *end,
		      const struct query_words *w)
{
	size_t best = 0;

	for (int i = 0; i < w->nr; i++)
		if (w->len[i] > best && w->len[i] <= (size_t)(end - p) &&
		    text_ieq_n(p, w->word[i], w->len[i]))
			best = w->len[i];
	return best;
}

/* A snippet of text around the first place one of the words stands in
 * it, each word in the window marked as FTS5's snippet() marks them
 * (\x02 ... \x03, "…" where text was cut): about SUBSTRING_SNIPPET
 * characters, a third of them before that first word. Without any word
 * (they were in the title or heading), the text's beginning. */
#define SUBSTRING_SNIPPET 48
static void substring_snippet(const char *text, const struct query_words *w,
			      struct sbuf *out)
{
	const char *end = text + strlen(text), *at = NULL, *from = text, *to;

	for (const char *p = text; p < end && !at; p++)
		if (word_at(p, end, w))
			at = p;
	if (at)
		from = utf8_back(text, at, SUBSTRING_SNIPPET / 3);
	to = utf8_on(from, end, SUBSTRING_SNIPPET);
	if (from > text)
		sbuf_adds(out, "…");
	for (const char *p = from; p < to;) {
		size_t n = word_at(p, to, w);

		if (!n) {
			sbuf_addch(out, *p++);
			continue;
		}
		sbuf_addch(out, '\x02');
		sbuf_add(out, p, n);
		sbuf_addch(out, '\x03');
		p += n;
	}
	if (to < end)
		sbuf_adds(out, "…");
}

/* How a hit was found, which says how its snippet is cut. */
enum hit_kind {
	HIT_FTS,       /* by index idx's FTS5 query match: FTS5's snippet() */
	HIT_RANKED,    /* by the ranking index: rankidx_snippet */
	HIT_SUBSTRING, /* by a substring scan for the words: around match */
};

/* One hit's object. match: the FTS5 query, for HIT_FTS; words: the words
 * looked for, for HIT_SUBSTRING. */
static cJSON *hit_json(struct store *st, enum hit_kind kind, int idx,
		       const char *match, const struct query_words *words,
		       const struct rankidx_hit *h)
{
	sqlite3_stmt *s = kind == HIT_FTS ? hit_stmt(st, idx) :
			  hit_text_stmt(st, kind == HIT_RANKED ? IDX_WORDS : idx);
	struct sbuf snip = SBUF_INIT, raw = SBUF_INIT;
	cJSON *o = NULL;

	if (!s)
		return NULL;
	if (kind == HIT_FTS) {
		sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, h->section);
	} else {
		sqlite3_bind_int64(s, 1, h->section);
	}
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 4);

		if (kind == HIT_RANKED) {
			if (rankidx_snippet(st->ranker,
					    (const char *)sqlite3_column_text(s, 6),
					    text, "\x02", "\x03", "…", 24, &raw)) {
				store_set_err(st, "cannot tokenize a snippet");
				goto cleanup;
			}
			text = raw.buf;
		} else if (kind == HIT_SUBSTRING) {
			substring_snippet(text ? text : "", words, &raw);
			text = raw.buf;
		}
		o = cJSON_CreateObject();
		add_col(o, "slug", s, 0);
		add_col(o, "title", s, 1);
		add_col(o, "section", s, 2);
		add_col(o, "heading", s, 3);
		escape_snippet(text ? text : "", &snip);
		cJSON_AddStringToObject(o, "snippet", snip.buf);
		cJSON_AddNumberToObject(o, "score",
					(double)(long long)(h->score * 1000 + 0.5) / 1000);
		add_col(o, "lang", s, 5);
	} else {
		store_db_fail(st);
	}
cleanup:
	sqlite3_reset(s);
	sbuf_release(&snip);
	sbuf_release(&raw);
	return o;
}

/* The last resort for text written without spaces: each of the words
 * is looked for as a substring (title, heading or body) by a scan of the
 * sections that hold non-ASCII text (the trigram index's rows), for words
 * too short for the trigram index. Unranked (score 0): articles in the
 * order they were compiled, each shown by its first section that holds
 * the words in its own heading or text, else its first matching one.
 * Returns the number of articles matched, or -1. */
static int search_substrings(struct store *st, const struct query_words *w,
			     const char *platform, int limit,
			     struct rankidx_hit *hits, int *nr_hits)
{
	struct sbuf sql = SBUF_INIT, pat = SBUF_INIT;
	sqlite3_stmt *s = NULL;
	int total = 0, rc, cur = -1, cur_in_text = 0, ret = -1;

	/* Only placeholders are pasted into the SQL: the words are bound.
	 * The third column says whether the words are in the heading or the
	 * text, not only in the title (which every row repeats). */
	sbuf_adds(&sql, "SELECT rowid, article_id, 1");
	for (int i = 1; i <= w->nr; i++)
		sbuf_addf(&sql, " AND (heading LIKE ?%d OR body LIKE ?%d)", i, i);
	sbuf_adds(&sql, " FROM search_trigram WHERE 1");
	for (int i = 1; i <= w->nr; i++)
		sbuf_addf(&sql, " AND (title LIKE ?%d OR heading LIKE ?%d OR "
			  "body LIKE ?%d)", i, i, i);
	if (platform)
		sbuf_addf(&sql, " AND article_id IN (SELECT article_id FROM "
			  "article_platforms WHERE platform_id = ?%d)", w->nr + 1);
	sbuf_adds(&sql, " ORDER BY rowid");
	if (sqlite3_prepare_v2(st->db, sql.buf, -1, &s, NULL) != SQLITE_OK)
		goto db_error;
	for (int i = 0; i < w->nr; i++) {
		/* Words are letters, digits and non-ASCII: no '%' or '_'. */
		sbuf_reset(&pat);
		sbuf_addch(&pat, '%');
		sbuf_add(&pat, w->word[i], w->len[i]);
		sbuf_addch(&pat, '%');
		sqlite3_bind_text(s, i + 1, pat.buf, (int)pat.len, SQLITE_TRANSIENT);
	}
	if (platform)
		sqlite3_bind_text(s, w->nr + 1, platform, -1, SQLITE_STATIC);
	memset(st->seen, 0, (size_t)st->max_article_id + 1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int art = sqlite3_column_int(s, 1);
		int in_text = sqlite3_column_int(s, 2);

		if (art < 0 || art > st->max_article_id)
			continue;
		if (st->seen[art]) {
			/* An article's rows come together. */
			if (cur >= 0 && hits[cur].article == art && !cur_in_text &&
			    in_text) {
				hits[cur].section = sqlite3_column_int64(s, 0);
				cur_in_text = 1;
			}
			continue;
		}
		st->seen[art] = 1;
		cur = -1;
		if (total++ < limit) {
			cur = (*nr_hits)++;
			cur_in_text = in_text;
			hits[cur].section = sqlite3_column_int64(s, 0);
			hits[cur].score = 0;
			hits[cur].article = art;
		}
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	ret = total;
	goto cleanup;
db_error:
	store_db_fail(st);
cleanup:
	sqlite3_finalize(s);
	sbuf_release(&sql);
	sbuf_release(&pat);
	return ret;
}

/* The hits in the reader's language first (the others in their order),
 * then one hit an article: of an article found in several languages, the
 * first left, so the reader's; limit hits at most. */
static void prefer_language(cJSON *hits, const char *lang, int limit)
{
	cJSON *mine = cJSON_CreateArray(), *rest = cJSON_CreateArray(), *h;

	while ((h = cJSON_DetachItemFromArray(hits, 0))) {
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(h, "lang"));

		cJSON_AddItemToArray(lang && l && lang_eq(l, lang) ? mine : rest, h);
	}
	while ((h = cJSON_DetachItemFromArray(rest, 0)))
		cJSON_AddItemToArray(mine, h);
	while ((h = cJSON_DetachItemFromArray(mine, 0))) {
		const char *slug = cJSON_GetStringValue(cJSON_GetObjectItem(h, "slug"));
		const cJSON *o;
		int seen = 0;

		cJSON_ArrayForEach(o, hits)
			seen |= slug && !strcmp(slug, cJSON_GetStringValue(cJSON_GetObjectItem(o, "slug")));
		if (seen || cJSON_GetArraySize(hits) >= limit)
			cJSON_Delete(h);
		else
			cJSON_AddItemToArray(hits, h);
	}
	cJSON_Delete(mine);
	cJSON_Delete(rest);
}

/* One pass of a search: q's words stemmed by stem, ranked by the ranking
 * index (or FTS5 when it cannot), their hits' objects appended to arr,
 * the flags of the articles matched set in st->matched. Returns the
 * number of articles matched, or -1. */
static int search_words(struct store *st, const struct store_search_opts *opts,
			const char *stem, int limit, cJSON *arr)
{
	struct sbuf match = SBUF_INIT;
	struct rankidx_hit *hits = xcalloc((size_t)limit, sizeof(*hits));
	enum hit_kind kind = HIT_RANKED;
	int nr_hits = 0, total;

	build_match(opts->query, 1, 1, stem, &match);
	total = search_ranked(st, stem, opts->query, opts->platform, st->matched,
			      limit, hits, &nr_hits);
	if (total == RANKIDX_CANNOT) {
		kind = HIT_FTS;
		total = search_index(st, IDX_WORDS, match.buf, opts->platform, limit,
				     hits, &nr_hits);
		/* search_index flags what it matched in st->seen. */
		for (int a = 0; total > 0 && a <= st->max_article_id; a++)
			st->matched[a] |= st->seen[a];
	}
	for (int i = 0; total >= 0 && i < nr_hits; i++) {
		cJSON *h;

		/* The ranking index picked the section already. */
		if (kind == HIT_FTS)
			pick_section(st, IDX_WORDS, match.buf, &hits[i]);
		h = hit_json(st, kind, IDX_WORDS, match.buf, NULL, &hits[i]);
		if (!h)
			total = -1;
		else
			cJSON_AddItemToArray(arr, h);
	}
	free(hits);
	sbuf_release(&match);
	return total;
}

enum store_search_result store_search(struct store *st,
				      const struct store_search_opts *opts,
				      struct cJSON **out)
{
	struct sbuf match = SBUF_INIT;
	int limit = opts->limit > 0 ? opts->limit : 10;
	struct rankidx_hit *hits = NULL;
	int nr_hits = 0, total;
	struct query_words words;
	enum store_search_result ret = STORE_SEARCH_ERROR;
	cJSON *doc = NULL, *arr;
	const char *q = opts->query ? opts->query : "";
	const char *reader = opts->lang ? stemtok_algorithm(opts->lang) : st->stems[0];
	struct store_search_opts o = *opts;

	if (limit > 100)
		limit = 100;
	if (strlen(q) > MAX_QUERY) {
		store_set_err(st, "query too long: at most 1024 bytes");
		return STORE_SEARCH_BAD_QUERY;
	}
	if (!text_is_utf8(q)) {
		store_set_err(st, "the query is not valid UTF-8 text");
		return STORE_SEARCH_BAD_QUERY;
	}
	if (!build_match(q, 1, 1, NULL, &match)) {
		store_set_err(st, "empty query: give at least one word to search for");
		sbuf_release(&match);
		return STORE_SEARCH_BAD_QUERY;
	}
	o.query = q;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "query", q);
	arr = cJSON_CreateArray();
	/* The words as the reader's language stems them, then as each other
	 * language of the KB does (the default's first): a German reader's
	 * "Lautsprechern" finds the German article, and "speakers" the
	 * English one. total counts the articles any pass matched. */
	memset(st->matched, 0, (size_t)st->max_article_id + 1);
	total = search_words(st, &o, reader, limit, arr);
	for (size_t i = 0; total >= 0 && i < st->nr_stems; i++)
		if (!stem_eq(st->stems[i], reader) &&
		    search_words(st, &o, st->stems[i], limit, arr) < 0)
			total = -1;
	if (total >= 0) {
		total = 0;
		for (int a = 0; a <= st->max_article_id; a++)
			total += st->matched[a];
	}
	/* Text without spaces between words: look for substrings. */
	cut_words(q, &words);
	if (total == 0) {
		int idx = IDX_TRIGRAM;
		enum hit_kind kind = HIT_FTS;

		hits = xcalloc((size_t)limit, sizeof(*hits));
		sbuf_reset(&match);
		if (words.short_foreign) {
			/* Words too short for trigrams (most Chinese words):
			 * every word is looked for by a scan, not only the
			 * longer ones. */
			kind = HIT_SUBSTRING;
			total = search_substrings(st, &words, opts->platform, limit,
						  hits, &nr_hits);
		} else if (build_match(q, 3, 0, NULL, &match)) {
			total = search_index(st, idx, match.buf, opts->platform,
					     limit, hits, &nr_hits);
		}
		for (int i = 0; total >= 0 && i < nr_hits; i++) {
			cJSON *h;

			if (kind == HIT_FTS)
				pick_section(st, idx, match.buf, &hits[i]);
			h = hit_json(st, kind, idx, match.buf, &words, &hits[i]);
			if (!h)
				total = -1;
			else
				cJSON_AddItemToArray(arr, h);
		}
	}
	if (total < 0)
		goto cleanup;
	cJSON_AddNumberToObject(doc, "total", total);
	cJSON_AddItemToObject(doc, "hits", arr);
	arr = NULL;
	prefer_language(cJSON_GetObjectItem(doc, "hits"), opts->lang, limit);
	*out = doc;
	doc = NULL;
	ret = STORE_SEARCH_OK;
cleanup:
	cJSON_Delete(arr);
	cJSON_Delete(doc);
	free(hits);
	sbuf_release(&match);
	return ret;
}

/* One question's text in a language, into into[lang][id]. */
static cJSON *question_entry(cJSON *into, const char *lang, const char *id)
{
	cJSON *l = cJSON_GetObjectItemCaseSensitive(into, lang), *q;

	if (!l)
		l = cJSON_AddObjectToObject(into, lang);
	q = cJSON_GetObjectItemCaseSensitive(l, id);
	if (!q) {
		q = cJSON_AddObjectToObject(l, id);
		cJSON_AddObjectToObject(q, "options");
	}
	return q;
}

cJSON *store_question_texts(struct store *st)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT lang, question_id, text, help_text "
					    "FROM question_texts ORDER BY lang, question_id");
	sqlite3_stmt *o = store_prepare(st, "SELECT lang, question_id, value, label "
					    "FROM option_labels ORDER BY lang, question_id");
	cJSON *doc = cJSON_CreateObject();
	int rc = SQLITE_DONE, rco = SQLITE_DONE;

	if (!s || !o)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cJSON *q = question_entry(doc, (const char *)sqlite3_column_text(s, 0),
					  (const char *)sqlite3_column_text(s, 1));

		cJSON_AddStringToObject(q, "text", (const char *)sqlite3_column_text(s, 2));
		cJSON_AddStringToObject(q, "help", (const char *)sqlite3_column_text(s, 3));
	}
	while ((rco = sqlite3_step(o)) == SQLITE_ROW) {
		cJSON *q = question_entry(doc, (const char *)sqlite3_column_text(o, 0),
					  (const char *)sqlite3_column_text(o, 1));

		cJSON_AddStringToObject(cJSON_GetObjectItem(q, "options"),
					(const char *)sqlite3_column_text(o, 2),
					(const char *)sqlite3_column_text(o, 3));
	}
	if (rc != SQLITE_DONE || rco != SQLITE_DONE) {
		store_db_fail(st);
		goto fail;
	}
	sqlite3_finalize(s);
	sqlite3_finalize(o);
	return doc;
fail:
	sqlite3_finalize(s);
	sqlite3_finalize(o);
	cJSON_Delete(doc);
	return NULL;
}

cJSON *store_article_slugs(struct store *st)
{
	cJSON *arr = cJSON_CreateArray();

	if (each_row(st, "SELECT slug FROM articles WHERE id > ?1 AND "
			 "translation_of IS NULL ORDER BY id", 0, NULL, string_row, arr)) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

int store_text_boost(struct store *st, const struct eng_model *m,
		     const char *text, double *boost)
{
	enum { LIMIT = 100 };
	struct sbuf match = SBUF_INIT;
	struct rankidx_hit hits[LIMIT];
	sqlite3_stmt *slug = NULL;
	int ret = -1;

	if (!text || strlen(text) > MAX_QUERY || !build_match(text, 1, 1, NULL, &match))
		goto cleanup;
	/* A translation's hit boosts its source: the model has sources. */
	slug = store_prepare(st, "SELECT coalesce(translation_of, slug) FROM articles "
			     "WHERE id = ?1");
	if (!slug)
		goto cleanup;
	/* The words as every language of the KB stems them, whatever the
	 * reader's: a diagnosis is the same in every language. */
	for (size_t p = 0; p < st->nr_stems; p++) {
		const char *stem = st->stems[p];
		double best = 0;
		int nr = 0, total;

		sbuf_reset(&match);
		build_match(text, 1, 1, stem, &match);
		total = search_ranked(st, stem, text, NULL, NULL, LIMIT, hits, &nr);
		if (total == RANKIDX_CANNOT)
			total = search_index(st, IDX_WORDS, match.buf, NULL, LIMIT, hits, &nr);
		if (total < 0)
			goto cleanup;
		for (int i = 0; i < nr; i++)
			best = hits[i].score > best ? hits[i].score : best;
		for (int i = 0; i < nr; i++) {
			double b = best > 0 ? hits[i].score / best : 1;

			sqlite3_bind_int(slug, 1, hits[i].article);
			if (sqlite3_step(slug) == SQLITE_ROW) {
				const char *sl = (const char *)sqlite3_column_text(slug, 0);

				for (int a = 0; a < m->nr_articles; a++)
					if (!strcmp(m->articles[a].slug, sl) && b > boost[a])
						boost[a] = b;
			}
			sqlite3_reset(slug);
		}
	}
	ret = 0;
cleanup:
	sqlite3_finalize(slug);
	sbuf_release(&match);
	return ret;
}
