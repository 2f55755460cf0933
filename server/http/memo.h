/* memo: a bounded cache of rendered documents by key, shared by the
 * server's threads (direct-mapped: a new entry replaces whatever held its
 * slot). Used for diagnose results, which depend only on the KB and the
 * normalised answers. */
#ifndef CLEW_MEMO_H
#define CLEW_MEMO_H

#include <stddef.h>

#include "../base/sbuf.h"

struct memo;

/* Returns a cache of nr_slots entries at most (caller frees). */
struct memo *memo_new(size_t nr_slots);
/* NULL is a no-op. */
void memo_free(struct memo *m);

/* Appends the value stored for key to out and returns 1, or returns 0. */
int memo_get(struct memo *m, const void *key, size_t key_len, struct sbuf *out);

/* Stores a copy of value under key. */
void memo_put(struct memo *m, const void *key, size_t key_len,
	      const char *value, size_t value_len);

#endif
