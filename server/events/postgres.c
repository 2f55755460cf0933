/* postgres: the events store in a PostgreSQL database (through libpq),
 * shared by any number of clew serve replicas. Tables are prefixed
 * clew_ so that the database may hold others. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../base/sbuf.h"
#include "../base/xalloc.h"
#include "event.h"

struct pg_store {
	struct ev_store base;
	PGconn *conn;
};

/* Rows per INSERT statement (14 parameters each). */
#define ROWS_PER_INSERT 100

static const char *const migrations[EV_SCHEMA_VERSION] = {
	/* 1 */
	"CREATE TABLE clew_events ("
	" id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" at_ms BIGINT NOT NULL,"
	" kind TEXT NOT NULL,"
	" kb TEXT NOT NULL,"
	" session_id TEXT, article TEXT, answers TEXT, tried TEXT,"
	" question TEXT, step TEXT, result TEXT, reason TEXT, query TEXT,"
	" hits BIGINT, hit_rank BIGINT);"
	"CREATE INDEX clew_events_at ON clew_events (at_ms);"
	"CREATE UNIQUE INDEX clew_events_one_outcome ON clew_events (session_id)"
	" WHERE kind = 'outcome';"
	"CREATE UNIQUE INDEX clew_events_one_vote ON clew_events (session_id, article)"
	" WHERE kind = 'vote' AND session_id IS NOT NULL;",
};

/* Replaces each copy of secret in err after start by "***". */
static void redact(struct sbuf *err, size_t start, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;

	if (!n)
		return;
	while ((p = strstr(err->buf + start, secret))) {
		struct sbuf rest = SBUF_INIT;
		size_t at = (size_t)(p - err->buf);

		sbuf_adds(&rest, p + n);
		sbuf_setlen(err, at);
		sbuf_adds(err, "***");
		sbuf_add(err, rest.buf, rest.len);
		sbuf_release(&rest);
		start = at + 3;
	}
}

/* libpq's message, its trailing newline cut, and the password, should
 * it quote one, masked. */
static void pg_err(struct sbuf *err, PGconn *conn, const char *what)
{
	size_t start = err->len;

	sbuf_addf(err, "events store (PostgreSQL): %s: %s", what,
		  conn ? PQerrorMessage(conn) : "out of memory");
	while (err->len > start && (err->buf[err->len - 1] == '\n' ||
				    err->buf[err->len - 1] == ' '))
		sbuf_setlen(err, err->len - 1);
	if (conn)
		redact(err, start, PQpass(conn));
}

/* Runs sql (no parameters); returns 0 when it succeeded. */
static int exec(PGconn *conn, const char *sql, const char *what, struct sbuf *err)
{
	PGresult *r = PQexec(conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		pg_err(err, conn, what);
	PQclear(r);
	return ok ? 0 : -1;
}

static int migrate(PGconn *conn, struct sbuf *err)
{
	PGresult *r = NULL;
	int version = 0, ret = -1;

	if (exec(conn, "BEGIN", "cannot begin", err))
		return -1;
	/* Replicas starting together migrate one at a time. */
	if (exec(conn, "SELECT pg_advisory_xact_lock(7283104416)", "cannot lock the schema", err) ||
	    exec(conn, "CREATE TABLE IF NOT EXISTS clew_events_meta (key TEXT PRIMARY KEY,"
		 " value TEXT NOT NULL)", "cannot create the schema", err))
		goto cleanup;
	r = PQexec(conn, "SELECT value FROM clew_events_meta WHERE key = 'schema_version'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_err(err, conn, "cannot read the schema version");
		goto cleanup;
	}
	if (PQntuples(r))
		version = atoi(PQgetvalue(r, 0, 0));
	if (version > EV_SCHEMA_VERSION) {
		sbuf_addf(err, "the events database holds schema %d, newer than this "
			  "clew's %d", version, EV_SCHEMA_VERSION);
		goto cleanup;
	}
	for (int v = version; v < EV_SCHEMA_VERSION; v++)
		if (exec(conn, migrations[v], "cannot migrate the schema", err))
			goto cleanup;
	if (version < EV_SCHEMA_VERSION) {
		struct sbuf sql = SBUF_INIT;
		int rc;

		/* A number of ours, not input: no quoting needed. */
		sbuf_addf(&sql, "INSERT INTO clew_events_meta VALUES ('schema_version', '%d') "
			  "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
			  EV_SCHEMA_VERSION);
		rc = exec(conn, sql.buf, "cannot record the schema version", err);
		sbuf_release(&sql);
		if (rc)
			goto cleanup;
	}
	if (exec(conn, "COMMIT", "cannot commit the schema", err))
		goto cleanup;
	ret = 0;
cleanup:
	PQclear(r);
	if (ret)
		PQclear(PQexec(conn, "ROLLBACK"));
	return ret;
}

static void pg_free(struct ev_store *base)
{
	struct pg_store *st = (struct pg_store *)base;

	PQfinish(st->conn);
	free(st);
}

static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static struct ev_store *pg_open(const char *dsn, struct sbuf *err)
{
	/* Defaults first: what the DSN names overrides them. A server that
	 * stops answering mid-write is given up on within seconds (keepalives,
	 * TCP_USER_TIMEOUT, a statement timeout), not TCP's quarter hour: the
	 * queue waits meanwhile, and a stop stays bounded. */
	static const char *const keys[] = { "connect_timeout", "application_name",
		"keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
		"tcp_user_timeout", "options", "dbname", NULL };
	const char *values[] = { "5", "clew", "1", "5", "2", "3", "10000",
				 "-c statement_timeout=10000", dsn, NULL };
	struct pg_store *st = xcalloc(1, sizeof(*st));
	PQconninfoOption *parsed;
	char *why = NULL;

	/* A DSN libpq cannot read: its message may quote the DSN whole, the
	 * password with it; say so without it. */
	parsed = PQconninfoParse(dsn, &why);
	PQfreemem(why);
	if (!parsed) {
		sbuf_adds(err, "events store (PostgreSQL): the DSN does not read as a "
			       "libpq URI (postgresql://USER:PASSWORD@HOST:PORT/DB?...); "
			       "it is not shown here, as it may hold a password");
		free(st);
		return NULL;
	}
	PQconninfoFree(parsed);
	st->base.ops = &ev_postgres_backend;
	st->conn = PQconnectdbParams(keys, values, 1);
	if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
		pg_err(err, st->conn, "cannot connect");
		goto fail;
	}
	PQsetNoticeProcessor(st->conn, no_notices, NULL);
	if (migrate(st->conn, err))
		goto fail;
	return &st->base;
fail:
	pg_free(&st->base);
	return NULL;
}

/* INSERT of rows rows: "($1, ..., $14), ($15, ...)". Only placeholders
 * are written into the text; the values travel as parameters. */
static void insert_sql(struct sbuf *sql, size_t rows)
{
	sbuf_addf(sql, "INSERT INTO clew_events (%s) VALUES ", ev_store_columns);
	for (size_t r = 0; r < rows; r++) {
		sbuf_adds(sql, r ? ", (" : "(");
		for (int c = 0; c < EV_NR_COLUMNS; c++)
			sbuf_addf(sql, "%s$%zu", c ? ", " : "", r * EV_NR_COLUMNS + c + 1);
		sbuf_addch(sql, ')');
	}
	sbuf_adds(sql, " ON CONFLICT DO NOTHING");
}

static long pg_write(struct ev_store *base, struct ev_event *const *evs, size_t n,
		     struct sbuf *err)
{
	struct pg_store *st = (struct pg_store *)base;
	const char **values = xmalloc(ROWS_PER_INSERT * EV_NR_COLUMNS * sizeof(*values));
	char (*nums)[24] = xmalloc(ROWS_PER_INSERT * EV_NR_COLUMNS * sizeof(*nums));
	struct sbuf sql = SBUF_INIT;
	long stored = 0;
	int refused = 0;

	if (exec(st->conn, "BEGIN", "cannot begin", err))
		goto fail;
	for (size_t at = 0; at < n; at += ROWS_PER_INSERT) {
		size_t rows = n - at < ROWS_PER_INSERT ? n - at : ROWS_PER_INSERT;
		PGresult *r;

		for (size_t i = 0; i < rows; i++)
			for (int c = 0; c < EV_NR_COLUMNS; c++) {
				size_t k = i * EV_NR_COLUMNS + (size_t)c;

				values[k] = ev_store_column_text(evs[at + i], c, nums[k]);
			}
		sbuf_reset(&sql);
		insert_sql(&sql, rows);
		r = PQexecParams(st->conn, sql.buf, (int)(rows * EV_NR_COLUMNS), NULL,
				 values, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

			pg_err(err, st->conn, "cannot store events");
			/* Data exceptions (class 22) and integrity violations
			 * (23) will not pass again; the rest (a lost
			 * connection, a full disk: 53) may. */
			refused = state && (!strncmp(state, "22", 2) || !strncmp(state, "23", 2));
			PQclear(r);
			PQclear(PQexec(st->conn, "ROLLBACK"));
			goto fail;
		}
		stored += atol(PQcmdTuples(r));
		PQclear(r);
	}
	if (exec(st->conn, "COMMIT", "cannot commit", err))
		goto fail;
	goto done;
fail:
	stored = refused ? EV_STORE_REFUSED : EV_STORE_DOWN;
done:
	sbuf_release(&sql);
	free(values);
	free(nums);
	return stored;
}

static int pg_scan(struct ev_store *base, int64_t since_ms,
		   int (*fn)(const struct ev_event *, void *), void *ctx,
		   struct sbuf *err)
{
	struct pg_store *st = (struct pg_store *)base;
	struct sbuf sql = SBUF_INIT;
	char since[24];
	const char *params[1] = { since };
	PGresult *r;
	int ret = 0, failed = 0;

	snprintf(since, sizeof(since), "%lld", (long long)since_ms);
	sbuf_addf(&sql, "SELECT %s FROM clew_events WHERE at_ms >= $1 ORDER BY id",
		  ev_store_columns);
	if (!PQsendQueryParams(st->conn, sql.buf, 1, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(st->conn)) {
		pg_err(err, st->conn, "cannot read events");
		sbuf_release(&sql);
		return -1;
	}
	sbuf_release(&sql);
	/* Rows arrive one by one; every result is taken, to leave the
	 * connection ready, even after fn asked to stop. */
	while ((r = PQgetResult(st->conn))) {
		ExecStatusType s = PQresultStatus(r);

		if (s == PGRES_SINGLE_TUPLE && !ret && !failed) {
			struct ev_event e = { .hits = -1, .rank = -1 };
			int bad = 0;

			for (int c = 0; c < EV_NR_COLUMNS && !bad; c++)
				bad = ev_store_column_set(&e, c, PQgetisnull(r, 0, c) ?
							  NULL : PQgetvalue(r, 0, c));
			if (bad) {
				sbuf_adds(err, "events store (PostgreSQL): a stored event does not read");
				failed = 1;
			} else
				ret = fn(&e, ctx);
			ev_event_release(&e);
		} else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && !failed) {
			pg_err(err, st->conn, "cannot read events");
			failed = 1;
		}
		PQclear(r);
	}
	return failed ? -1 : ret;
}

static long pg_expire(struct ev_store *base, int64_t before_ms, struct sbuf *err)
{
	struct pg_store *st = (struct pg_store *)base;
	char before[24];
	const char *params[1] = { before };
	PGresult *r;
	long n = -1;

	snprintf(before, sizeof(before), "%lld", (long long)before_ms);
	r = PQexecParams(st->conn, "DELETE FROM clew_events WHERE at_ms < $1", 1, NULL,
			 params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
		n = atol(PQcmdTuples(r));
	else
		pg_err(err, st->conn, "cannot expire events");
	PQclear(r);
	return n;
}

const struct ev_backend ev_postgres_backend = {
	.name = "postgresql",
	.open = pg_open,
	.free = pg_free,
	.write = pg_write,
	.scan = pg_scan,
	.expire = pg_expire,
};
