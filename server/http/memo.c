/* memo: a bounded cache of rendered documents by key. */
#include "memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "../base/xalloc.h"

#define NR_LOCKS 64

struct entry {
	char *key;
	size_t key_len;
	char *value;
	size_t value_len;
};

struct memo {
	struct entry *slots;
	size_t nr_slots;
	pthread_mutex_t locks[NR_LOCKS]; /* slot i is guarded by i % NR_LOCKS */
};

struct memo *memo_new(size_t nr_slots)
{
	struct memo *m = xcalloc(1, sizeof(*m));

	m->nr_slots = nr_slots ? nr_slots : 1;
	m->slots = xcalloc(m->nr_slots, sizeof(*m->slots));
	for (int i = 0; i < NR_LOCKS; i++)
		pthread_mutex_init(&m->locks[i], NULL);
	return m;
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_slots; i++) {
		free(m->slots[i].key);
		free(m->slots[i].value);
	}
	for (int i = 0; i < NR_LOCKS; i++)
		pthread_mutex_destroy(&m->locks[i]);
	free(m->slots);
	free(m);
}

static size_t slot_of(const struct memo *m, const void *key, size_t len)
{
	return (size_t)(text_hash(TEXT_HASH_INIT, key, len) % m->nr_slots);
}

int memo_get(struct memo *m, const void *key, size_t key_len, struct sbuf *out)
{
	size_t i = slot_of(m, key, key_len);
	struct entry *e = &m->slots[i];
	int hit = 0;

	pthread_mutex_lock(&m->locks[i % NR_LOCKS]);
	if (e->key && e->key_len == key_len && !memcmp(e->key, key, key_len)) {
		sbuf_add(out, e->value, e->value_len);
		hit = 1;
	}
	pthread_mutex_unlock(&m->locks[i % NR_LOCKS]);
	return hit;
}

void memo_put(struct memo *m, const void *key, size_t key_len,
	      const char *value, size_t value_len)
{
	size_t i = slot_of(m, key, key_len);
	struct entry *e = &m->slots[i];
	char *k = xmalloc(key_len + 1), *v = xmalloc(value_len + 1);
	char *old_k, *old_v;

	memcpy(k, key, key_len);
	memcpy(v, value, value_len);
	pthread_mutex_lock(&m->locks[i % NR_LOCKS]);
	old_k = e->key;
	old_v = e->value;
	e->key = k;
	e->key_len = key_len;
	e->value = v;
	e->value_len = value_len;
	pthread_mutex_unlock(&m->locks[i % NR_LOCKS]);
	free(old_k);
	free(old_v);
}
