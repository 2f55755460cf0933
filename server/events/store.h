/* store: where events are kept, behind one small interface with two
 * backends: SQLite (sqlite.c; the default, one file) and PostgreSQL
 * (postgres.c; many replicas sharing one database). Each creates its
 * schema on open and migrates an older one; see docs/outcomes.md. */
#ifndef CLEW_EV_STORE_H
#define CLEW_EV_STORE_H

#include <stddef.h>
#include <stdint.h>

struct ev_event;
struct sbuf;

/* The events schema this program writes (clew_events_meta schema_version). */
#define EV_SCHEMA_VERSION 1

struct ev_store;

/* Opens the store dsn names, creating or migrating its schema:
 * "postgresql://..." or "postgres://..." is PostgreSQL (a libpq URI);
 * "sqlite:PATH" or any other text is the path of an SQLite file. Returns
 * the handle, or NULL with the reason appended to err (never the DSN: it
 * may hold a password). */
struct ev_store *ev_store_open(const char *dsn, struct sbuf *err);

/* As ev_store_open, for reading what was recorded: arg as `--events`
 * takes it (ev_store_dsn_read), and an SQLite file that does not exist is
 * an error, not a new empty store. */
struct ev_store *ev_store_open_existing(const char *arg, struct sbuf *err);

/* NULL is a no-op. */
void ev_store_free(struct ev_store *st);

/* "sqlite" or "postgresql". */
const char *ev_store_backend(const struct ev_store *st);

/* 1 when dsn names a PostgreSQL store. */
int ev_store_dsn_is_postgres(const char *dsn);

/* What ev_store_write returns when nothing was stored. */
#define EV_STORE_DOWN (-1)    /* the store failed (down, disk full, ...):
			       * free the handle, open it again, retry */
#define EV_STORE_REFUSED (-2) /* the store refused what was sent (a value
			       * it cannot take): retrying will not help */

/* Writes evs[0..n) in one transaction. A second outcome for a session, or
 * a second vote with the same session on the same article, is skipped.
 * Returns the number of events stored, or EV_STORE_DOWN or
 * EV_STORE_REFUSED with the reason in err (then nothing was stored). */
long ev_store_write(struct ev_store *st, struct ev_event *const *evs, size_t n,
		    struct sbuf *err);

/* Calls fn(e, ctx) for each stored event at or after since_ms, in the
 * order written (e is borrowed for the call). fn returns 0 to go on.
 * Returns 0, fn's non-zero value, or -1 with the reason in err. */
int ev_store_scan(struct ev_store *st, int64_t since_ms,
		  int (*fn)(const struct ev_event *e, void *ctx), void *ctx,
		  struct sbuf *err);

/* Deletes the events older than before_ms. Returns how many, or -1 with
 * the reason in err. */
long ev_store_expire(struct ev_store *st, int64_t before_ms, struct sbuf *err);

/* Reads a DSN as `--events` takes it: "@FILE" is the first line of FILE
 * (a Kubernetes Secret, say); anything else is itself. Appends it to out.
 * Returns 0, or -1 with the reason in err. */
int ev_store_dsn_read(const char *arg, struct sbuf *out, struct sbuf *err);

#endif
