/* learned: reads the file `clew learn` writes (docs/outcomes.md) for
 * `clew compile --learned FILE`, and keeps the values whose ids the KB
 * being compiled still has. */
#ifndef CLEW_LEARNED_H
#define CLEW_LEARNED_H

#include <stdint.h>

#include "../base/diag.h"
#include "../content/kb.h"

struct eng_model;

/* Reads path into out (release with kb_learned_list_release) and sets
 * *hash to the hash of its bytes (text_hash), which joins the KB's content
 * hash. Returns 0, or -1 after reporting to d (path:line:col) what is
 * wrong: not readable, not YAML, not a learned file, a value out of range. */
int learned_read(const char *path, struct kb_learned_list *out, uint64_t *hash,
		 struct diag *d);

/* Drops the values whose problem, cause, step (linked to that cause) or
 * platform m does not have, with a warning for each. */
void learned_check(struct kb_learned_list *l, const struct eng_model *m,
		   const char *path, struct diag *d);

#endif
