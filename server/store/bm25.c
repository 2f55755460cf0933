/* bm25: Okapi BM25 with Lucene's IDF, in C and as FTS5's clew_bm25(). */
#include "bm25.h"

#include <math.h>
#include <stdlib.h>

#include "../base/xalloc.h"

double bm25_idf(double nrow, double hits)
{
	return log(1.0 + (nrow - hits + 0.5) / (hits + 0.5));
}

/* What one query needs for every row it scores, computed at its first. */
struct query {
	int nr_phrases;
	double avgdl;
	double *idf;  /* per phrase */
	double *freq; /* per phrase: the current row's weighted count */
};

static void query_free(void *p)
{
	struct query *q = p;

	if (!q)
		return;
	free(q->idf);
	free(q->freq);
	free(q);
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

/* The query's statistics, from the whole table; NULL on an FTS5 error,
 * with *rc set. */
static struct query *query_new(const Fts5ExtensionApi *api, Fts5Context *fts, int *rc)
{
	struct query *q = xcalloc(1, sizeof(*q));
	sqlite3_int64 nrow = 0, ntok = 0;

	q->nr_phrases = api->xPhraseCount(fts);
	q->idf = xcalloc((size_t)q->nr_phrases + 1, sizeof(*q->idf));
	q->freq = xcalloc((size_t)q->nr_phrases + 1, sizeof(*q->freq));
	if ((*rc = api->xRowCount(fts, &nrow)) != SQLITE_OK ||
	    (*rc = api->xColumnTotalSize(fts, -1, &ntok)) != SQLITE_OK)
		goto fail;
	q->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	if (q->avgdl <= 0)
		q->avgdl = 1.0;
	for (int i = 0; i < q->nr_phrases; i++) {
		sqlite3_int64 hits = 0;

		*rc = api->xQueryPhrase(fts, i, &hits, count_row);
		if (*rc != SQLITE_OK)
			goto fail;
		q->idf[i] = bm25_idf((double)nrow, (double)hits);
	}
	return q;
fail:
	query_free(q);
	return NULL;
}

static void clew_bm25(const Fts5ExtensionApi *api, Fts5Context *fts,
		      sqlite3_context *ctx, int nr_args, sqlite3_value **args)
{
	struct query *q = api->xGetAuxdata(fts, 0);
	int rc = SQLITE_OK, nr_inst = 0, len = 0;
	double score = 0;

	if (!q) {
		q = query_new(api, fts, &rc);
		if (!q)
			goto fail;
		if ((rc = api->xSetAuxdata(fts, q, query_free)) != SQLITE_OK)
			goto fail; /* FTS5 has freed q */
	}
	for (int i = 0; i < q->nr_phrases; i++)
		q->freq[i] = 0;
	if ((rc = api->xInstCount(fts, &nr_inst)) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < nr_inst; i++) {
		int phrase, col, off;

		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) != SQLITE_OK)
			goto fail;
		if (phrase >= 0 && phrase < q->nr_phrases)
			q->freq[phrase] += col < nr_args ? sqlite3_value_double(args[col]) : 1.0;
	}
	if ((rc = api->xColumnSize(fts, -1, &len)) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < q->nr_phrases; i++)
		score += bm25_term(q->idf[i], q->freq[i], (double)len, q->avgdl);
	sqlite3_result_double(ctx, -score);
	return;
fail:
	sqlite3_result_error_code(ctx, rc);
}

int bm25_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	if (api && api->xCreateFunction(api, "clew_bm25", NULL, clew_bm25, NULL) == SQLITE_OK)
		ret = 0;
cleanup:
	sqlite3_finalize(s);
	return ret;
}
