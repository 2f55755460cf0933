/* pagecache: rendered pages by request (the canonical form the router
 * makes of it), with their compressed copies, kept up to a byte cap and
 * the least recently used dropped first. Shared by the server's threads;
 * one per loaded KB (kbstate.h), so a reload starts an empty one. */
#ifndef CLEW_PAGECACHE_H
#define CLEW_PAGECACHE_H

#include <stdatomic.h>
#include <stddef.h>

#include "compress.h"
#include "request.h"

/* One page kept. Read-only once made; valid while a reference is held. */
struct pagecache_entry {
	int status;
	const char *content_type;   /* static string */
	int is_html;
	struct http_header *headers;
	size_t nr_headers;
	char *body;
	size_t len;
	struct cz_set *cz;          /* the body in br and gzip (pagecache_encode) */
	/* private */
	size_t bytes;               /* what it counts against the cap */
	size_t base_bytes;          /* of those, all but the compressed copies */
	int linked;                 /* in the cache (not dropped yet) */
	atomic_int refs;
	char *key;
	size_t key_len;
	struct pagecache_entry *prev, *next;  /* LRU list, newest first */
	struct pagecache_entry *chain;        /* hash bucket */
};

struct pagecache;

/* A cache of max_bytes at most (keys, bodies, headers and compressed
 * copies counted); 0 makes one that keeps nothing. Caller frees. */
struct pagecache *pagecache_new(size_t max_bytes);
/* Drops every entry (those still referenced live on until released).
 * NULL is a no-op. */
void pagecache_free(struct pagecache *pc);

/* The entry for key, made the most recently used, with a reference
 * taken (release with pagecache_entry_release), or NULL. */
struct pagecache_entry *pagecache_get(struct pagecache *pc, const void *key,
				      size_t key_len);

/* Keeps a copy of rep (status, type, headers, body: its sbuf body, not a
 * fixed one) under key, replacing one there, and drops the least
 * recently used entries past the cap. Nothing is compressed yet: a page
 * asked for once never costs more than a page not kept. Returns the
 * entry with a reference taken for the caller, or NULL when it is larger
 * than the whole cap (not kept). */
struct pagecache_entry *pagecache_put(struct pagecache *pc, const void *key,
				      size_t key_len, const struct http_reply *rep);

/* Makes e's copy in coding c (at CZ_BEST, once) when not made yet, and
 * counts it against the cap (which may drop older entries). Call before
 * cz_set_get(e->cz, c, ...) on a page served again. */
void pagecache_encode(struct pagecache *pc, struct pagecache_entry *e, enum cz_coding c);

/* Releases a reference; the last one frees. NULL is a no-op. The type
 * fits http_reply's hold_release. */
void pagecache_entry_release(void *entry);

/* Entries and bytes kept now. */
void pagecache_stats(struct pagecache *pc, size_t *entries, size_t *bytes);

#endif
