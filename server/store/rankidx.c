/* rankidx: the term → sections index that ranks full-text hits without
 * scoring every match in SQL. */
#include "rankidx.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "bm25.h"
#include "stemtok.h"

/* FTS5 cuts longer tokens to this many bytes, and so do we. */
#define MAX_TOKEN 32768
/* The column weights of clew_bm25(search, 10, 4, 1), title, heading, body. */
static const double col_weight[3] = { 10.0, 4.0, 1.0 };

static void put_varint(struct sbuf *sb, uint64_t v)
{
	unsigned char buf[10];
	size_t n = 0;

	do {
		buf[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	sbuf_add(sb, buf, n);
}

/* Reads one varint at *p (before end); returns -1 past the end. */
static int get_varint(const unsigned char **p, const unsigned char *end,
		      uint64_t *v)
{
	uint64_t x = 0;

	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char c = *(*p)++;

		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* ---- building ---- */

struct term {
	char *text;
	size_t len;
	struct sbuf post;             /* the packed postings so far */
	sqlite3_int64 last_row, last_art;
	sqlite3_int64 rows;
	unsigned long stamp;          /* the row its counts belong to */
	uint64_t tf[3];
};

struct rankidx_builder {
	struct stemtok *tok;
	struct term **slots;          /* open addressing, nr_slots a power of 2 */
	size_t nr_slots, nr_terms;
	/* The row being added. */
	unsigned long row_no;
	struct term **touched;
	size_t nr_touched, alloc_touched;
	int col;
	uint64_t len, col_len; /* the row's size, the column's so far */
	/* The current article's title, as terms, for each of its rows. */
	sqlite3_int64 title_art;
	struct term **title;
	size_t nr_title, alloc_title;
	uint64_t title_len;
	int in_title;
	sqlite3_int64 last_row, last_art;
	sqlite3_int64 rows, tokens;
	/* Rows are queued by rankidx_builder_add and indexed by a thread of
	 * their own, beside the caller's SQL inserts. */
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct row {
		sqlite3_int64 rowid, article;
		const char *stem, *title, *heading, *body;
	} *queue;
	size_t nr_queue, alloc_queue, next;
	int done, failed, waiting; /* failed: 0, -2 or -3 (as _write) */
	int busy; /* the thread indexes queue[next - 1], out of the lock */
	rankidx_row_fn each_row;
	void *each_ctx;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static void grow_slots(struct rankidx_builder *b)
{
	size_t n = b->nr_slots ? b->nr_slots * 2 : 1024;
	struct term **slots = xcalloc(n, sizeof(*slots));

	for (size_t i = 0; i < b->nr_slots; i++) {
		struct term *t = b->slots[i];
		size_t j;

		if (!t)
			continue;
		for (j = hash_bytes(t->text, t->len) & (n - 1); slots[j];
		     j = (j + 1) & (n - 1))
			;
		slots[j] = t;
	}
	free(b->slots);
	b->slots = slots;
	b->nr_slots = n;
}

static struct term *find_term(struct rankidx_builder *b, const char *s,
			      size_t n)
{
	size_t j;
	struct term *t;

	if (2 * (b->nr_terms + 1) > b->nr_slots)
		grow_slots(b);
	for (j = hash_bytes(s, n) & (b->nr_slots - 1); (t = b->slots[j]);
	     j = (j + 1) & (b->nr_slots - 1))
		if (t->len == n && !memcmp(t->text, s, n))
			return t;
	t = xcalloc(1, sizeof(*t));
	t->text = xmalloc(n + 1);
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	t->len = n;
	sbuf_init(&t->post);
	b->slots[j] = t;
	b->nr_terms++;
	return t;
}

static void count(struct rankidx_builder *b, struct term *t, int col)
{
	if (t->stamp != b->row_no) {
		t->stamp = b->row_no;
		t->tf[0] = t->tf[1] = t->tf[2] = 0;
		ALLOC_GROW(b->touched, b->nr_touched + 1, b->alloc_touched);
		b->touched[b->nr_touched++] = t;
	}
	t->tf[col]++;
}

static int build_token(void *ctx, int tflags, const char *token, int n,
		       int start, int end)
{
	struct rankidx_builder *b = ctx;
	struct term *t;

	(void)start;
	(void)end;
	if (n > MAX_TOKEN)
		n = MAX_TOKEN;
	t = find_term(b, token, n > 0 ? (size_t)n : 0);
	/* FTS5 counts a column's size in positions: colocated tokens share
	 * one. */
	if (b->in_title) {
		ALLOC_GROW(b->title, b->nr_title + 1, b->alloc_title);
		b->title[b->nr_title++] = t;
		if (!(tflags & FTS5_TOKEN_COLOCATED) || !b->title_len)
			b->title_len++;
	} else {
		count(b, t, b->col);
		if (!(tflags & FTS5_TOKEN_COLOCATED) || !b->col_len) {
			b->col_len++;
			b->len++;
		}
	}
	return SQLITE_OK;
}

static int tokenize_col(struct rankidx_builder *b, const char *stem,
			const char *text)
{
	size_t n = text ? strlen(text) : 0;

	b->col_len = 0; /* FTS5 counts each column's size on its own */
	if (!n)
		return 0;
	if (n > INT_MAX)
		return -1;
	return stemtok_tokenize(b->tok, stem, FTS5_TOKENIZE_DOCUMENT, text,
				(int)n, b, build_token) == SQLITE_OK ? 0 : -1;
}

static int index_row(struct rankidx_builder *b, sqlite3_int64 rowid,
		     sqlite3_int64 article, const char *stem, const char *title,
		     const char *heading, const char *body)
{
	uint64_t size;

	if (article != b->title_art) {
		/* Every row of an article repeats its title. */
		b->nr_title = 0;
		b->title_len = 0;
		b->in_title = 1;
		if (tokenize_col(b, stem, title))
			return -1;
		b->in_title = 0;
		b->title_art = article;
	}
	b->row_no++;
	b->nr_touched = 0;
	for (size_t i = 0; i < b->nr_title; i++)
		count(b, b->title[i], 0);
	b->len = 0;
	b->col = 1;
	if (tokenize_col(b, stem, heading))
		return -1;
	b->col = 2;
	if (tokenize_col(b, stem, body))
		return -1;
	size = b->title_len + b->len;
	for (size_t i = 0; i < b->nr_touched; i++) {
		struct term *t = b->touched[i];

		put_varint(&t->post, (uint64_t)(rowid - t->last_row));
		put_varint(&t->post, (uint64_t)(article - t->last_art));
		put_varint(&t->post, t->tf[0]);
		put_varint(&t->post, t->tf[1]);
		put_varint(&t->post, t->tf[2]);
		put_varint(&t->post, size);
		t->last_row = rowid;
		t->last_art = article;
		t->rows++;
	}
	b->rows++;
	b->tokens += (sqlite3_int64)size;
	return 0;
}

static void *index_rows(void *arg)
{
	struct rankidx_builder *b = arg;
	int failed = 0;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct row r;

		while (b->next == b->nr_queue && !b->done) {
			b->waiting = 1;
			pthread_cond_wait(&b->more, &b->lock);
			b->waiting = 0;
		}
		if (b->next == b->nr_queue)
			break;
		r = b->queue[b->next++];
		b->busy = 1;
		pthread_mutex_unlock(&b->lock);
		if (!failed && b->each_row &&
		    b->each_row(b->each_ctx, r.rowid, r.article, r.stem, r.title,
				r.heading, r.body))
			failed = -3;
		if (!failed && index_row(b, r.rowid, r.article, r.stem, r.title,
					 r.heading, r.body))
			failed = -2;
		pthread_mutex_lock(&b->lock);
		b->busy = 0;
	}
	b->failed = failed;
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

struct rankidx_builder *rankidx_builder_new(sqlite3 *db,
					    rankidx_row_fn each_row, void *ctx)
{
	struct rankidx_builder *b = xcalloc(1, sizeof(*b));

	if (!(b->tok = stemtok_new(db))) {
		free(b);
		return NULL;
	}
	b->title_art = -1;
	b->each_row = each_row;
	b->each_ctx = ctx;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->more, NULL);
	/* Without a thread, finish() indexes the rows. A stack of 1 MiB, not
	 * the default 8: the thread tokenizes and runs each_row (SQLite
	 * inserts, for the writer), and a process under ulimit -v keeps its
	 * address space for the data. */
	{
		pthread_attr_t attr;

		if (!pthread_attr_init(&attr)) {
			pthread_attr_setstacksize(&attr, 1024 * 1024);
			b->started = !pthread_create(&b->thread, &attr, index_rows, b);
			pthread_attr_destroy(&attr);
		}
	}
	return b;
}

int rankidx_builder_add(struct rankidx_builder *b, sqlite3_int64 rowid,
			sqlite3_int64 article, const char *stem,
			const char *title, const char *heading, const char *body)
{
	int ret = 0;

	pthread_mutex_lock(&b->lock);
	if (b->done || rowid <= b->last_row || article < b->last_art) {
		ret = -1;
	} else {
		ALLOC_GROW(b->queue, b->nr_queue + 1, b->alloc_queue);
		b->queue[b->nr_queue].rowid = rowid;
		b->queue[b->nr_queue].article = article;
		b->queue[b->nr_queue].stem = stem;
		b->queue[b->nr_queue].title = title;
		b->queue[b->nr_queue].heading = heading;
		b->queue[b->nr_queue].body = body;
		b->nr_queue++;
		b->last_row = rowid;
		b->last_art = article;
		/* Woken for a batch, not for each row. */
		if (b->waiting && b->nr_queue - b->next >= 256)
			pthread_cond_signal(&b->more);
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

sqlite3_int64 rankidx_builder_released(struct rankidx_builder *b)
{
	sqlite3_int64 below;

	pthread_mutex_lock(&b->lock);
	if (b->busy)
		below = b->queue[b->next - 1].article;
	else if (b->next < b->nr_queue)
		below = b->queue[b->next].article;
	else
		below = b->last_art + 1; /* all queued rows are indexed */
	pthread_mutex_unlock(&b->lock);
	return below;
}

/* Waits for every queued row to be indexed. Returns 0, -2 or -3. */
static int finish(struct rankidx_builder *b)
{
	pthread_mutex_lock(&b->lock);
	b->done = 1;
	pthread_cond_signal(&b->more);
	pthread_mutex_unlock(&b->lock);
	if (b->started) {
		pthread_join(b->thread, NULL);
		b->started = 0;
	} else {
		index_rows(b);
	}
	return b->failed;
}

/* As SQLite's BINARY collation orders TEXT. */
static int cmp_term(const void *x, const void *y)
{
	const struct term *a = *(const struct term *const *)x;
	const struct term *b = *(const struct term *const *)y;
	int c = memcmp(a->text, b->text, a->len < b->len ? a->len : b->len);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

int rankidx_builder_write(struct rankidx_builder *b, sqlite3 *db)
{
	struct term **terms;
	sqlite3_stmt *s = NULL;
	size_t n = 0;
	int ret = -1;

	ret = finish(b);
	if (ret)
		return ret;
	ret = -1;
	terms = xcalloc(b->nr_terms ? b->nr_terms : 1, sizeof(*terms));
	for (size_t i = 0; i < b->nr_slots; i++)
		if (b->slots[i])
			terms[n++] = b->slots[i];
	qsort(terms, n, sizeof(*terms), cmp_term);
	if (sqlite3_prepare_v2(db, "INSERT INTO search_terms(term, sections, "
			       "postings) VALUES (?1, ?2, ?3)", -1, &s,
			       NULL) != SQLITE_OK)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, terms[i]->text, (int)terms[i]->len,
				  SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, terms[i]->rows);
		sqlite3_bind_blob(s, 3, terms[i]->post.buf,
				  (int)terms[i]->post.len, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto cleanup;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) "
			       "VALUES ('search_rows', ?1), ('search_tokens', ?2)",
			       -1, &s, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_int64(s, 1, b->rows);
	sqlite3_bind_int64(s, 2, b->tokens);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto cleanup;
	ret = 0;
cleanup:
	sqlite3_finalize(s);
	free(terms);
	return ret;
}

void rankidx_builder_free(struct rankidx_builder *b)
{
	if (!b)
		return;
	if (b->started)
		finish(b);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->more);
	free(b->queue);
	for (size_t i = 0; i < b->nr_slots; i++) {
		struct term *t = b->slots[i];

		if (!t)
			continue;
		free(t->text);
		sbuf_release(&t->post);
		free(t);
	}
	free(b->slots);
	free(b->touched);
	free(b->title);
	stemtok_free(b->tok);
	free(b);
}

/* ---- querying ---- */

struct rankidx {
	sqlite3 *db;
	struct stemtok *tok;
	sqlite3_stmt *exact, *from;
	double nrow, avgdl;
	/* The last search's phrases, one term each, for rankidx_snippet. */
	struct sbuf *terms;
	int nr_terms, alloc_terms, prefix_last;
};

struct post {
	sqlite3_int64 row;
	sqlite3_int64 art;
	uint32_t tf[3];
	uint32_t len;
};

/* One phrase of the query: its rows, in rowid order. */
struct plist {
	struct post *p;      /* owned, unless alias */
	size_t nr, alloc;
	double idf, idf_hb;
	int alias;           /* p is an earlier phrase's: the same word */
};

/* More words than this are left to FTS5: each word's list is read whole
 * into memory, and a query must not hold a list per word of its 1 KB. */
#define MAX_WORDS 32

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static double meta_number(sqlite3 *db, const char *key)
{
	sqlite3_stmt *s = NULL;
	double v = -1;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1,
			       &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_type(s, 0) != SQLITE_NULL)
			v = sqlite3_column_double(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

struct rankidx *rankidx_open(sqlite3 *db)
{
	struct rankidx *ri = xcalloc(1, sizeof(*ri));
	double tokens;

	ri->db = db;
	ri->nrow = meta_number(db, "search_rows");
	tokens = meta_number(db, "search_tokens");
	if (ri->nrow < 0 || tokens < 0 || !(ri->tok = stemtok_new(db)) ||
	    sqlite3_prepare_v3(db, "SELECT postings FROM search_terms "
			       "WHERE term = ?1", -1, SQLITE_PREPARE_PERSISTENT,
			       &ri->exact, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "SELECT term, postings FROM search_terms "
			       "WHERE term >= ?1 ORDER BY term", -1,
			       SQLITE_PREPARE_PERSISTENT, &ri->from,
			       NULL) != SQLITE_OK) {
		rankidx_free(ri);
		return NULL;
	}
	ri->avgdl = ri->nrow > 0 ? tokens / ri->nrow : 0;
	return ri;
}

void rankidx_free(struct rankidx *ri)
{
	if (!ri)
		return;
	sqlite3_finalize(ri->exact);
	sqlite3_finalize(ri->from);
	stemtok_free(ri->tok);
	for (int i = 0; i < ri->alloc_terms; i++)
		sbuf_release(&ri->terms[i]);
	free(ri->terms);
	free(ri);
}

/* Collects the one term a query word is, in term (nr counts them; more
 * than one means the word is not one term). */
struct query_tok {
	struct sbuf *term;
	int nr;
};

static int query_token(void *ctx, int tflags, const char *token, int n,
		       int start, int end)
{
	struct query_tok *q = ctx;

	(void)start;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (n > MAX_TOKEN)
		n = MAX_TOKEN;
	if (!q->nr++)
		sbuf_add(q->term, token, (size_t)n);
	return SQLITE_OK;
}

/* Appends the postings in blob to l; -1 if the blob is malformed. */
static int decode(struct plist *l, const unsigned char *p, size_t n)
{
	const unsigned char *end;
	uint64_t row = 0, art = 0;

	if (!n || !p) /* SQLite gives NULL for an empty blob */
		return 0;
	end = p + n;
	while (p < end) {
		uint64_t v[6];

		for (int i = 0; i < 6; i++)
			if (get_varint(&p, end, &v[i]))
				return -1;
		/* A damaged file must not overflow the ids. */
		if (v[0] > INT64_MAX - row || v[1] > INT64_MAX - art)
			return -1;
		row += v[0];
		art += v[1];
		ALLOC_GROW(l->p, l->nr + 1, l->alloc);
		l->p[l->nr].row = (sqlite3_int64)row;
		l->p[l->nr].art = (sqlite3_int64)art;
		l->p[l->nr].tf[0] = clamp32(v[2]);
		l->p[l->nr].tf[1] = clamp32(v[3]);
		l->p[l->nr].tf[2] = clamp32(v[4]);
		l->p[l->nr].len = clamp32(v[5]);
		l->nr++;
	}
	return 0;
}

static int cmp_post(const void *x, const void *y)
{
	const struct post *a = x, *b = y;

	return (a->row > b->row) - (a->row < b->row);
}

/* Several terms' postings appended one after another (a prefix): sorted
 * by row, the counts of one row summed, as FTS5 counts every instance of
 * the prefix's terms. */
static void merge_rows(struct plist *l)
{
	size_t out = 0;

	qsort(l->p, l->nr, sizeof(*l->p), cmp_post);
	for (size_t i = 0; i < l->nr; i++) {
		if (out && l->p[out - 1].row == l->p[i].row) {
			for (int c = 0; c < 3; c++)
				l->p[out - 1].tf[c] = clamp32((uint64_t)l->p[out - 1].tf[c] +
							      l->p[i].tf[c]);
			continue;
		}
		l->p[out++] = l->p[i];
	}
	l->nr = out;
}

/* Fills l with the rows of term (or of every term it begins, when
 * prefix). Returns 0 or -1. */
static int load_phrase(struct rankidx *ri, const char *term, size_t len,
		       int prefix, struct plist *l)
{
	sqlite3_stmt *s = prefix ? ri->from : ri->exact;
	int rc, terms = 0, ret = 0;

	sqlite3_bind_text(s, 1, term, (int)len, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int col = prefix ? 1 : 0;

		if (prefix && ((size_t)sqlite3_column_bytes(s, 0) < len ||
			       memcmp(sqlite3_column_text(s, 0), term, len)))
			break;
		if (decode(l, sqlite3_column_blob(s, col),
			   (size_t)sqlite3_column_bytes(s, col))) {
			ret = -1;
			break;
		}
		terms++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(s);
	if (!ret && terms > 1)
		merge_rows(l);
	return ret;
}

struct best {
	sqlite3_int64 art;
	double score, score_hb;
	sqlite3_int64 row, row_hb; /* row_hb 0: no row holds every word in
				    * its heading or text */
};

static void push_hit(const struct best *a, struct rankidx_hit *hits,
		     int limit, int *nr, sqlite3_int64 *rank_rows)
{
	int i = *nr;

	if (i == limit) {
		if (a->score < hits[i - 1].score ||
		    (a->score == hits[i - 1].score && a->row > rank_rows[i - 1]))
			return;
		i--;
	} else {
		(*nr)++;
	}
	for (; i > 0 && (a->score > hits[i - 1].score ||
			 (a->score == hits[i - 1].score && a->row < rank_rows[i - 1]));
	     i--) {
		hits[i] = hits[i - 1];
		rank_rows[i] = rank_rows[i - 1];
	}
	hits[i].section = a->row_hb ? a->row_hb : a->row;
	hits[i].score = a->score;
	hits[i].article = (int)a->art;
	rank_rows[i] = a->row;
}

int rankidx_search(struct rankidx *ri, const char *stem,
		   const struct rankidx_word *words,
		   int nr_words, int prefix_last, const unsigned char *allow,
		   int max_article, unsigned char *matched, int limit,
		   struct rankidx_hit *hits, int *nr_hits)
{
	struct plist *lists = NULL;
	struct query_tok q = { NULL, 0 };
	size_t *pos = NULL, *order = NULL;
	sqlite3_int64 *rank_rows = NULL;
	struct best cur = { -1, 0, 0, 0, 0 };
	int total = 0, ret = -1;

	*nr_hits = 0;
	ri->nr_terms = 0;
	if (nr_words <= 0 || limit <= 0)
		return 0;
	if (nr_words > MAX_WORDS)
		return RANKIDX_CANNOT;
	if (nr_words > ri->alloc_terms) {
		ri->terms = xrealloc(ri->terms, (size_t)nr_words * sizeof(*ri->terms));
		for (int i = ri->alloc_terms; i < nr_words; i++)
			sbuf_init(&ri->terms[i]);
		ri->alloc_terms = nr_words;
	}
	ri->prefix_last = prefix_last;
	lists = xcalloc((size_t)nr_words, sizeof(*lists));
	for (int i = 0; i < nr_words; i++) {
		int prefix = prefix_last && i == nr_words - 1;
		int flags = FTS5_TOKENIZE_QUERY | (prefix ? FTS5_TOKENIZE_PREFIX : 0);

		q.term = &ri->terms[i];
		sbuf_reset(q.term);
		q.nr = 0;
		if (stemtok_tokenize(ri->tok, stem, flags, words[i].text,
				     (int)words[i].len, &q, query_token) != SQLITE_OK)
			goto cleanup;
		if (q.nr != 1) {
			ret = RANKIDX_CANNOT;
			goto cleanup;
		}
		ri->nr_terms = i + 1;
		for (int j = 0; j < i && !lists[i].alias; j++) {
			/* The same word again (only the last can be a prefix):
			 * bm25 counts it twice, from one list. */
			if (!prefix && ri->terms[j].len == q.term->len &&
			    !memcmp(ri->terms[j].buf, q.term->buf, q.term->len)) {
				lists[i] = lists[j];
				lists[i].alias = 1;
			}
		}
		if (!lists[i].alias &&
		    load_phrase(ri, q.term->buf, q.term->len, prefix, &lists[i]))
			goto cleanup;
		if (!lists[i].nr) { /* every word is required */
			ret = 0;
			goto cleanup;
		}
	}
	for (int i = 0; i < nr_words; i++) {
		size_t hb = 0;

		for (size_t j = 0; j < lists[i].nr; j++)
			hb += lists[i].p[j].tf[1] + lists[i].p[j].tf[2] > 0;
		lists[i].idf = bm25_idf(ri->nrow, (double)lists[i].nr);
		lists[i].idf_hb = bm25_idf(ri->nrow, (double)hb);
	}
	/* Walk the shortest list; find each of its rows in the others. */
	order = xcalloc((size_t)nr_words, sizeof(*order));
	pos = xcalloc((size_t)nr_words, sizeof(*pos));
	for (int i = 0; i < nr_words; i++) {
		int j = i;

		for (; j > 0 && lists[order[j - 1]].nr > lists[i].nr; j--)
			order[j] = order[j - 1];
		order[j] = (size_t)i;
	}
	rank_rows = xcalloc((size_t)limit, sizeof(*rank_rows));
	for (size_t k = 0; k < lists[order[0]].nr; k++) {
		const struct post *d = &lists[order[0]].p[k];
		double score = 0, score_hb = 0;
		int in_all = 1, hb_all = 1;

		pos[order[0]] = k;
		for (int o = 1; o < nr_words && in_all; o++) {
			struct plist *l = &lists[order[o]];
			size_t *at = &pos[order[o]];

			while (*at < l->nr && l->p[*at].row < d->row)
				(*at)++;
			if (*at == l->nr)
				goto done; /* no later row holds every word */
			in_all = l->p[*at].row == d->row;
		}
		if (!in_all)
			continue;
		if (allow && (d->art < 0 || d->art > max_article || !allow[d->art]))
			continue;
		/* Summed in query order, as bm25() sums its phrases. */
		for (int i = 0; i < nr_words; i++) {
			const struct post *p = &lists[i].p[pos[i]];
			double f = 0, f_hb = (double)p->tf[1] + (double)p->tf[2];

			for (int c = 0; c < 3; c++)
				f += col_weight[c] * (double)p->tf[c];
			score += bm25_term(lists[i].idf, f, (double)p->len, ri->avgdl);
			if (f_hb == 0)
				hb_all = 0;
			else
				score_hb += bm25_term(lists[i].idf_hb, f_hb,
						      (double)p->len, ri->avgdl);
		}
		if (d->art != cur.art) {
			if (cur.art >= 0) {
				total++;
				if (matched && cur.art <= max_article)
					matched[cur.art] = 1;
				push_hit(&cur, hits, limit, nr_hits, rank_rows);
			}
			cur.art = d->art;
			cur.row = 0;
			cur.row_hb = 0;
		}
		if (!cur.row || score > cur.score) {
			cur.score = score;
			cur.row = d->row;
		}
		if (hb_all && (!cur.row_hb || score_hb > cur.score_hb)) {
			cur.score_hb = score_hb;
			cur.row_hb = d->row;
		}
	}
done:
	if (cur.art >= 0) {
		total++;
		if (matched && cur.art <= max_article)
			matched[cur.art] = 1;
		push_hit(&cur, hits, limit, nr_hits, rank_rows);
	}
	ret = total;
cleanup:
	for (int i = 0; lists && i < nr_words; i++)
		if (!lists[i].alias)
			free(lists[i].p);
	free(lists);
	free(order);
	free(pos);
	free(rank_rows);
	if (ret < 0)
		ri->nr_terms = 0;
	return ret;
}

/* ---- snippets ---- */

struct snip {
	const struct rankidx *ri;
	const char *text;
	int *start, *end;             /* each position's bytes in text */
	size_t nr, alloc;
	struct inst {
		int pos, phrase;
	} *inst;                      /* the query's terms in text, in order */
	size_t nr_inst, alloc_inst;
	int *first;                   /* positions that begin a sentence */
	size_t nr_first, alloc_first;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int snip_token(void *ctx, int tflags, const char *token, int n,
		      int start, int end)
{
	struct snip *sn = ctx;
	const struct rankidx *ri = sn->ri;
	int pos = (int)sn->nr;

	if (n > MAX_TOKEN)
		n = MAX_TOKEN;
	if (tflags & FTS5_TOKEN_COLOCATED) {
		if (!pos)
			return SQLITE_OK;
		pos--; /* shares the previous token's position */
	} else {
		/* A sentence begins after '.' or ':' and a blank. */
		int i = start - 1;

		while (i >= 0 && is_blank(sn->text[i]))
			i--;
		if (!pos || (i != start - 1 && i >= 0 &&
			     (sn->text[i] == '.' || sn->text[i] == ':'))) {
			ALLOC_GROW(sn->first, sn->nr_first + 1, sn->alloc_first);
			sn->first[sn->nr_first++] = pos;
		}
		ALLOC_GROW(sn->start, sn->nr + 1, sn->alloc);
		sn->end = xrealloc(sn->end, sn->alloc * sizeof(*sn->end));
		sn->start[sn->nr] = start;
		sn->end[sn->nr] = end;
		sn->nr++;
	}
	for (int i = 0; i < ri->nr_terms; i++) {
		const struct sbuf *t = &ri->terms[i];
		int prefix = ri->prefix_last && i == ri->nr_terms - 1;

		if ((size_t)n == t->len || (prefix && (size_t)n > t->len)) {
			if (memcmp(token, t->buf, t->len))
				continue;
			ALLOC_GROW(sn->inst, sn->nr_inst + 1, sn->alloc_inst);
			sn->inst[sn->nr_inst].pos = pos;
			sn->inst[sn->nr_inst].phrase = i;
			sn->nr_inst++;
		}
	}
	return SQLITE_OK;
}

/* FTS5's snippet score of the window of ntok positions from pos: 1000 for
 * each phrase's first instance in it, 1 for each further one. Sets *adj
 * to a start that centres the window's instances. */
static int window_score(const struct snip *sn, unsigned char *seen, int pos,
			int ntok, int *adj)
{
	long long end = (long long)pos + ntok, a;
	int score = 0, first = -1, last = 0;

	memset(seen, 0, (size_t)sn->ri->nr_terms);
	for (size_t i = 0; i < sn->nr_inst; i++) {
		const struct inst *in = &sn->inst[i];

		if (in->pos < pos || in->pos >= end)
			continue;
		score += seen[in->phrase] ? 1 : 1000;
		seen[in->phrase] = 1;
		if (first < 0)
			first = in->pos;
		last = in->pos + 1;
	}
	if (adj) {
		a = first - (ntok - (last - first)) / 2;
		if (a + ntok > (long long)sn->nr)
			a = (long long)sn->nr - ntok;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

static void add_span(struct sbuf *out, const char *text, int from, int to)
{
	if (to > from)
		sbuf_add(out, text + from, (size_t)(to - from));
}

int rankidx_snippet(struct rankidx *ri, const char *stem, const char *text,
		    const char *open,
		    const char *close, const char *ellipsis, int ntok,
		    struct sbuf *out)
{
	struct snip sn = { .ri = ri, .text = text ? text : "" };
	unsigned char *seen = xcalloc((size_t)ri->nr_terms + 1, 1);
	size_t it = 0;
	int best = 0, best_start = 0, off = 0, range_end, ret = -1;

	if (strlen(sn.text) > INT_MAX ||
	    stemtok_tokenize(ri->tok, stem, FTS5_TOKENIZE_AUX, sn.text,
			     (int)strlen(sn.text), &sn, snip_token) != SQLITE_OK)
		goto cleanup;
	/* As FTS5's snippet(): each instance's window, and the window
	 * from the start of its sentence, which wins a tie by 100. */
	for (size_t i = 0; i < sn.nr_inst; i++) {
		int io = sn.inst[i].pos, adj, score, jj = 0;

		score = window_score(&sn, seen, io, ntok, &adj);
		if (score > best) {
			best = score;
			best_start = adj;
		}
		if (!sn.nr_first || (long long)sn.nr <= ntok)
			continue;
		while (jj < (int)sn.nr_first - 1 && sn.first[jj + 1] <= io)
			jj++;
		if (sn.first[jj] < io) {
			score = window_score(&sn, seen, sn.first[jj], ntok, NULL) +
				(sn.first[jj] == 0 ? 120 : 100);
			if (score > best) {
				best = score;
				best_start = sn.first[jj];
			}
		}
	}
	range_end = best_start + ntok - 1;
	if (best_start > 0)
		sbuf_adds(out, ellipsis);
	while (it < sn.nr_inst && sn.inst[it].pos < best_start)
		it++;
	for (int pos = best_start; pos < (int)sn.nr && pos <= range_end; pos++) {
		int marked = it < sn.nr_inst && sn.inst[it].pos == pos;

		if (best_start && pos == best_start)
			off = sn.start[pos];
		if (marked) {
			add_span(out, sn.text, off, sn.start[pos]);
			sbuf_adds(out, open);
			add_span(out, sn.text, sn.start[pos], sn.end[pos]);
			sbuf_adds(out, close);
			off = sn.end[pos];
			/* Phrases that matched the same token: one mark. */
			while (it < sn.nr_inst && sn.inst[it].pos == pos)
				it++;
		}
		if (pos == range_end) {
			add_span(out, sn.text, off, sn.end[pos]);
			off = sn.end[pos];
		}
	}
	if (range_end >= (int)sn.nr - 1)
		sbuf_adds(out, sn.text + off);
	else
		sbuf_adds(out, ellipsis);
	ret = 0;
cleanup:
	free(seen);
	free(sn.start);
	free(sn.end);
	free(sn.inst);
	free(sn.first);
	return ret;
}
