/* output: the database one compile run writes. It is built in a temporary
 * file beside the output path and renamed over it only when the run
 * succeeds, so a failed run leaves an existing output byte for byte as it
 * was. Articles may be added (from one thread at a time) while the rest of
 * the KB is still being parsed and checked. */
#ifndef CLEW_OUTPUT_H
#define CLEW_OUTPUT_H

#include <stddef.h>

#include "../base/diag.h"

struct kb;
struct kb_article;
struct output;

/* What output_finish records in the meta table. */
struct output_meta {
	const char *content_hash; /* hex of the sources */
	size_t sources;           /* files compiled */
	size_t articles;          /* articles written */
	size_t causes;            /* over all articles */
	/* Values learned from outcomes, checked against the KB; may be NULL. */
	const struct kb_learned_list *learned;
	const char *default_lang; /* the KB's default language */
};

/* Creates the temporary file beside path (and path's folders) and opens
 * the writer on it. Returns NULL, with the error in d, when it cannot. */
struct output *output_begin(const char *path, struct diag *d);

/* Writes one article, which stays borrowed until output_released counts
 * it. Returns 0, or -1 after the first write error (the message is kept
 * for output_finish; later calls do nothing). */
int output_add_article(struct output *o, const struct kb_article *a);

/* How many of the articles added so far (the first ones) the output no
 * longer reads, so that they may be freed. Callable from any thread. */
size_t output_released(struct output *o);

/* Writes the platforms, questions and meta of kb (its articles are not
 * read: they may be freed once added) after its articles,
 * completes the file and starts making it durable. Returns 0, or -1 with
 * the error (this one or an earlier article's) in d. */
int output_finish(struct output *o, const struct kb *kb,
		  const struct output_meta *meta, struct diag *d);

/* Waits for the file to be durable and renames it over the output path.
 * Returns 0, or -1 with the error in d. */
int output_commit(struct output *o, struct diag *d);

/* Removes the temporary file unless output_commit renamed it, and frees o.
 * o may be NULL. */
void output_free(struct output *o);

#endif
