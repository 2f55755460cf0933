/* arena: a bump allocator for many small blocks that are freed together
 * (the blocks of one parse, say), without a malloc/free per block. */
#ifndef CLEW_ARENA_H
#define CLEW_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunk; /* the one allocated from; owned */
	void *last;                /* the latest block, for arena_resize */
	size_t last_size;
};

#define ARENA_INIT { NULL, NULL, 0 }

/* Returns a block of size bytes (aligned for any type, not zeroed) that
 * lives until arena_reset or arena_release. Never NULL (xalloc.h). */
void *arena_alloc(struct arena *a, size_t size);

/* Grows or shrinks p, the block arena_alloc returned last, in place when
 * it fits: returns 1 then, else 0 (p is unchanged). */
int arena_resize(struct arena *a, void *p, size_t size);

/* Frees every block at once; keeps the first chunk for the next ones.
 * Blocks handed out before are invalid after (and, under AddressSanitizer,
 * reported when used). */
void arena_reset(struct arena *a);

/* Frees every block and chunk; a is empty and reusable. */
void arena_release(struct arena *a);

#endif
