/* store: read-only queries on a compiled kb.sqlite: articles as the JSON
 * documents the API serves, and full-text search. */
#ifndef CLEW_STORE_H
#define CLEW_STORE_H

#include <stddef.h>

/* The kb.sqlite schema this program writes and reads (meta schema_version). */
#define STORE_SCHEMA_VERSION "6"

struct cJSON;
struct store;

/* Opens the database read-only and checks its schema version. Returns a
 * handle, or NULL with *err set (malloc'd; caller frees). */
struct store *store_open(const char *path, char **err);

/* NULL is a no-op. */
void store_free(struct store *st);

/* A KB file's bytes, read once into memory, for handles that must not see
 * the file change under them: clew serve's, which keep serving a KB after
 * its file is deleted, overwritten in place or cut short, and which all
 * see one and the same content. */
struct store_image;

/* Reads the whole file at path. Returns the image (free with
 * store_image_free), or NULL with *err set (malloc'd; caller frees). */
struct store_image *store_image_read(const char *path, char **err);

/* Frees img; every handle opened on it must be freed before. NULL: no-op. */
void store_image_free(struct store_image *img);

/* As store_open, on an image (borrowed: it must outlive the handle). */
struct store *store_open_image(const struct store_image *img, char **err);

/* Borrowed; valid until the next call on st. */
const char *store_errmsg(const struct store *st);

/* Returns the article document (see docs/api.md: slug, title, platforms,
 * products, updated_at, html, sections, causes, solutions); caller frees
 * with cJSON_Delete. Returns NULL when there is no such slug (errmsg says
 * "not found") or on a database error. */
struct cJSON *store_article_json(struct store *st, const char *slug);

/* The document of slug's translation into lang (lang exactly as the
 * translation says it): the source's document (store_article_json) with
 * the translation's text put in: its title, lang, updated_at, html,
 * sections, escalation_html, and the title and html of each cause and
 * step it translates (the others stay the source's); plus "source_lang"
 * and "outdated" (the source changed since: docs/translating.md). Caller
 * frees; NULL as store_article_json. */
struct cJSON *store_translation_json(struct store *st, const char *slug, const char *lang);

struct store_search_opts {
	const char *query;
	const char *platform; /* NULL: any */
	int limit;            /* 1..100; 0 = 10 */
	/* The reader's language (NULL: none): hits in it first, and of an
	 * article found in several languages, the one in it. */
	const char *lang;
};

enum store_search_result {
	STORE_SEARCH_OK = 0,
	STORE_SEARCH_BAD_QUERY = 1, /* errmsg says why (empty, too long) */
	STORE_SEARCH_ERROR = -1,
};

/* Full-text search: one hit per article, best section first. On OK sets
 * *out to {"query","total","hits":[{slug,title,section,heading,snippet,
 * score,lang}]} (caller frees); a hit in a translation names its source's
 * slug and the translation's language. Snippets are HTML-escaped text with <mark>
 * around matched terms. */
enum store_search_result store_search(struct store *st,
				      const struct store_search_opts *opts,
				      struct cJSON **out);

/* The catalogue's translations: {LANG: {QUESTION_ID: {"text", "help",
 * "options": {VALUE: LABEL}}}} (caller frees), or NULL on a database
 * error. */
struct cJSON *store_question_texts(struct store *st);

/* Returns a JSON array of every article slug, in id order, translations
 * aside (caller frees), or NULL on a database error. */
struct cJSON *store_article_slugs(struct store *st);

/* Returns meta.value for key (malloc'd; caller frees), or NULL. */
char *store_meta(struct store *st, const char *key);


struct eng_model;

/* Weights each article of model m by how well it matches text, for the
 * engine's prior: boost[i] is 1 for the best-matching article, in (0, 1)
 * for other matches, left as it was for the rest (m->nr_articles
 * entries). Ranks without building snippets. Returns 0, or -1 when text
 * has no words or the database fails. */
int store_text_boost(struct store *st, const struct eng_model *m,
		     const char *text, double *boost);

/* Loads the question catalogue and every cause into the engine's compact
 * model (see engine/model.h). Returns it (free with eng_model_free), or
 * NULL with the detail in store_errmsg. */
struct eng_model *store_load_model(struct store *st);

/* As store_load_model, with the values the KB's authors gave: without
 * those `clew compile --learned` baked in (for clew learn, which starts
 * from them again each time). */
struct eng_model *store_load_authored_model(struct store *st);

#endif
