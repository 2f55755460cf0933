/* sqlite: the events store in an SQLite file of its own (never the KB):
 * WAL, written by one thread (the sink's), read by clew learn and report. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "event.h"

struct sqlite_store {
	struct ev_store base;
	sqlite3 *db;
	sqlite3_stmt *insert;
};

/* Each version's statements, applied in order from the file's version. */
static const char *const migrations[EV_SCHEMA_VERSION] = {
	/* 1 */
	"CREATE TABLE clew_events ("
	" id INTEGER PRIMARY KEY,"
	" at_ms INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" kb TEXT NOT NULL,"
	" session_id TEXT, article TEXT, answers TEXT, tried TEXT,"
	" question TEXT, step TEXT, result TEXT, reason TEXT, query TEXT,"
	" hits INTEGER, hit_rank INTEGER);"
	/* No index on at_ms: it would cost every insert, and the readers
	 * (clew learn, clew report, /admin) read a window of the table in one
	 * pass anyway; the partial indexes cost only outcomes and votes. */
	"CREATE UNIQUE INDEX clew_events_one_outcome ON clew_events (session_id)"
	" WHERE kind = 'outcome';"
	"CREATE UNIQUE INDEX clew_events_one_vote ON clew_events (session_id, article)"
	" WHERE kind = 'vote' AND session_id IS NOT NULL;",
};

static void sql_err(struct sbuf *err, sqlite3 *db, const char *what)
{
	sbuf_addf(err, "events store (SQLite): %s: %s", what, sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *sql, const char *what, struct sbuf *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sql_err(err, db, what);
	return -1;
}

/* The file's schema version: 0 for a new (empty) file; -1 for one that is
 * not an events store (a compiled KB, say). */
static int file_version(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int version = -1, tables = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) ==
		    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		tables = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (!tables)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM clew_events_meta "
			       "WHERE key = 'schema_version'", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = atoi((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return version > 0 ? version : -1;
}

static int migrate(sqlite3 *db, const char *path, struct sbuf *err)
{
	int version, ret = -1;

	if (exec(db, "BEGIN IMMEDIATE", "cannot lock the file", err))
		return -1;
	version = file_version(db);
	if (version < 0) {
		sbuf_addf(err, "%s is not a Clew events store (a compiled KB, or "
			  "another program's database); name a file of its own", path);
		goto cleanup;
	}
	if (version > EV_SCHEMA_VERSION) {
		sbuf_addf(err, "%s holds events schema %d, newer than this clew's %d",
			  path, version, EV_SCHEMA_VERSION);
		goto cleanup;
	}
	if (!version && exec(db, "CREATE TABLE clew_events_meta (key TEXT PRIMARY KEY,"
			     " value TEXT NOT NULL) WITHOUT ROWID", "cannot create the schema", err))
		goto cleanup;
	for (int v = version; v < EV_SCHEMA_VERSION; v++)
		if (exec(db, migrations[v], "cannot migrate the schema", err))
			goto cleanup;
	if (version < EV_SCHEMA_VERSION) {
		struct sbuf sql = SBUF_INIT;
		int rc;

		/* A number of ours, not input: no quoting needed. */
		sbuf_addf(&sql, "INSERT OR REPLACE INTO clew_events_meta VALUES "
			  "('schema_version', '%d')", EV_SCHEMA_VERSION);
		rc = exec(db, sql.buf, "cannot record the schema version", err);
		sbuf_release(&sql);
		if (rc)
			goto cleanup;
	}
	if (exec(db, "COMMIT", "cannot commit the schema", err))
		goto cleanup;
	return 0;
cleanup:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

static void sqlite_free(struct ev_store *base)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	sqlite3_finalize(st->insert);
	sqlite3_close(st->db);
	free(st);
}

static struct ev_store *sqlite_open(const char *path, struct sbuf *err)
{
	struct sqlite_store *st = xcalloc(1, sizeof(*st));
	struct sbuf sql = SBUF_INIT;

	st->base.ops = &ev_sqlite_backend;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sbuf_addf(err, "cannot open the events file %s: %s", path,
			  st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL, synced at checkpoints only (an event lost to a power cut is
	 * one a queue would have lost too); checkpoints every 4,000 pages
	 * rather than 1,000: fewer, larger copies into the file. */
	if (exec(st->db, "PRAGMA journal_mode = WAL", "cannot use WAL", err) ||
	    exec(st->db, "PRAGMA synchronous = NORMAL", "cannot set synchronous", err) ||
	    exec(st->db, "PRAGMA wal_autocheckpoint = 4000", "cannot set the checkpoint", err) ||
	    migrate(st->db, path, err))
		goto fail;
	sbuf_addf(&sql, "INSERT OR IGNORE INTO clew_events (%s) VALUES "
		  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ev_store_columns);
	if (sqlite3_prepare_v2(st->db, sql.buf, -1, &st->insert, NULL) != SQLITE_OK) {
		sql_err(err, st->db, "cannot prepare the insert");
		goto fail;
	}
	sbuf_release(&sql);
	return &st->base;
fail:
	sbuf_release(&sql);
	sqlite_free(&st->base);
	return NULL;
}

static long sqlite_write(struct ev_store *base, struct ev_event *const *evs,
			 size_t n, struct sbuf *err)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	long stored = 0;

	if (exec(st->db, "BEGIN IMMEDIATE", "cannot begin", err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char num[24];

		sqlite3_reset(st->insert);
		/* The event outlives the step: its strings are bound, not
		 * copied. */
		for (int c = 0; c < EV_NR_COLUMNS; c++) {
			const char *v;

			if (c == 0 || c == 12 || c == 13) {
				int64_t x = c == 0 ? evs[i]->at_ms : c == 12 ? evs[i]->hits : evs[i]->rank;

				if (c && x < 0)
					sqlite3_bind_null(st->insert, c + 1);
				else
					sqlite3_bind_int64(st->insert, c + 1, x);
				continue;
			}
			v = ev_store_column_text(evs[i], c, num);
			if (v)
				sqlite3_bind_text(st->insert, c + 1, v, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st->insert, c + 1);
		}
		if (sqlite3_step(st->insert) != SQLITE_DONE) {
			int rc = sqlite3_reset(st->insert) & 0xff;

			sql_err(err, st->db, "cannot store an event");
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			/* A value the table will never take, against the
			 * file failing (full, locked, gone). */
			return rc == SQLITE_CONSTRAINT || rc == SQLITE_MISMATCH ||
				       rc == SQLITE_TOOBIG || rc == SQLITE_RANGE ?
				       EV_STORE_REFUSED : EV_STORE_DOWN;
		}
		stored += sqlite3_changes(st->db);
	}
	sqlite3_reset(st->insert);
	if (exec(st->db, "COMMIT", "cannot commit", err)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return stored;
}

static int sqlite_scan(struct ev_store *base, int64_t since_ms,
		       int (*fn)(const struct ev_event *, void *), void *ctx,
		       struct sbuf *err)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *s = NULL;
	int rc, ret = -1;

	sbuf_addf(&sql, "SELECT %s FROM clew_events WHERE at_ms >= ? ORDER BY id",
		  ev_store_columns);
	if (sqlite3_prepare_v2(st->db, sql.buf, -1, &s, NULL) != SQLITE_OK) {
		sql_err(err, st->db, "cannot read events");
		goto cleanup;
	}
	sqlite3_bind_int64(s, 1, since_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ev_event e = { .hits = -1, .rank = -1 };
		int r = 0;

		for (int c = 0; c < EV_NR_COLUMNS && !r; c++)
			r = ev_store_column_set(&e, c, (const char *)sqlite3_column_text(s, c));
		if (r) {
			sbuf_adds(err, "events store (SQLite): a stored event does not read");
			ev_event_release(&e);
			goto cleanup;
		}
		r = fn(&e, ctx);
		ev_event_release(&e);
		if (r) {
			ret = r;
			goto cleanup;
		}
	}
	if (rc != SQLITE_DONE) {
		sql_err(err, st->db, "cannot read events");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(s);
	sbuf_release(&sql);
	return ret;
}

static long sqlite_expire(struct ev_store *base, int64_t before_ms, struct sbuf *err)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	sqlite3_stmt *s = NULL;
	long n = -1;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM clew_events WHERE at_ms < ?", -1, &s,
			       NULL) != SQLITE_OK) {
		sql_err(err, st->db, "cannot expire events");
		return -1;
	}
	sqlite3_bind_int64(s, 1, before_ms);
	if (sqlite3_step(s) == SQLITE_DONE)
		n = sqlite3_changes(st->db);
	else
		sql_err(err, st->db, "cannot expire events");
	sqlite3_finalize(s);
	return n;
}

const struct ev_backend ev_sqlite_backend = {
	.name = "sqlite",
	.open = sqlite_open,
	.free = sqlite_free,
	.write = sqlite_write,
	.scan = sqlite_scan,
	.expire = sqlite_expire,
};
