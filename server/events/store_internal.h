/* store_internal: what the event store's backends share; only
 * events/store.c, sqlite.c and postgres.c include it. */
#ifndef CLEW_EV_STORE_INTERNAL_H
#define CLEW_EV_STORE_INTERNAL_H

#include "store.h"

/* The columns every backend stores, in this order (id and the rest are the
 * backend's); the bound and scanned values follow ev_store_columns. */
#define EV_NR_COLUMNS 14
extern const char ev_store_columns[];

struct ev_backend {
	const char *name;
	struct ev_store *(*open)(const char *dsn, struct sbuf *err);
	void (*free)(struct ev_store *st);
	long (*write)(struct ev_store *st, struct ev_event *const *evs,
		      size_t n, struct sbuf *err);
	int (*scan)(struct ev_store *st, int64_t since_ms,
		    int (*fn)(const struct ev_event *, void *), void *ctx,
		    struct sbuf *err);
	long (*expire)(struct ev_store *st, int64_t before_ms, struct sbuf *err);
};

/* Every backend's handle begins with this. */
struct ev_store {
	const struct ev_backend *ops;
};

extern const struct ev_backend ev_sqlite_backend;
extern const struct ev_backend ev_postgres_backend;

/* The text of column i of e (NULL for none); at_ms, hits and rank are
 * written into num (room for 24 bytes) and returned from there. */
const char *ev_store_column_text(const struct ev_event *e, int i, char *num);

/* Sets column i of e from text (NULL for SQL NULL). Returns -1 when a
 * stored kind or number does not read. */
int ev_store_column_set(struct ev_event *e, int i, const char *text);

#endif
