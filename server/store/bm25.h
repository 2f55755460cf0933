/* bm25: how full-text hits are scored. Okapi BM25 with Lucene's inverse
 * document frequency, log(1 + (N - n + 0.5) / (n + 0.5)), which stays
 * positive for a word in most rows, so that common words still rank hits
 * on small knowledge bases (FTS5's own bm25() makes them all 1e-6). The
 * ranking index (rankidx) computes it in C; everything else asks SQLite
 * for clew_bm25(), the same numbers as an FTS5 auxiliary function.
 * Store-internal. */
#ifndef CLEW_BM25_H
#define CLEW_BM25_H

#include <sqlite3.h>

/* The inverse document frequency of a phrase found in hits of nrow rows. */
double bm25_idf(double nrow, double hits);

/* Term-frequency saturation and length damping: the usual constants. */
#define BM25_K1 1.2
#define BM25_B 0.75

/* One phrase's part of a row's score: f its weighted count in the row, len
 * the row's length in tokens, avgdl the mean row length. Inline: the
 * ranking index calls it for every row a query matches. */
static inline double bm25_term(double idf, double f, double len, double avgdl)
{
	return idf * ((f * (BM25_K1 + 1.0)) /
		      (f + BM25_K1 * (1.0 - BM25_B + BM25_B * len / avgdl)));
}

/* Registers clew_bm25(TABLE, W1, W2, ...) with db's FTS5: the row's
 * score, negated as FTS5's bm25() is (lower is better, for ORDER BY), with
 * column weights W (default 1). Returns 0, or -1 when db has no FTS5. */
int bm25_register(sqlite3 *db);

#endif
