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
 * the database written from kb, and warns in d about each cause that no
 * set of answers ranks first. Returns the model (the caller frees it with
 * eng_model_free), or NULL with an error in d when a question has more
 * options than the engine can hold (ENG_MAX_OPTIONS). kb is only read. */
struct eng_model *reach_check(const struct kb *kb, struct diag *d);

#endif
