/* pagecache: rendered pages by request, least recently used out. */
#include "pagecache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "../base/xalloc.h"

#define NR_BUCKETS 4096

struct pagecache {
	pthread_mutex_t lock;   /* guards everything below */
	size_t max_bytes, bytes, nr;
	struct pagecache_entry *newest, *oldest;
	struct pagecache_entry *buckets[NR_BUCKETS];
};

struct pagecache *pagecache_new(size_t max_bytes)
{
	struct pagecache *pc = xcalloc(1, sizeof(*pc));

	pthread_mutex_init(&pc->lock, NULL);
	pc->max_bytes = max_bytes;
	return pc;
}

static void entry_free(struct pagecache_entry *e)
{
	for (size_t i = 0; i < e->nr_headers; i++) {
		free(e->headers[i].name);
		free(e->headers[i].value);
	}
	free(e->headers);
	cz_set_free(e->cz);
	free(e->body);
	free(e->key);
	free(e);
}

void pagecache_entry_release(void *entry)
{
	struct pagecache_entry *e = entry;

	if (e && atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

static size_t bucket_of(const void *key, size_t len)
{
	return (size_t)(text_hash(TEXT_HASH_INIT, key, len) % NR_BUCKETS);
}

/* Takes e out of the list and its bucket, and drops the cache's
 * reference; call with the lock held. */
static void unlink_entry(struct pagecache *pc, struct pagecache_entry *e)
{
	struct pagecache_entry **pp = &pc->buckets[bucket_of(e->key, e->key_len)];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	if (e->prev)
		e->prev->next = e->next;
	else
		pc->newest = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		pc->oldest = e->prev;
	pc->bytes -= e->bytes;
	pc->nr--;
	e->linked = 0;
	pagecache_entry_release(e);
}

void pagecache_free(struct pagecache *pc)
{
	if (!pc)
		return;
	while (pc->newest)
		unlink_entry(pc, pc->newest);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

static struct pagecache_entry *find(struct pagecache *pc, const void *key, size_t len)
{
	struct pagecache_entry *e = pc->buckets[bucket_of(key, len)];

	while (e && (e->key_len != len || memcmp(e->key, key, len)))
		e = e->chain;
	return e;
}

/* Puts e first in the list; call with the lock held. */
static void make_newest(struct pagecache *pc, struct pagecache_entry *e)
{
	e->prev = NULL;
	e->next = pc->newest;
	if (pc->newest)
		pc->newest->prev = e;
	pc->newest = e;
	if (!pc->oldest)
		pc->oldest = e;
}

struct pagecache_entry *pagecache_get(struct pagecache *pc, const void *key,
				      size_t key_len)
{
	struct pagecache_entry *e;

	if (!pc || !pc->max_bytes)
		return NULL;
	pthread_mutex_lock(&pc->lock);
	e = find(pc, key, key_len);
	if (e) {
		if (pc->newest != e) {
			e->prev->next = e->next;
			if (e->next)
				e->next->prev = e->prev;
			else
				pc->oldest = e->prev;
			make_newest(pc, e);
		}
		atomic_fetch_add(&e->refs, 1);
	}
	pthread_mutex_unlock(&pc->lock);
	return e;
}

struct pagecache_entry *pagecache_put(struct pagecache *pc, const void *key,
				      size_t key_len, const struct http_reply *rep)
{
	struct pagecache_entry *e, *old;
	size_t bytes;

	if (!pc || !pc->max_bytes)
		return NULL;
	/* An estimate first, so that a body past the cap is not copied and
	 * compressed for nothing. */
	bytes = sizeof(*e) + key_len + rep->body.len;
	if (bytes > pc->max_bytes)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	e->status = rep->status;
	e->content_type = rep->content_type;
	e->is_html = rep->is_html;
	e->key = xmalloc(key_len + 1);
	memcpy(e->key, key, key_len);
	e->key[key_len] = '\0';
	e->key_len = key_len;
	e->body = xmalloc(rep->body.len + 1);
	memcpy(e->body, rep->body.buf, rep->body.len + 1);
	e->len = rep->body.len;
	e->headers = xcalloc(rep->nr_headers + 1, sizeof(*e->headers));
	for (size_t i = 0; i < rep->nr_headers; i++) {
		e->headers[i].name = xstrdup(rep->headers[i].name);
		e->headers[i].value = xstrdup(rep->headers[i].value);
		bytes += strlen(e->headers[i].name) + strlen(e->headers[i].value) + 2 +
			 sizeof(*e->headers);
	}
	e->nr_headers = rep->nr_headers;
	e->cz = cz_set_new(e->body, e->len, e->content_type, 0);
	e->base_bytes = e->bytes = bytes;
	/* One reference for the cache, one for the caller. */
	atomic_init(&e->refs, 2);
	if (e->bytes > pc->max_bytes) {
		atomic_store(&e->refs, 1);
		pagecache_entry_release(e);
		return NULL;
	}
	pthread_mutex_lock(&pc->lock);
	old = find(pc, key, key_len);
	if (old)
		unlink_entry(pc, old);
	while (pc->oldest && pc->bytes + e->bytes > pc->max_bytes)
		unlink_entry(pc, pc->oldest);
	{
		size_t b = bucket_of(key, key_len);

		e->chain = pc->buckets[b];
		pc->buckets[b] = e;
	}
	make_newest(pc, e);
	e->linked = 1;
	pc->bytes += e->bytes;
	pc->nr++;
	pthread_mutex_unlock(&pc->lock);
	return e;
}

void pagecache_encode(struct pagecache *pc, struct pagecache_entry *e, enum cz_coding c)
{
	size_t n, before;

	if (c == CZ_IDENTITY || !cz_set_varies(e->cz))
		return;
	before = cz_set_bytes(e->cz);
	cz_set_get(e->cz, c, &n);
	/* Counted again only when a copy was made: a hit whose copy is
	 * kept already takes no lock here. */
	if (cz_set_bytes(e->cz) == before)
		return;
	pthread_mutex_lock(&pc->lock);
	if (e->linked) {
		size_t now = e->base_bytes + cz_set_bytes(e->cz);

		pc->bytes += now - e->bytes;
		e->bytes = now;
		while (pc->oldest && pc->bytes > pc->max_bytes)
			unlink_entry(pc, pc->oldest);
	}
	pthread_mutex_unlock(&pc->lock);
}

void pagecache_stats(struct pagecache *pc, size_t *entries, size_t *bytes)
{
	*entries = *bytes = 0;
	if (!pc)
		return;
	pthread_mutex_lock(&pc->lock);
	*entries = pc->nr;
	*bytes = pc->bytes;
	pthread_mutex_unlock(&pc->lock);
}
