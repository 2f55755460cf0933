/* stemtok: the search table's tokenizer, stemming each text in its own
 * language. */
#include "stemtok.h"

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"

/* Language (primary subtag) → Snowball algorithm, for the stemmers
 * Debian 12's libstemmer has. English is Porter's (FTS5's). */
static const struct {
	const char *lang, *algo;
} algos[] = {
	{ "ar", "arabic" },     { "ca", "catalan" },    { "da", "danish" },
	{ "de", "german" },     { "el", "greek" },      { "es", "spanish" },
	{ "eu", "basque" },     { "fi", "finnish" },    { "fr", "french" },
	{ "ga", "irish" },      { "hi", "hindi" },      { "hu", "hungarian" },
	{ "hy", "armenian" },   { "id", "indonesian" }, { "it", "italian" },
	{ "lt", "lithuanian" }, { "nb", "norwegian" },  { "ne", "nepali" },
	{ "nl", "dutch" },      { "nn", "norwegian" },  { "no", "norwegian" },
	{ "pt", "portuguese" }, { "ro", "romanian" },   { "ru", "russian" },
	{ "sr", "serbian" },    { "sv", "swedish" },    { "ta", "tamil" },
	{ "tr", "turkish" },    { "yi", "yiddish" },
};

/* Longest algorithm name a mark may carry. */
#define MAX_ALGO 24

const char *stemtok_algorithm(const char *lang)
{
	char primary[4];
	size_t n = 0;

	if (!lang)
		return NULL;
	while (lang[n] && lang[n] != '-' && lang[n] != '_') {
		char c = lang[n];

		if (n == 3)
			return NULL;
		primary[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	primary[n] = 0;
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (!strcmp(algos[i].lang, primary))
			return algos[i].algo;
	return NULL;
}

void stemtok_mark(struct sbuf *out, const char *algo)
{
	sbuf_addch(out, STEMTOK_MARK);
	sbuf_adds(out, algo);
	sbuf_addch(out, STEMTOK_MARK);
}

int stemtok_mark_len(const char *text, int n, const char **algo, int *algo_len)
{
	if (n < 3 || text[0] != STEMTOK_MARK)
		return 0;
	for (int i = 1; i < n && i <= MAX_ALGO + 1; i++) {
		if (text[i] == STEMTOK_MARK) {
			if (i == 1)
				return 0;
			*algo = text + 1;
			*algo_len = i - 1;
			return i + 1;
		}
	}
	return 0;
}

struct stemmer {
	char algo[MAX_ALGO + 1];
	struct sb_stemmer *sb; /* NULL: libstemmer has no such algorithm */
};

struct stemtok {
	fts5_tokenizer porter_api, uni_api;
	Fts5Tokenizer *porter; /* porter over unicode61, diacritics removed */
	Fts5Tokenizer *fold;   /* unicode61 removing them, for the stemmers */
	struct stemmer *stemmers;
	size_t nr_stemmers, alloc_stemmers;
};

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	return api && api->iVersion >= 2 ? api : NULL;
}

static struct stemtok *stemtok_from_api(fts5_api *api)
{
	static const char *fold_args[] = { "remove_diacritics", "2" };
	static const char *porter_args[] = { "unicode61", "remove_diacritics", "2" };
	struct stemtok *t = xcalloc(1, sizeof(*t));
	void *ud_p = NULL, *ud_u = NULL;

	if (api->xFindTokenizer(api, "porter", &ud_p, &t->porter_api) != SQLITE_OK ||
	    api->xFindTokenizer(api, "unicode61", &ud_u, &t->uni_api) != SQLITE_OK ||
	    t->porter_api.xCreate(ud_p, porter_args, 3, &t->porter) != SQLITE_OK ||
	    t->uni_api.xCreate(ud_u, fold_args, 2, &t->fold) != SQLITE_OK) {
		stemtok_free(t);
		return NULL;
	}
	return t;
}

struct stemtok *stemtok_new(sqlite3 *db)
{
	fts5_api *api = fts5_of(db);

	return api ? stemtok_from_api(api) : NULL;
}

void stemtok_free(struct stemtok *t)
{
	if (!t)
		return;
	if (t->porter)
		t->porter_api.xDelete(t->porter);
	if (t->fold)
		t->uni_api.xDelete(t->fold);
	for (size_t i = 0; i < t->nr_stemmers; i++)
		if (t->stemmers[i].sb)
			sb_stemmer_delete(t->stemmers[i].sb);
	free(t->stemmers);
	free(t);
}

/* The stemmer of algo (len bytes), made on first use; NULL when
 * libstemmer has none by that name (the text is then Porter's). */
static struct sb_stemmer *stemmer_for(struct stemtok *t, const char *algo,
				      size_t len)
{
	struct stemmer *s;

	if (len > MAX_ALGO)
		return NULL;
	for (size_t i = 0; i < t->nr_stemmers; i++)
		if (strlen(t->stemmers[i].algo) == len &&
		    !memcmp(t->stemmers[i].algo, algo, len))
			return t->stemmers[i].sb;
	ALLOC_GROW(t->stemmers, t->nr_stemmers + 1, t->alloc_stemmers);
	s = &t->stemmers[t->nr_stemmers++];
	memcpy(s->algo, algo, len);
	s->algo[len] = 0;
	s->sb = sb_stemmer_new(s->algo, "UTF_8");
	return s->sb;
}

/* Passes the caller's tokens on with their offsets moved by shift (the
 * mark's length). */
struct shifted {
	void *ctx;
	stemtok_token_fn token;
	int shift;
};

static int shift_token(void *ctx, int tflags, const char *token, int n,
		       int start, int end)
{
	struct shifted *s = ctx;

	return s->token(s->ctx, tflags, token, n, start + s->shift, end + s->shift);
}

struct stemming {
	struct stemtok *t;
	struct sb_stemmer *sb;
	void *ctx;
	stemtok_token_fn token;
	int shift;
};

/* A word folded as unicode61 folds it (lower case, no diacritics), then
 * stemmed in its language: "téléphones" and "telephones" are one word
 * before the stemmer sees them, so a query typed without accents finds
 * the text written with them. (Stemming first and folding after would
 * keep some of the stemmer's accent rules, but then "configuración" and
 * "configuracion" stem apart.) */
static int stem_token(void *ctx, int tflags, const char *token, int n,
		      int start, int end)
{
	struct stemming *s = ctx;
	const sb_symbol *stem = sb_stemmer_stem(s->sb, (const sb_symbol *)token, n);
	int len;

	if (!stem)
		return SQLITE_NOMEM;
	len = sb_stemmer_length(s->sb);
	if (len <= 0) /* a stem of nothing: the word itself */
		return s->token(s->ctx, tflags, token, n, start + s->shift,
				end + s->shift);
	return s->token(s->ctx, tflags, (const char *)stem, len, start + s->shift,
			end + s->shift);
}

static int tokenize(struct stemtok *t, const char *algo, size_t algo_len,
		    int flags, const char *text, int n, int shift, void *ctx,
		    stemtok_token_fn token)
{
	struct sb_stemmer *sb = algo ? stemmer_for(t, algo, algo_len) : NULL;

	if (!sb) {
		struct shifted sh = { ctx, token, shift };

		if (!shift)
			return t->porter_api.xTokenize(t->porter, ctx, flags, text, n, token);
		return t->porter_api.xTokenize(t->porter, &sh, flags, text, n, shift_token);
	} else {
		struct stemming st = { t, sb, ctx, token, shift };

		return t->uni_api.xTokenize(t->fold, &st, flags, text, n, stem_token);
	}
}

int stemtok_tokenize(struct stemtok *t, const char *algo, int flags,
		     const char *text, int n, void *ctx, stemtok_token_fn token)
{
	const char *named = NULL;
	int named_len = 0, mark;

	if (algo)
		return tokenize(t, algo, strlen(algo), flags, text, n, 0, ctx, token);
	/* Porter's text is read as FTS5 reads it, a mark at its start
	 * included (a source could begin with one): the table and the
	 * ranking index cut it alike. */
	mark = stemtok_mark_len(text, n, &named, &named_len);
	return tokenize(t, mark ? named : NULL, (size_t)named_len, flags,
			text + mark, n - mark, mark, ctx, token);
}

/* The FTS5 face: the mark, when the text starts with one, says how. */
static int x_create(void *ud, const char **args, int nr_args, Fts5Tokenizer **out)
{
	struct stemtok *t;

	(void)args;
	if (nr_args) /* "clew" takes no arguments */
		return SQLITE_ERROR;
	t = stemtok_from_api(ud);
	if (!t)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void x_delete(Fts5Tokenizer *tok)
{
	stemtok_free((struct stemtok *)tok);
}

static int x_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
		      int n, int (*token)(void *, int, const char *, int, int, int))
{
	return stemtok_tokenize((struct stemtok *)tok, NULL, flags, text, n, ctx, token);
}

int stemtok_register(sqlite3 *db)
{
	static fts5_tokenizer api = { x_create, x_delete, x_tokenize };
	fts5_api *fts = fts5_of(db);

	if (!fts)
		return -1;
	return fts->xCreateTokenizer(fts, "clew", fts, &api, NULL) == SQLITE_OK ? 0 : -1;
}
