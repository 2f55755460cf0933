/* compile: the whole `clew compile` run: find the sources, parse them (on
 * several threads), check references across files, and write the database
 * atomically (a temporary file renamed over the output on success only). */
#ifndef CLEW_COMPILE_H
#define CLEW_COMPILE_H

#include <stddef.h>

#include "../base/diag.h"

struct eng_model;

struct compile_opts {
	const char *output; /* database path to create or replace */
	int strict;         /* warnings fail the run */
	int jobs;           /* parser threads; 0 = one per online CPU */
	/* When not NULL and the output was written, receives the engine model
	 * the reachability check ran on (the caller frees it with
	 * eng_model_free); left alone otherwise. */
	struct eng_model **model_out;
	const char *learned; /* `clew learn`'s file to bake in, or NULL */
	/* A source with errors is left out and the rest compiled (its
	 * errors are still in d, and the run still fails under strict). */
	int keep_going;
	/* The KB's default language (meta default_lang), or NULL: the
	 * catalogue's 'lang:', else en. */
	const char *default_lang;
};

struct compile_stats {
	size_t sources;
	size_t articles;
	size_t translations; /* of articles, apart from articles */
	size_t causes;
	size_t solutions;
	size_t questions;
	size_t platforms;
	char content_hash[17];
	/* keep_going: the sources left out, borrowed from the inputs' list
	 * until compile_stats_release. */
	char **left_out;
	size_t nr_left_out;
};

void compile_stats_release(struct compile_stats *st);

/* Tunes the process's malloc for compile_run (glibc: no fastbins), for
 * the whole process and for good: for a process that compiles and ends,
 * as `clew compile` does. Call it before compile_run, or not at all. */
void compile_tune_process(void);

/* Compiles every file named in inputs (any extension) and every *.md and
 * *.markdown file below the folders named. Every problem is added to d.
 * Returns 0 when the output was written; -1 when it was not (errors, or
 * warnings under strict; under keep_going, errors but those of the
 * sources left out, or nothing left to compile), in which case an
 * existing output is untouched. Fills *stats either way (release it with
 * compile_stats_release). */
int compile_run(const char *const *inputs, size_t nr_inputs,
		const struct compile_opts *opts, struct diag *d,
		struct compile_stats *stats);

#endif
