/* memo: a bounded cache of rendered documents by key. */
#include "memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "../base/xalloc.h"
#include "compress.h"

#define NR_LOCKS 64

struct entry {
	char *key;
	size_t key_len;
	struct memo_doc *doc;
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

void memo_doc_release(void *doc)
{
	struct memo_doc *d = doc;

	if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	cz_set_free(d->cz);
	free(d->data);
	free(d);
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_slots; i++) {
		free(m->slots[i].key);
		memo_doc_release(m->slots[i].doc);
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

struct memo_doc *memo_ref(struct memo *m, const void *key, size_t key_len)
{
	size_t i = slot_of(m, key, key_len);
	struct entry *e = &m->slots[i];
	struct memo_doc *d = NULL;

	pthread_mutex_lock(&m->locks[i % NR_LOCKS]);
	if (e->key && e->key_len == key_len && !memcmp(e->key, key, key_len)) {
		d = e->doc;
		atomic_fetch_add(&d->refs, 1);
	}
	pthread_mutex_unlock(&m->locks[i % NR_LOCKS]);
	return d;
}

int memo_get(struct memo *m, const void *key, size_t key_len, struct sbuf *out)
{
	struct memo_doc *d = memo_ref(m, key, key_len);

	if (!d)
		return 0;
	sbuf_add(out, d->data, d->len);
	memo_doc_release(d);
	return 1;
}

void memo_put(struct memo *m, const void *key, size_t key_len,
	      const char *value, size_t value_len)
{
	size_t i = slot_of(m, key, key_len);
	struct entry *e = &m->slots[i];
	char *k = xmalloc(key_len + 1), *old_k;
	struct memo_doc *d = xcalloc(1, sizeof(*d)), *old_d;

	memcpy(k, key, key_len);
	d->data = xmalloc(value_len + 1);
	memcpy(d->data, value, value_len);
	d->data[value_len] = '\0';
	d->len = value_len;
	d->cz = cz_set_new(d->data, d->len, "text/plain", 0);
	atomic_init(&d->refs, 1);
	pthread_mutex_lock(&m->locks[i % NR_LOCKS]);
	old_k = e->key;
	old_d = e->doc;
	e->key = k;
	e->key_len = key_len;
	e->doc = d;
	pthread_mutex_unlock(&m->locks[i % NR_LOCKS]);
	free(old_k);
	memo_doc_release(old_d);
}
