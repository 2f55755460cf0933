/* check_rankidx: search ranked by the ranking index (search_terms) gives
 * what FTS5 itself gives: the same articles matched, the same scores and
 * order (clew_bm25, bm25.h, which FTS5 computes over its own hits), the
 * section FTS5 would pick and its snippet() text. FTS5 is asked directly,
 * over SQL, on a generated corpus. And clew_bm25 itself, by hand. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "../server/base/sbuf.h"
#include "../server/compiler/compile.h"
#include "../server/store/bm25.h"
#include "../server/store/stemtok.h"
#include "../server/store/store.h"
#include "testutil.h"

static char *dir;
static struct sbuf db_path = SBUF_INIT;
static struct store *st;
static sqlite3 *db; /* the same file, for FTS5's own answers */

/* Stems that meet (connect/connected/connection), prefixes of one another
 * (head/headset/headphones), diacritics, and words of the titles. */
static const char *const vocab[] = {
	"audio", "headset", "head", "headphones", "connect", "connected",
	"connection", "microphone", "route", "routing", "café", "naïve",
	"bluetooth", "pairing", "pair", "driver", "error", "timeout",
	"speaker", "call", "echo", "codec", "profile", "volume",
};
#define NR_VOCAB (sizeof(vocab) / sizeof(vocab[0]))
/* A German corpus too (every article lang: de, the KB's default de):
 * Snowball's German stemmer, inflections that meet, umlauts and ß. */
static const char *const vocab_de[] = {
	"lautsprecher", "lautsprechern", "verbindung", "verbindungen",
	"verbunden", "kopfhörer", "kopfhörern", "mikrofon", "mikrofone",
	"anruf", "anrufe", "anrufen", "größe", "grosse", "störung",
	"störungen", "gerät", "geräte", "geräten", "einstellung",
	"einstellungen", "lauter", "leise", "ton",
};
/* The corpus being checked: its words and language (NULL: English). */
static const char *const *words_of = vocab;
static size_t nr_words_of = NR_VOCAB;
static const char *corpus_lang;
static const char *const platforms[] = { "iOS", "Android", "Linux", "Windows" };

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Skewed: low indexes far more often, so some words are everywhere. */
static const char *word(void)
{
	unsigned a = rnd((unsigned)nr_words_of), b = rnd((unsigned)nr_words_of);

	return words_of[a < b ? a : b];
}

static void sentence(struct sbuf *sb, int words)
{
	for (int i = 0; i < words; i++) {
		const char *w = word();

		if (!i) {
			/* Capitalised, to check case folding too. */
			sbuf_addch(sb, (char)(*w >= 'a' && *w <= 'z' ? *w - 32 : *w));
			sbuf_adds(sb, w + 1);
		} else {
			sbuf_addch(sb, ' ');
			sbuf_adds(sb, w);
		}
	}
	sbuf_adds(sb, rnd(4) ? ". " : ": ");
}

static void write_article(int n)
{
	struct sbuf md = SBUF_INIT, name = SBUF_INIT;
	int nr_plat = 1 + (int)rnd(3), first = (int)rnd(4);

	sbuf_addf(&md, "---\ntitle: ");
	sentence(&md, 2 + (int)rnd(3));
	sbuf_rtrim(&md);
	sbuf_setlen(&md, md.len - 1); /* no '.' or ':' in a title */
	if (corpus_lang)
		sbuf_addf(&md, "\nlang: %s", corpus_lang);
	sbuf_addf(&md, "\nslug: art-%03d\nplatform: [", n);
	for (int p = 0; p < nr_plat; p++)
		sbuf_addf(&md, "%s%s", p ? ", " : "", platforms[(first + p) % 4]);
	sbuf_adds(&md, "]\n---\n\n");
	sentence(&md, 3 + (int)rnd(6));
	sbuf_adds(&md, "\n\n");
	for (int p = 0; p < nr_plat; p++) {
		sbuf_addf(&md, "## %s", platforms[(first + p) % 4]);
		if (rnd(2))
			sbuf_addf(&md, " %s", word());
		sbuf_adds(&md, "\n\n### Reasons\n\n");
		for (int i = 0, n_items = 1 + (int)rnd(3); i < n_items; i++) {
			sbuf_addf(&md, "%d. ", i + 1);
			/* Long items too: snippets must choose a window. */
			for (int s = 0, n_sent = 1 + (int)rnd(rnd(3) ? 2 : 9); s < n_sent; s++)
				sentence(&md, 2 + (int)rnd(10));
			sbuf_adds(&md, "\n");
		}
		sbuf_addf(&md, "\n### Solutions\n\n1. ");
		sentence(&md, 4 + (int)rnd(8));
		sbuf_adds(&md, "\n\n");
	}
	if (n % 7 == 0) /* a word FTS5 reads as two: U+2011 between */
		sbuf_adds(&md, "## Notes\n\nUse wi\u2011fi or a cable.\n");
	sbuf_addf(&name, "art-%03d.md", n);
	free(tu_write(dir, name.buf, md.buf, -1));
	sbuf_release(&md);
	sbuf_release(&name);
}

static void setup_corpus(const char *lang)
{
	struct diag d = DIAG_INIT;
	struct compile_opts opts = { NULL, 0, 2, NULL, NULL, 0, lang };
	struct compile_stats stats;
	const char *inputs[1];
	char *err = NULL;

	corpus_lang = lang;
	words_of = lang ? vocab_de : vocab;
	nr_words_of = lang ? sizeof(vocab_de) / sizeof(vocab_de[0]) : NR_VOCAB;

	dir = tu_tmpdir();
	for (int i = 0; i < 90; i++)
		write_article(i);
	sbuf_reset(&db_path);
	sbuf_addf(&db_path, "%s.sqlite", dir);
	opts.output = db_path.buf;
	inputs[0] = dir;
	if (compile_run(inputs, 1, &opts, &d, &stats)) {
		tu_diag_dump(&d);
		ck_abort_msg("the generated corpus does not compile");
	}
	diag_release(&d);
	st = store_open(db_path.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_open_v2(db_path.buf, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	ck_assert_int_eq(bm25_register(db), 0);
	ck_assert_int_eq(stemtok_register(db), 0);
}

static void setup(void)
{
	setup_corpus(NULL);
}

static void setup_de(void)
{
	setup_corpus("de");
}

static void teardown(void)
{
	store_free(st);
	sqlite3_close(db);
	remove(db_path.buf);
	tu_rmtree(dir);
	free(dir);
}

/* The FTS5 query store_search asks for q: each word quoted, the last one
 * a prefix unless q ends in a blank (the test's queries are words and
 * single spaces). */
static void fts_query(const char *q, struct sbuf *out)
{
	const char *p = q, *stem = stemtok_algorithm(corpus_lang);

	while (*p) {
		size_t n = strcspn(p, " ");

		if (n) {
			if (out->len)
				sbuf_addch(out, ' ');
			sbuf_addch(out, '"');
			if (stem)
				stemtok_mark(out, stem);
			sbuf_add(out, p, n);
			sbuf_addch(out, '"');
		}
		p += n;
		p += *p == ' ';
	}
	if (*q && q[strlen(q) - 1] != ' ')
		sbuf_addch(out, '*');
}

struct truth {
	sqlite3_int64 art;
	double score;
};

static int by_score(const void *x, const void *y)
{
	const struct truth *a = x, *b = y;

	return (a->score < b->score) - (a->score > b->score);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *s = NULL;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	return s;
}

/* Each matching article's best score, per FTS5; returns how many. */
static int fts_rank(const char *match, const char *platform, struct truth **out)
{
	sqlite3_stmt *s = prep(
		"SELECT article_id, -clew_bm25(search, 10.0, 4.0, 1.0, 0.0) AS r "
		"FROM search WHERE search MATCH ?1 AND (?2 IS NULL OR article_id IN "
		"(SELECT article_id FROM article_platforms WHERE platform_id = ?2)) "
		"ORDER BY r DESC");
	int n = 0, rc;

	*out = NULL;
	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	if (platform)
		sqlite3_bind_text(s, 2, platform, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 art = sqlite3_column_int64(s, 0);
		int seen = 0;

		for (int i = 0; i < n && !seen; i++)
			seen = (*out)[i].art == art;
		if (seen)
			continue;
		*out = realloc(*out, (size_t)(n + 1) * sizeof(**out));
		(*out)[n].art = art;
		(*out)[n].score = sqlite3_column_double(s, 1);
		n++;
	}
	ck_assert_msg(rc == SQLITE_DONE, "%s: %s", match, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	if (n)
		qsort(*out, (size_t)n, sizeof(**out), by_score);
	return n;
}

static double round3(double v)
{
	return (double)(long long)(v * 1000 + 0.5) / 1000;
}

/* Whether the hit's section is one FTS5 ranks first for its article: by
 * heading and body when some section holds the words there, else by
 * clew_bm25(search, 10, 4, 1). Sets *row to it. */
static int section_is_best(const char *match, sqlite3_int64 art,
			   const char *anchor, sqlite3_int64 *row)
{
	struct sbuf cols = SBUF_INIT;
	sqlite3_stmt *s;
	double best = 0;
	int rows = 0, found = 0;

	sbuf_addf(&cols, "{heading body} : (%s)", match);
	for (int pass = 0; pass < 2 && !rows; pass++) {
		s = prep(pass ? "SELECT x.rowid, -clew_bm25(search, 10.0, 4.0, 1.0, 0.0) AS r, "
				"s.anchor FROM search AS x JOIN sections AS s ON s.id = x.rowid "
				"WHERE search MATCH ?1 AND x.article_id = ?2 ORDER BY r DESC"
			      : "SELECT x.rowid, -clew_bm25(search) AS r, s.anchor FROM search AS x "
				"JOIN sections AS s ON s.id = x.rowid "
				"WHERE search MATCH ?1 AND x.article_id = ?2 ORDER BY r DESC");
		sqlite3_bind_text(s, 1, pass ? match : cols.buf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, art);
		while (sqlite3_step(s) == SQLITE_ROW) {
			double r = sqlite3_column_double(s, 1);

			if (!rows++)
				best = r;
			if (fabs(r - best) > 1e-9)
				break;
			if (!strcmp((const char *)sqlite3_column_text(s, 2), anchor)) {
				*row = sqlite3_column_int64(s, 0);
				found = 1;
			}
		}
		sqlite3_finalize(s);
	}
	sbuf_release(&cols);
	return found;
}

/* FTS5's snippet() of the row, escaped as store_search escapes it. */
static void fts_snippet(const char *match, sqlite3_int64 row, struct sbuf *out)
{
	sqlite3_stmt *s = prep("SELECT snippet(search, 2, char(2), char(3), '…', 24) "
			       "FROM search WHERE search MATCH ?1 AND rowid = ?2");
	const char *p, *algo;
	int algo_len;

	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, row);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	p = (const char *)sqlite3_column_text(s, 0);
	/* A marked column's snippet from its start has the mark. */
	if (p)
		p += stemtok_mark_len(p, (int)strlen(p), &algo, &algo_len);
	for (; p && *p; p++) {
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
	sqlite3_finalize(s);
}

static sqlite3_int64 article_id(const char *slug)
{
	sqlite3_stmt *s = prep("SELECT id FROM articles WHERE slug = ?1");
	sqlite3_int64 id = -1;

	sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

/* Compares store_search(q) with FTS5's answer; returns hits checked. */
static int check_query(const char *q, const char *platform)
{
	struct store_search_opts o = { q, platform, 100, NULL };
	struct sbuf match = SBUF_INIT, snip = SBUF_INIT;
	struct truth *truth = NULL;
	cJSON *doc = NULL;
	const cJSON *hits, *h;
	int n, i = 0;

	ck_assert_int_eq(store_search(st, &o, &doc), STORE_SEARCH_OK);
	fts_query(q, &match);
	n = fts_rank(match.buf, platform, &truth);
	ck_assert_msg(cJSON_GetObjectItem(doc, "total")->valueint == n,
		      "'%s' (%s): total %d, FTS5 %d", q, platform ? platform : "-",
		      cJSON_GetObjectItem(doc, "total")->valueint, n);
	hits = cJSON_GetObjectItem(doc, "hits");
	ck_assert_int_eq(cJSON_GetArraySize(hits), n < 100 ? n : 100);
	cJSON_ArrayForEach(h, hits) {
		const char *slug = cJSON_GetObjectItem(h, "slug")->valuestring;
		const char *anchor = cJSON_GetObjectItem(h, "section")->valuestring;
		double score = cJSON_GetObjectItem(h, "score")->valuedouble;
		sqlite3_int64 art = article_id(slug), row = 0;
		int j;

		/* The i-th best score, and this article's own. */
		ck_assert_msg(fabs(score - round3(truth[i].score)) < 0.0011,
			      "'%s' hit %d: score %.3f, FTS5 %.3f", q, i, score,
			      truth[i].score);
		for (j = 0; j < n && truth[j].art != art; j++)
			;
		ck_assert_msg(j < n && fabs(score - round3(truth[j].score)) < 0.0011,
			      "'%s': %s is not FTS5's hit or not its score", q, slug);
		ck_assert_msg(section_is_best(match.buf, art, anchor, &row),
			      "'%s': %s#%s is not the section FTS5 ranks first", q,
			      slug, anchor);
		sbuf_reset(&snip);
		fts_snippet(match.buf, row, &snip);
		ck_assert_msg(!strcmp(snip.buf, cJSON_GetObjectItem(h, "snippet")->valuestring),
			      "'%s' %s#%s snippet:\n  ours: %s\n  FTS5: %s", q, slug,
			      anchor, cJSON_GetObjectItem(h, "snippet")->valuestring,
			      snip.buf);
		i++;
	}
	free(truth);
	cJSON_Delete(doc);
	sbuf_release(&match);
	sbuf_release(&snip);
	return i;
}

START_TEST(test_single_words)
{
	struct sbuf q = SBUF_INIT;
	int hits = 0;

	for (size_t i = 0; i < nr_words_of; i++) {
		sbuf_reset(&q);
		sbuf_adds(&q, words_of[i]);
		hits += check_query(q.buf, NULL);  /* also a prefix */
		sbuf_addch(&q, ' ');
		hits += check_query(q.buf, NULL);  /* the word alone */
	}
	/* Upper case, and words not in the corpus. */
	hits += check_query("AUDIO", NULL);
	hits += check_query("zzyzx", NULL);
	hits += check_query("zzyzx ", NULL);
	ck_assert_int_gt(hits, 500);
	sbuf_release(&q);
}
END_TEST

START_TEST(test_prefixes)
{
	static const char *const q[] = {
		"he", "hea", "head", "conn", "connec", "rout", "pa", "caf", "na",
		"a", "e", "ti", "mic",
	};
	int hits = 0;

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		hits += check_query(q[i], NULL);
	ck_assert_int_gt(hits, 200);
}
END_TEST

START_TEST(test_several_words)
{
	struct sbuf q = SBUF_INIT;
	int hits = 0;

	for (int i = 0; i < 60; i++) {
		int words = 2 + (int)rnd(2);

		sbuf_reset(&q);
		for (int w = 0; w < words; w++)
			sbuf_addf(&q, "%s%s", w ? " " : "", word());
		if (rnd(2))
			sbuf_addch(&q, ' ');
		hits += check_query(q.buf, NULL);
	}
	/* The same word twice counts twice in bm25. */
	hits += check_query("audio audio", NULL);
	hits += check_query("headset head", NULL);
	/* One word many times (read once), and more words than the ranking
	 * index takes (FTS5 answers): the same answers either way. */
	for (int n = 20; n <= 40; n += 20) {
		sbuf_reset(&q);
		for (int w = 0; w < n; w++)
			sbuf_addf(&q, "%s%s", w ? " " : "", w % 2 ? "audio" : "call");
		hits += check_query(q.buf, NULL);
	}
	ck_assert_int_gt(hits, 100);
	sbuf_release(&q);
}
END_TEST

START_TEST(test_platform_filter)
{
	static const char *const plat[] = { "ios", "android", "linux", "windows", "web" };
	static const char *const en[] = { "audio", "headset route ", "co" };
	static const char *const de[] = { "lautsprechern", "anrufe verbindung ", "ge" };
	int hits = 0;

	for (size_t p = 0; p < sizeof(plat) / sizeof(plat[0]); p++)
		for (int i = 0; i < 3; i++)
			hits += check_query(corpus_lang ? de[i] : en[i], plat[p]);
	ck_assert_int_gt(hits, 50);
}
END_TEST

START_TEST(test_word_of_two_terms)
{
	/* "wi‑fi" is one word to the query splitter but two terms to the
	 * tokenizer: FTS5 answers it, and the result is the same. */
	ck_assert_int_gt(check_query("wi\u2011fi", NULL), 0);
	ck_assert_int_gt(check_query("cable wi\u2011fi ", NULL), 0);
}
END_TEST

/* clew_bm25 by hand, on three rows that all hold the word: FTS5's own
 * bm25() gives each a score of about 1e-6 (its IDF goes to nothing for a
 * word in most rows), clew_bm25 ranks them by how well they match. */
START_TEST(test_bm25_by_hand)
{
	sqlite3 *m = NULL;
	sqlite3_stmt *s = NULL;
	/* Lucene's IDF for a word in 3 rows of 3: log(1 + 0.5 / 3.5). Rows
	 * of 3, 4 and 2 tokens (mean 3); weights a 2, b 1; k1 1.2, b 0.75. */
	const double idf = log(8.0 / 7.0);
	const double want[3] = {
		idf * (2 * 2.2) / (2 + 1.2 * (0.25 + 0.75 * 3 / 3)), /* f 2 */
		idf * (3 * 2.2) / (3 + 1.2 * (0.25 + 0.75 * 4 / 3)), /* f 3 */
		idf * (1 * 2.2) / (1 + 1.2 * (0.25 + 0.75 * 2 / 3)), /* f 1 */
	};
	int n = 0;

	ck_assert_int_eq(sqlite3_open(":memory:", &m), SQLITE_OK);
	ck_assert_int_eq(bm25_register(m), 0);
	ck_assert_int_eq(sqlite3_exec(m,
		"CREATE VIRTUAL TABLE t USING fts5(a, b);"
		"INSERT INTO t(rowid, a, b) VALUES (1, 'alpha beta', 'gamma'),"
		" (2, 'alpha', 'alpha delta epsilon'), (3, 'zeta', 'alpha');",
		NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(m,
		"SELECT rowid, clew_bm25(t, 2.0, 1.0), bm25(t, 2.0, 1.0) FROM t "
		"WHERE t MATCH 'alpha' ORDER BY 2", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int row = sqlite3_column_int(s, 0);

		ck_assert_int_eq(row, n == 0 ? 2 : n == 1 ? 1 : 3);
		ck_assert_double_eq_tol(-sqlite3_column_double(s, 1), want[row - 1], 1e-12);
		ck_assert_double_lt(fabs(sqlite3_column_double(s, 2)), 1e-5);
		n++;
	}
	ck_assert_int_eq(n, 3);
	sqlite3_finalize(s);
	/* The C half agrees. */
	ck_assert_double_eq_tol(bm25_idf(3, 3), idf, 1e-15);
	ck_assert_double_eq_tol(bm25_term(idf, 3, 4, 3), want[1], 1e-15);
	ck_assert_double_gt(bm25_idf(1000, 1000), 0);
	sqlite3_close(m);
}
END_TEST

/* The tokenizer "clew": a language's stemmer picked by the mark. */
START_TEST(test_stemtok_languages)
{
	ck_assert_str_eq(stemtok_algorithm("fr"), "french");
	ck_assert_str_eq(stemtok_algorithm("pt-BR"), "portuguese");
	ck_assert_str_eq(stemtok_algorithm("DE_ch"), "german");
	ck_assert_str_eq(stemtok_algorithm("nb"), "norwegian");
	ck_assert_ptr_null(stemtok_algorithm("en"));
	ck_assert_ptr_null(stemtok_algorithm("en-GB"));
	ck_assert_ptr_null(stemtok_algorithm("zh-CN"));
	ck_assert_ptr_null(stemtok_algorithm("fra"));
	ck_assert_ptr_null(stemtok_algorithm("frisian"));
	ck_assert_ptr_null(stemtok_algorithm(""));
	ck_assert_ptr_null(stemtok_algorithm(NULL));
}
END_TEST

/* Collects a text's terms, "term@start-end " each. */
static int collect_term(void *ctx, int tflags, const char *token, int n,
			int start, int end)
{
	(void)tflags;
	sbuf_addf(ctx, "%.*s@%d-%d ", n, token, start, end);
	return SQLITE_OK;
}

static char *match_rows(sqlite3 *m, const char *query)
{
	sqlite3_stmt *s = NULL;
	struct sbuf out = SBUF_INIT;

	ck_assert_int_eq(sqlite3_prepare_v2(m, "SELECT rowid, highlight(t, 0, '[', ']') "
					    "FROM t WHERE t MATCH ?1 ORDER BY rowid",
					    -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, query, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		sbuf_addf(&out, "%d:%s;", sqlite3_column_int(s, 0),
			  (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	return sbuf_detach(&out, NULL);
}

START_TEST(test_stemtok_marks)
{
	sqlite3 *m = NULL;
	struct stemtok *t;
	struct sbuf terms = SBUF_INIT;
	char *got;

	ck_assert_int_eq(sqlite3_open(":memory:", &m), SQLITE_OK);
	ck_assert_int_eq(stemtok_register(m), 0);
	/* Row 1 German (marked), row 2 English (Porter), row 3 French. */
	ck_assert_int_eq(sqlite3_exec(m,
		"CREATE VIRTUAL TABLE t USING fts5(a, tokenize = 'clew');"
		"INSERT INTO t(rowid, a) VALUES "
		" (1, char(31) || 'german' || char(31) || 'Den Lautsprecher neu koppeln'),"
		" (2, 'The speakers stay silent'),"
		" (3, char(31) || 'french' || char(31) || 'Les téléphones sonnent');",
		NULL, NULL, NULL), SQLITE_OK);
	/* A German plural finds the German singular, stemmed as German... */
	got = match_rows(m, "\"\x1Fgerman\x1FLautsprechern\"");
	ck_assert_str_eq(got, "1:\x1Fgerman\x1F" "Den [Lautsprecher] neu koppeln;");
	free(got);
	/* ...but not as English: Porter leaves "lautsprechern" whole. */
	got = match_rows(m, "Lautsprechern");
	ck_assert_str_eq(got, "");
	free(got);
	got = match_rows(m, "speaker");
	ck_assert_str_eq(got, "2:The [speakers] stay silent;");
	free(got);
	/* French: stemmed with its accents, then folded, so the word
	 * written with or without them is one term. */
	got = match_rows(m, "\"\x1F" "french\x1Ftelephone\"");
	ck_assert_str_eq(got, "3:\x1F" "french\x1FLes [téléphones] sonnent;");
	free(got);
	/* An unknown algorithm is Porter's; a broken mark is text. */
	ck_assert_int_eq(sqlite3_exec(m,
		"INSERT INTO t(rowid, a) VALUES "
		" (4, char(31) || 'klingon' || char(31) || 'speakers'),"
		" (5, char(31) || 'speakers');", NULL, NULL, NULL), SQLITE_OK);
	got = match_rows(m, "speaker");
	ck_assert_str_eq(got, "2:The [speakers] stay silent;4:\x1Fklingon\x1F[speakers];"
			 "5:\x1F[speakers];");
	free(got);

	/* The C face cuts as the table does, offsets in the unmarked text. */
	t = stemtok_new(m);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(stemtok_tokenize(t, "german", FTS5_TOKENIZE_DOCUMENT,
					  "Den Lautsprechern", 17, &terms, collect_term),
			 SQLITE_OK);
	ck_assert_str_eq(terms.buf, "den@0-3 lautsprech@4-17 ");
	sbuf_reset(&terms);
	ck_assert_int_eq(stemtok_tokenize(t, NULL, FTS5_TOKENIZE_DOCUMENT,
					  "Connections", 11, &terms, collect_term),
			 SQLITE_OK);
	ck_assert_str_eq(terms.buf, "connect@0-11 ");
	sbuf_reset(&terms);
	ck_assert_int_eq(stemtok_tokenize(t, "french", FTS5_TOKENIZE_DOCUMENT,
					  "Écouteurs", (int)strlen("Écouteurs"),
					  &terms, collect_term), SQLITE_OK);
	ck_assert_str_eq(terms.buf, "ecouteur@0-10 ");
	/* Folded before it is stemmed: a word typed without its accents is
	 * the same term (Snowball's French and Spanish rules read accents). */
	{
		static const char *const same[][3] = {
			{ "french", "sécurité", "securite" },
			{ "french", "désactivée", "desactivee" },
			{ "spanish", "configuración", "configuracion" },
			{ "spanish", "batería", "bateria" },
			{ "german", "Größe", "grosse" },
			{ "russian", "ёлка", "елка" },
		};
		struct sbuf other = SBUF_INIT;

		for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
			sbuf_reset(&terms);
			sbuf_reset(&other);
			stemtok_tokenize(t, same[i][0], FTS5_TOKENIZE_QUERY, same[i][1],
					 (int)strlen(same[i][1]), &terms, collect_term);
			stemtok_tokenize(t, same[i][0], FTS5_TOKENIZE_QUERY, same[i][2],
					 (int)strlen(same[i][2]), &other, collect_term);
			/* Terms alike (offsets differ by the accents' bytes). */
			ck_assert_msg(!strncmp(terms.buf, other.buf, strcspn(terms.buf, "@")) &&
				      strcspn(terms.buf, "@") == strcspn(other.buf, "@"),
				      "%s: %s against %s", same[i][0], terms.buf, other.buf);
		}
		sbuf_release(&other);
	}
	/* Without an algorithm, a text is read as FTS5 reads it: a mark at
	 * its start (a source could begin with one) included. */
	sbuf_reset(&terms);
	ck_assert_int_eq(stemtok_tokenize(t, NULL, FTS5_TOKENIZE_DOCUMENT,
					  "\x1Fgerman\x1FLautsprechern", 21, &terms,
					  collect_term), SQLITE_OK);
	ck_assert_str_eq(terms.buf, "lautsprech@8-21 ");
	stemtok_free(t);
	sbuf_release(&terms);
	sqlite3_close(m);
}
END_TEST

Suite *rankidx_suite(void)
{
	Suite *s = suite_create("rankidx");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_single_words);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_several_words);
	tcase_add_test(tc, test_platform_filter);
	tcase_add_test(tc, test_word_of_two_terms);
	suite_add_tcase(s, tc);
	tc = tcase_create("bm25");
	tcase_add_test(tc, test_bm25_by_hand);
	suite_add_tcase(s, tc);
	/* The same checks on a German corpus: its own stemmer, marks. */
	tc = tcase_create("german");
	tcase_add_checked_fixture(tc, setup_de, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_single_words);
	tcase_add_test(tc, test_several_words);
	tcase_add_test(tc, test_platform_filter);
	suite_add_tcase(s, tc);
	tc = tcase_create("stemtok");
	tcase_add_test(tc, test_stemtok_languages);
	tcase_add_test(tc, test_stemtok_marks);
	suite_add_tcase(s, tc);
	return s;
}
