/* kbstate: one loaded knowledge base as the server uses it: the engine
 * model, documents rendered once at load, and pools of SQLite handles and
 * engine work spaces. Reference-counted, so that a reload (SIGHUP) can
 * switch to a new file while requests in flight finish on the old one. */
#ifndef CLEW_KBSTATE_H
#define CLEW_KBSTATE_H

#include <stddef.h>

#include "../base/sbuf.h"

struct cJSON;
struct cz_set;
struct eng_model;
struct eng_work;
struct memo;
struct pagecache;
struct store;

struct kb_doc {
	char *slug;
	char *lang;           /* a translation's language; NULL for a source */
	char *etag;           /* a translation's: "\"<content_hash>-<lang>\"" */
	char *json;           /* the article document, printed */
	size_t len;
	struct cJSON *doc;    /* the same, parsed (read-only) */
	struct cz_set *cz;    /* json compressed, made on first use */
};

struct kbstate {
	char *path;
	char *content_hash;
	char *built_at;
	/* built_at as seconds since the epoch, and as an HTTP-date for
	 * Last-Modified; 0 and NULL when built_at cannot be read. */
	long long built_time;
	char *last_modified;
	char *schema_version;
	char *default_lang;     /* meta default_lang; "en" when the KB says none */
	char *etag;             /* "\"<content_hash>\"" */
	int nr_articles;
	struct eng_model *model;
	struct kb_doc *articles; /* sorted by slug */
	struct kb_doc *translations; /* sorted by slug, then lang */
	int nr_translations;
	/* Every language the content is in (sources' and translations'),
	 * for the reader's language (pages.h, page_reader_lang). */
	char **langs;
	size_t nr_langs;
	struct cJSON *list;      /* [{slug,title,platforms,products,updated_at,url}] */
	char *questions_json;    /* GET /api/v1/questions, printed */
	size_t questions_len;
	struct cJSON *questions; /* the same, parsed */
	/* The catalogue's translations (store_question_texts): {LANG: {ID:
	 * {text, help, options: {VALUE: LABEL}}}}; and GET /api/v1/questions
	 * in each of those languages, printed, in the same order. */
	struct cJSON *question_texts;
	char **questions_lang_json;
	char **questions_langs;
	size_t nr_questions_langs;
	struct cJSON *platforms; /* [{id,name}] */
	struct memo *diagnoses;  /* rendered diagnose documents by answers */
	/* Rendered pages by request (pagecache.h), NULL until the server
	 * gives the KB one (app_kb_load); freed with the KB, so a reload
	 * starts an empty one. */
	struct pagecache *pages;
	/* private: pools and the reference count */
	struct kbstate_priv *priv;
};

/* Loads the KB file at path (read-only) and opens nr_handles SQLite
 * handles on it for searches (one per server thread). All are opened now,
 * never later: the path may point at another file by then (a reload in
 * progress, or a refused one). Returns a state holding one reference, or
 * NULL with a message appended to err. */
struct kbstate *kbstate_load(const char *path, int nr_handles, struct sbuf *err);

/* Reference counting; the last release frees. NULL is a no-op. */
void kbstate_ref(struct kbstate *kb);
void kbstate_release(struct kbstate *kb);

/* The article document for slug; borrowed (valid while the reference is
 * held), NULL when absent. */
const struct kb_doc *kbstate_article(const struct kbstate *kb, const char *slug);

/* The languages a reader asks for: an explicit choice (?lang=) and the
 * Accept-Language header; either may be NULL. Content (an article, the
 * catalogue) is chosen among its own languages with these (lang.h's
 * lang_choose), apart from the interface's language: a reader of
 * "fr, de;q=0.8" gets a French interface and the German article. */
struct kb_want {
	const char *explicit;
	const char *accept;
};

/* Puts the catalogue translation's text tr ({text, help, options}; NULL:
 * nothing) into the question document q (eng_question_json's). */
void kbstate_translate_question(struct cJSON *q, const struct cJSON *tr);

/* The catalogue's text of question id in the translation that serves
 * want best ({text, help, options}), or NULL (the catalogue's own, which
 * is taken to be English). */
const struct cJSON *kbstate_question_text(const struct kbstate *kb,
					  const struct kb_want *want, const char *id);

/* GET /api/v1/questions in the translation that serves want best, else
 * the catalogue's own; sets *tag to its language (NULL: the catalogue's).
 * Borrowed. */
const char *kbstate_questions_json(const struct kbstate *kb, const struct kb_want *want,
				   const char **tag);

/* The document of slug that serves want best: its translation into the
 * first language wanted that it has (with fallback: zh-TW finds zh-CN),
 * else the source's own. Borrowed; NULL when
 * there is no such slug. */
const struct kb_doc *kbstate_article_lang(const struct kbstate *kb, const char *slug,
					  const struct kb_want *want);

/* Puts the text of the reader's languages (want) into a diagnosis
 * document (eng's report, or a part of it), in place: every object with
 * an id and a title that names a cause or a step of an article
 * translated into a language wanted (the object's "article", else
 * problem) takes the translation's title and html; questions, and
 * answers explained ({question, answer, text, label}), the catalogue's
 * translation; the problem question's options, the articles' translated
 * titles. Ids, order and numbers are left alone: one model for all. */
void kbstate_translate_doc(const struct kbstate *kb, const struct kb_want *want,
			   const char *problem, struct cJSON *doc);

/* A store handle (for search) or an engine work space, taken from a pool
 * and given back; each is used by one thread at a time. Taking a store
 * waits while every handle is in use. */
struct store *kbstate_store_take(struct kbstate *kb);
void kbstate_store_give(struct kbstate *kb, struct store *st);
struct eng_work *kbstate_work_take(struct kbstate *kb);
void kbstate_work_give(struct kbstate *kb, struct eng_work *w);

#endif
