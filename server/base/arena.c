/* arena: a bump allocator for blocks freed together. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Most parses fit one chunk: a 1 KB article takes about 20 KB. */
#define CHUNK_SIZE (64 * 1024 - 64)
#define ALIGN alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk *prev; /* filled before this one */
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(ALIGN - 1);
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->chunk;
	size_t need = round_up(size ? size : 1);
	void *p;

	if (need < size)
		need = SIZE_MAX; /* overflow: xmalloc below fails cleanly */
	if (!c || c->size - c->used < need) {
		size_t n = need > CHUNK_SIZE ? need : CHUNK_SIZE;

		if (n > SIZE_MAX - sizeof(*c))
			n = SIZE_MAX - sizeof(*c);
		c = xmalloc(sizeof(*c) + n);
		c->prev = a->chunk;
		c->used = 0;
		c->size = n;
		POISON(c->data, n);
		a->chunk = c;
	}
	p = c->data + c->used;
	c->used += need;
	UNPOISON(p, size);
	a->last = p;
	a->last_size = size;
	return p;
}

int arena_resize(struct arena *a, void *p, size_t size)
{
	struct arena_chunk *c = a->chunk;
	size_t start, need = round_up(size ? size : 1);

	if (!c || p != a->last || need < size)
		return 0;
	start = (size_t)((unsigned char *)p - c->data);
	if (c->size - start < need)
		return 0;
	POISON(p, a->last_size);
	c->used = start + need;
	UNPOISON(p, size);
	a->last_size = size;
	return 1;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->chunk;

	if (!c)
		return;
	/* Keep the first chunk (the oldest) when it has the usual size,
	 * free the others. */
	while (c->prev) {
		struct arena_chunk *prev = c->prev;

		free(c);
		c = prev;
	}
	a->last = NULL;
	a->last_size = 0;
	if (c->size != CHUNK_SIZE) {
		free(c);
		a->chunk = NULL;
		return;
	}
	c->used = 0;
	POISON(c->data, c->size);
	a->chunk = c;
}

void arena_release(struct arena *a)
{
	arena_reset(a);
	if (a->chunk)
		UNPOISON(a->chunk->data, a->chunk->size);
	free(a->chunk);
	a->chunk = NULL;
}
