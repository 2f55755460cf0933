/* strmap: a map from strings to dense indices 0, 1, 2... in the order the
 * strings were first added (open addressing, FNV-1a). For tallies keyed
 * by text: the caller keeps its values in an array indexed the same. */
#ifndef CLEW_STRMAP_H
#define CLEW_STRMAP_H

#include <stddef.h>

struct strmap {
	char **keys;     /* keys[i]: the i-th string added (owned) */
	size_t nr, alloc;
	size_t *slots;   /* 1 + index, 0: empty */
	size_t nr_slots; /* a power of two, or 0 */
};

#define STRMAP_INIT { NULL, 0, 0, NULL, 0 }

/* Returns s's index, adding a copy of s when it is new (*added set to 1
 * then, else 0; added may be NULL). */
size_t strmap_add(struct strmap *m, const char *s, int *added);

/* Returns s's index, or -1 when s was never added. */
long strmap_find(const struct strmap *m, const char *s);

void strmap_release(struct strmap *m);

#endif
