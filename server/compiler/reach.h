/* reach: the compile-time check that every cause can rank first. It runs
 * on the engine model built straight from the parsed KB, the same model
 * store_load_model reads from the database the writer makes of that KB
 * (tests/check_compile.c compares the two), so it needs no database and
 * can run while the database is written. */
#ifndef CLEW_REACH_H
#define CLEW_REACH_H

#include "../base/diag.h"

struct eng_model;
struct kb;

/* Builds the engine model of kb, as store_load_model would build it from
 * the database written from kb. Returns NULL, with an error in d, when a
 * question has more options than the engine can hold (ENG_MAX_OPTIONS).
 * kb is only read. The caller frees the model with eng_model_free. */
struct eng_model *reach_model(const struct kb *kb, struct diag *d);

/* Warns in d about each cause of m (built from kb by reach_model) that no
 * set of answers ranks first. */
void reach_check(const struct kb *kb, const struct eng_model *m,
		 struct diag *d);

#endif
