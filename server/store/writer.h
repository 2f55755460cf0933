/* writer: writes compiled content into a new SQLite file with the schema of
 * kb.sqlite.sql, in one transaction with prepared statements. */
#ifndef CLEW_WRITER_H
#define CLEW_WRITER_H

#include "../content/kb.h"

struct writer;

/* Creates the schema in the empty (or new) file at path and opens a
 * transaction. Returns a handle, or NULL with *err set (malloc'd; caller
 * frees). */
struct writer *writer_open(const char *path, char **err);

/* Each returns 0, or -1 with the detail in writer_errmsg(). An article's
 * title and sections' text are borrowed until writer_released counts the
 * article (or writer_finish or writer_free returns): a thread of the
 * writer's reads them meanwhile, for the full-text tables and the ranking
 * index (rankidx). */
int writer_add_platform(struct writer *w, const char *id, const char *name,
			int position);
int writer_add_question(struct writer *w, const struct kb_question *q,
			int position);
int writer_add_article(struct writer *w, const struct kb_article *a);
/* A question of a translation of the catalogue, in lang; the question
 * must have been added. */
int writer_add_question_text(struct writer *w, const char *lang,
			     const struct kb_question *q);
int writer_set_meta(struct writer *w, const char *key, const char *value);
/* A value learned from outcomes; its article must have been added. */
int writer_add_learned(struct writer *w, const struct kb_learned *l);

/* How many of the articles added so far (the first ones, in the order
 * they were added) the writer no longer reads: their strings may be
 * freed. Callable from any thread, beside the one adding articles. */
size_t writer_released(struct writer *w);

/* Waits for that thread, optimizes the full-text index and copies it into
 * the file, commits and closes it. Returns 0 or -1. */
int writer_finish(struct writer *w);

/* Borrowed; valid until the next call on w. */
const char *writer_errmsg(const struct writer *w);

/* Closes without committing; NULL is a no-op. */
void writer_free(struct writer *w);

#endif
