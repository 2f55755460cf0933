/* rankidx: the term → sections index (table search_terms) that ranks
 * full-text hits as clew_bm25(search, 10, 4, 1) does (bm25.h), without
 * scoring every match in SQL. Store-internal: built by the writer, read by the store. */
#ifndef CLEW_RANKIDX_H
#define CLEW_RANKIDX_H

#include <stddef.h>

#include <sqlite3.h>

/* Building, while the search table is written. */
struct rankidx_builder;

/* Called on the builder's thread with each queued row, before the row is
 * indexed (so the row's strings are still borrowed). Returns 0, or
 * nonzero to fail the build: no later row is passed on. */
typedef int (*rankidx_row_fn)(void *ctx, sqlite3_int64 rowid,
			      sqlite3_int64 article, const char *stem,
			      const char *title, const char *heading,
			      const char *body);

/* Cuts text into the terms the search table indexes, with its
 * tokenizer (stemtok.h) made from db's FTS5. each_row,
 * when not NULL, is called with ctx for every row (see rankidx_row_fn).
 * Returns a builder, or NULL when db has no FTS5. */
struct rankidx_builder *rankidx_builder_new(sqlite3 *db,
					    rankidx_row_fn each_row, void *ctx);

/* Queues one row of the search table: rowid, its article (sections in
 * increasing rowid order, each article's sections together), the
 * Snowball stemmer of its language (stemtok_algorithm; NULL for Porter;
 * one for all of an article's rows) and its three indexed columns,
 * without a mark (NULL reads as ""; all borrowed until
 * rankidx_builder_write or _free returns). A thread of the builder's
 * indexes the rows meanwhile. Returns 0, or -1 when the rows come out of
 * order. */
int rankidx_builder_add(struct rankidx_builder *b, sqlite3_int64 rowid,
			sqlite3_int64 article, const char *stem,
			const char *title, const char *heading, const char *body);

/* The lowest article id whose strings the builder may still read: every
 * row of a lower article (of those queued so far) is indexed, and its
 * strings may be freed. Callable from any thread. */
sqlite3_int64 rankidx_builder_released(struct rankidx_builder *b);

/* Waits for the queued rows, then writes search_terms and the meta keys
 * search_rows and search_tokens into db (inside the caller's
 * transaction). Returns 0, -1 with the detail in sqlite3_errmsg(db), -2
 * when the tokenizer failed, or -3 when each_row failed. */
int rankidx_builder_write(struct rankidx_builder *b, sqlite3 *db);

/* NULL is a no-op. */
void rankidx_builder_free(struct rankidx_builder *b);

/* Querying. */
struct rankidx;

/* Opens the index of db (borrowed; must outlive the handle). Returns NULL
 * when db has no search_terms table or no FTS5 tokenizer. */
struct rankidx *rankidx_open(sqlite3 *db);

/* NULL is a no-op. */
void rankidx_free(struct rankidx *ri);

struct rankidx_word {
	const char *text;
	size_t len;
};

struct rankidx_hit {
	sqlite3_int64 section; /* the section to show: the best whose heading
				* or text holds every word, else the best */
	double score;          /* bm25, higher is better */
	int article;
};

enum { RANKIDX_CANNOT = -2 };

/* Ranks the rows holding every word (the last also as a prefix when
 * prefix_last), the words stemmed by stem (NULL: Porter), as FTS5 would
 * for the query '"w1" "w2" ... "wn"[*]' (each word with stem's mark):
 * articles by their best row's clew_bm25(search, 10, 4, 1), best first, ties
 * to the lower rowid. allow, when not NULL, has max_article + 1 flags and
 * keeps the articles whose flag is set; matched, when not NULL, has as
 * many, and the flag of each article matched is set (the others are left
 * alone). Fills hits (at most limit) and *nr_hits, and returns the number
 * of articles matched. Returns
 * RANKIDX_CANNOT when a word is not one term to the tokenizer (the caller
 * asks FTS5 instead), or -1 on a database error (sqlite3_errmsg). */
int rankidx_search(struct rankidx *ri, const char *stem,
		   const struct rankidx_word *words,
		   int nr_words, int prefix_last, const unsigned char *allow,
		   int max_article, unsigned char *matched, int limit,
		   struct rankidx_hit *hits, int *nr_hits);

/* Appends to out the snippet of text (a row's body, no mark; stemmed by
 * stem, the row's) that FTS5's
 * snippet(search, 2, open, close, ellipsis, ntok) gives for the last
 * rankidx_search on ri: the best window of ntok tokens, the query's terms
 * between open and close, ellipsis where text was cut. Returns 0, or -1
 * when the tokenizer fails. */
struct sbuf;
int rankidx_snippet(struct rankidx *ri, const char *stem, const char *text,
		    const char *open,
		    const char *close, const char *ellipsis, int ntok,
		    struct sbuf *out);

#endif
