/* stemtok: the search table's tokenizer, "clew": words cut and folded
 * (case, diacritics) as FTS5's unicode61 (remove_diacritics 2) cuts and
 * folds them, then stemmed in the text's own language. English, and any language Snowball has no
 * stemmer for, is stemmed by FTS5's Porter tokenizer (as before there
 * were languages); French, German, Spanish, Russian and the other
 * Snowball languages by libstemmer's stemmer for them.
 *
 * FTS5 shows a tokenizer only the text, so a text in a Snowball language
 * starts with a mark naming its stemmer, "\x1F" ALGORITHM "\x1F" (the
 * view search_source adds it from articles.stem, and a query's words
 * carry it too); a text without the mark is Porter's. The mark is no
 * token. Store-internal: registered by the writer and the store on every
 * connection that reads or writes the search table. */
#ifndef CLEW_STEMTOK_H
#define CLEW_STEMTOK_H

#include <sqlite3.h>

struct sbuf;

#define STEMTOK_MARK '\x1F'

/* The Snowball algorithm for a language tag ("fr", "pt-BR", "de-CH"; its
 * primary subtag, any case), or NULL for English, for a language
 * Snowball has none for, and for NULL. A static string. */
const char *stemtok_algorithm(const char *lang);

/* Appends the mark of algo (not NULL) to out. */
void stemtok_mark(struct sbuf *out, const char *algo);

/* Length of the mark text starts with (0 for none), and the algorithm
 * it names in *algo, *algo_len (not NUL-terminated; borrowed from text). */
int stemtok_mark_len(const char *text, int n, const char **algo, int *algo_len);

/* Registers the FTS5 tokenizer "clew" with db. Returns 0, or -1 when db
 * has no FTS5. */
int stemtok_register(sqlite3 *db);

/* A tokenizer for C code that cuts text as the search table does
 * without going through a table (the ranking index). */
struct stemtok;

/* Returns a tokenizer made from db's FTS5 tokenizers (db borrowed only
 * during the call), or NULL when db has no FTS5. Caller frees. One thread
 * at a time may use it. */
struct stemtok *stemtok_new(sqlite3 *db);
/* NULL is a no-op. */
void stemtok_free(struct stemtok *t);

typedef int (*stemtok_token_fn)(void *ctx, int tflags, const char *token,
				int n, int start, int end);

/* Cuts text (n bytes) as FTS5 cuts algo's mark followed by text; with
 * algo NULL, as FTS5 cuts text itself (Porter's, unless text starts with
 * a mark). Calls token for each term with its byte offsets in text. flags are FTS5's (FTS5_TOKENIZE_DOCUMENT, _QUERY, ...).
 * Returns SQLITE_OK, an error code, or what token returned. */
int stemtok_tokenize(struct stemtok *t, const char *algo, int flags,
		     const char *text, int n, void *ctx, stemtok_token_fn token);

#endif
