/* memo: a bounded cache of rendered documents by key, shared by the
 * server's threads (direct-mapped: a new entry replaces whatever held its
 * slot). Used for diagnose results, which depend only on the KB and the
 * normalised answers. Values are text (JSON), so each keeps its
 * compressed copies beside it (compress.h), made when first asked for. */
#ifndef CLEW_MEMO_H
#define CLEW_MEMO_H

#include <stdatomic.h>
#include <stddef.h>

#include "../base/sbuf.h"

struct cz_set;
struct memo;

/* One value kept; read-only, valid while a reference is held. */
struct memo_doc {
	char *data;         /* NUL-terminated */
	size_t len;
	struct cz_set *cz;  /* data in br and gzip, made on first use */
	atomic_int refs;    /* private */
};

/* Returns a cache of nr_slots entries at most (caller frees). */
struct memo *memo_new(size_t nr_slots);
/* NULL is a no-op; documents still referenced live on until released. */
void memo_free(struct memo *m);

/* Appends the value stored for key to out and returns 1, or returns 0. */
int memo_get(struct memo *m, const void *key, size_t key_len, struct sbuf *out);

/* The document stored for key with a reference taken (release with
 * memo_doc_release), or NULL. */
struct memo_doc *memo_ref(struct memo *m, const void *key, size_t key_len);

/* Releases a reference; the last one frees. NULL is a no-op. The type
 * fits http_reply's hold_release. */
void memo_doc_release(void *doc);

/* Stores a copy of value under key. */
void memo_put(struct memo *m, const void *key, size_t key_len,
	      const char *value, size_t value_len);

#endif
