/* xalloc: allocation that ends the process with a message instead of
 * returning NULL. */
#ifndef CLEW_XALLOC_H
#define CLEW_XALLOC_H

#include <stddef.h>

/* Each returns a valid pointer; caller frees. Out of memory, each prints
 * "clew: out of memory" on stderr, removes the registered temporary files
 * (tempfile.h) and ends the process with exit status 1 (no abort, no core
 * dump). */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* Copies at most len bytes of s and NUL-terminates. */
char *xstrndup(const char *s, size_t len);

/* Grows array x (of nr used items, alloc allocated) so that it holds at least
 * n items; as git's ALLOC_GROW. */
#define ALLOC_GROW(x, n, alloc)                                                \
	do {                                                                   \
		if ((n) > (alloc)) {                                           \
			size_t alloc_grow_new_ = (alloc) ? (alloc) * 2 : 8;    \
			if (alloc_grow_new_ < (n))                             \
				alloc_grow_new_ = (n);                         \
			(x) = xrealloc((x), alloc_grow_new_ * sizeof(*(x)));   \
			(alloc) = alloc_grow_new_;                             \
		}                                                              \
	} while (0)

#endif
