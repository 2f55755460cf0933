/* strmap: strings to dense indices. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

static size_t slot_of(const struct strmap *m, const char *s)
{
	uint64_t h = text_hash(TEXT_HASH_INIT, s, strlen(s));
	size_t mask = m->nr_slots - 1, i = (size_t)h & mask;

	while (m->slots[i] && strcmp(m->keys[m->slots[i] - 1], s))
		i = (i + 1) & mask;
	return i;
}

static void grow(struct strmap *m)
{
	size_t n = m->nr_slots ? m->nr_slots * 2 : 64;

	free(m->slots);
	m->slots = xcalloc(n, sizeof(*m->slots));
	m->nr_slots = n;
	for (size_t k = 0; k < m->nr; k++)
		m->slots[slot_of(m, m->keys[k])] = k + 1;
}

size_t strmap_add(struct strmap *m, const char *s, int *added)
{
	size_t i;

	if ((m->nr + 1) * 2 > m->nr_slots)
		grow(m);
	i = slot_of(m, s);
	if (added)
		*added = !m->slots[i];
	if (m->slots[i])
		return m->slots[i] - 1;
	ALLOC_GROW(m->keys, m->nr + 1, m->alloc);
	m->keys[m->nr] = xstrdup(s);
	m->slots[i] = ++m->nr;
	return m->nr - 1;
}

long strmap_find(const struct strmap *m, const char *s)
{
	size_t i;

	if (!m->nr_slots)
		return -1;
	i = slot_of(m, s);
	return m->slots[i] ? (long)(m->slots[i] - 1) : -1;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
