/* bench/store_floor: how long SQLite alone takes to store what a compile
 * of the synthetic corpus stores, on one thread, with nothing else to do.
 *
 * It compiles the corpus (as bench/compile), reads every row of the result
 * into memory (not timed), then times inserting those rows, as they are,
 * into a fresh file with the same schema: the plain tables, then the
 * full-text rows into FTS5, then the commit and the fsync. No parsing, no
 * rendering, no ranking index terms: the floor under `clew compile` for
 * this schema. Unlike the other benchmarks it talks to SQLite directly,
 * since SQLite itself is what it measures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../server/base/diag.h"
#include "../server/base/sbuf.h"
#include "../server/base/xalloc.h"
#include "../server/compiler/compile.h"
#include "../server/store/stemtok.h"
#include "corpus.h"

#define TARGET_SECONDS 0.5 /* 10,000 articles at 20,000 articles/s */

static const char usage[] =
	"usage: bench/store_floor [ARTICLES]\n"
	"Compiles a synthetic corpus (default 10000 articles), then times\n"
	"SQLite alone storing the same rows into a fresh file, on one thread.\n";

/* One table's rows, read from the compiled file. */
struct rows {
	char *name;              /* the table's name */
	char *create;            /* its CREATE statement */
	int ncol;
	size_t nr, alloc;        /* rows */
	sqlite3_value **v;       /* nr * ncol values, row by row */
	int fts;                 /* 1 for an FTS5 table (rowid stored too) */
};

static void rows_release(struct rows *r)
{
	for (size_t i = 0; i < r->nr * (size_t)r->ncol; i++)
		sqlite3_value_free(r->v[i]);
	free(r->v);
	free(r->name);
	free(r->create);
}

/* Reads every row of r's table (and the rowid, for FTS5 tables) into r.
 * Returns 0, or -1 with SQLite's message on db. */
static int read_rows(sqlite3 *db, struct rows *r)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *s = NULL;
	int rc, ret = -1;

	/* Names come from sqlite_schema, quoted as SQL identifiers. */
	sbuf_addf(&sql, "SELECT %s* FROM \"%s\"", r->fts ? "rowid, " : "", r->name);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &s, NULL) != SQLITE_OK)
		goto cleanup;
	r->ncol = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(r->v, (r->nr + 1) * (size_t)r->ncol, r->alloc);
		for (int i = 0; i < r->ncol; i++)
			r->v[r->nr * (size_t)r->ncol + (size_t)i] =
				sqlite3_value_dup(sqlite3_column_value(s, i));
		r->nr++;
	}
	ret = rc == SQLITE_DONE ? 0 : -1;
cleanup:
	sqlite3_finalize(s);
	sbuf_release(&sql);
	return ret;
}

/* Inserts r's rows into db's table of the same name; returns seconds, or
 * -1 with SQLite's message on db. */
static double insert_rows(sqlite3 *db, const struct rows *r)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *s = NULL;
	double t0, secs = -1;

	sbuf_addf(&sql, "INSERT INTO \"%s\"", r->name);
	if (r->fts) {
		sqlite3_stmt *cols = NULL;

		/* The rowid first, as read_rows put it. */
		sbuf_adds(&sql, "(rowid");
		if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)",
				       -1, &cols, NULL) != SQLITE_OK)
			goto cleanup;
		sqlite3_bind_text(cols, 1, r->name, -1, SQLITE_STATIC);
		while (sqlite3_step(cols) == SQLITE_ROW)
			sbuf_addf(&sql, ", \"%s\"", sqlite3_column_text(cols, 0));
		sqlite3_finalize(cols);
		sbuf_addch(&sql, ')');
	}
	sbuf_adds(&sql, " VALUES (");
	for (int i = 0; i < r->ncol; i++)
		sbuf_adds(&sql, i ? ", ?" : "?");
	sbuf_addch(&sql, ')');
	if (sqlite3_prepare_v2(db, sql.buf, -1, &s, NULL) != SQLITE_OK)
		goto cleanup;
	t0 = bench_now();
	for (size_t i = 0; i < r->nr; i++) {
		for (int j = 0; j < r->ncol; j++)
			sqlite3_bind_value(s, j + 1, r->v[i * (size_t)r->ncol + (size_t)j]);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto cleanup;
		sqlite3_reset(s);
	}
	secs = bench_now() - t0;
cleanup:
	sqlite3_finalize(s);
	sbuf_release(&sql);
	return secs;
}

/* Reads the compiled file's tables: the plain ones, then the FTS5 ones
 * (their shadow tables are left out: FTS5 writes them). */
static int read_file(const char *path, struct rows **out, size_t *nr)
{
	static const char list[] =
		"SELECT name, sql, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema "
		"WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT IN "
		"(SELECT s.name FROM pragma_table_list AS s WHERE s.type = 'shadow') "
		"ORDER BY sql LIKE 'CREATE VIRTUAL TABLE%', rowid";
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	size_t alloc = 0;
	int ret = -1;

	*out = NULL;
	*nr = 0;
	/* The full-text table's tokenizer is Clew's (server/store/stemtok.h). */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    stemtok_register(db) ||
	    sqlite3_prepare_v2(db, list, -1, &s, NULL) != SQLITE_OK)
		goto cleanup;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct rows *r;

		ALLOC_GROW(*out, *nr + 1, alloc);
		r = &(*out)[(*nr)++];
		memset(r, 0, sizeof(*r));
		r->name = xstrdup((const char *)sqlite3_column_text(s, 0));
		r->create = xstrdup((const char *)sqlite3_column_text(s, 1));
		r->fts = sqlite3_column_int(s, 2);
		if (read_rows(db, r))
			goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret)
		fprintf(stderr, "bench/store_floor: reading %s: %s\n", path,
			sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ret;
}

int main(int argc, char **argv)
{
	struct corpus c = CORPUS_INIT;
	struct diag d = DIAG_INIT;
	struct compile_stats st;
	struct rows *tabs = NULL;
	struct sbuf out = SBUF_INIT;
	sqlite3 *db = NULL;
	size_t n = 10000, nr_tabs = 0, plain_rows = 0, fts_rows = 0;
	double plain = 0, fts = 0, t0, commit, sync_s;
	int fd, ret = 1;

	if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") ||
				       !strcmp(argv[1], "--help")))) {
		fputs(usage, argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : 2;
	}
	if (argc == 2) {
		char *end;

		errno = 0;
		n = strtoul(argv[1], &end, 10);
		if (errno || end == argv[1] || *end || !n || n > 1000000) {
			fprintf(stderr, "bench/store_floor: bad size '%s'\n%s",
				argv[1], usage);
			return 2;
		}
	}
	compile_tune_process();
	if (corpus_init(&c) || corpus_grow(&c, n)) {
		fprintf(stderr, "bench/store_floor: cannot write the corpus: %s\n",
			strerror(errno));
		goto cleanup;
	}
	{
		const char *inputs[] = { c.src.buf };
		struct compile_opts opts = { c.db.buf, 0, 0, NULL, NULL, 0, NULL };

		if (compile_run(inputs, 1, &opts, &d, &st)) {
			diag_print(&d, stderr);
			goto cleanup;
		}
	}
	if (read_file(c.db.buf, &tabs, &nr_tabs))
		goto cleanup;

	sbuf_addf(&out, "%s/floor.sqlite", c.dir.buf);
	/* As the compile's writer opens its output. */
	if (sqlite3_open_v2(out.buf, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    stemtok_register(db) ||
	    sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
			 "PRAGMA page_size = 4096; PRAGMA main.locking_mode = EXCLUSIVE; "
			 "PRAGMA cache_size = -131072; BEGIN;", NULL, NULL, NULL) != SQLITE_OK)
		goto sql_error;
	for (size_t i = 0; i < nr_tabs; i++) {
		struct sbuf hash = SBUF_INIT;
		int rc;

		if (sqlite3_exec(db, tabs[i].create, NULL, NULL, NULL) != SQLITE_OK)
			goto sql_error;
		if (!tabs[i].fts)
			continue;
		/* FTS5's in-memory hash, as the compile's writer sets it. */
		sbuf_addf(&hash, "INSERT INTO \"%s\"(\"%s\", rank) VALUES "
			  "('hashsize', 67108864)", tabs[i].name, tabs[i].name);
		rc = sqlite3_exec(db, hash.buf, NULL, NULL, NULL);
		sbuf_release(&hash);
		if (rc != SQLITE_OK)
			goto sql_error;
	}
	{
		sqlite3_stmt *idx = NULL;
		sqlite3 *src = NULL;

		/* The indexes, as the compiled file has them. */
		if (sqlite3_open_v2(c.db.buf, &src, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK && !stemtok_register(src) &&
		    sqlite3_prepare_v2(src, "SELECT sql FROM sqlite_schema WHERE "
				       "type = 'index' AND sql IS NOT NULL", -1, &idx,
				       NULL) == SQLITE_OK)
			while (sqlite3_step(idx) == SQLITE_ROW)
				sqlite3_exec(db, (const char *)sqlite3_column_text(idx, 0),
					     NULL, NULL, NULL);
		sqlite3_finalize(idx);
		sqlite3_close(src);
	}

	printf("SQLite alone storing what `clew compile` stores for %zu synthetic "
	       "articles (one thread; rows read into memory first, not timed)\n\n",
	       n);
	printf("%-24s %9s %9s %9s\n", "table", "rows", "seconds", "us/row");
	for (size_t i = 0; i < nr_tabs; i++) {
		double secs = insert_rows(db, &tabs[i]);

		if (secs < 0)
			goto sql_error;
		if (tabs[i].fts) {
			fts += secs;
			fts_rows += tabs[i].nr;
		} else {
			plain += secs;
			plain_rows += tabs[i].nr;
		}
		printf("%-24s %9zu %9.3f %9.2f\n", tabs[i].name, tabs[i].nr, secs,
		       tabs[i].nr ? secs * 1e6 / (double)tabs[i].nr : 0.0);
	}
	t0 = bench_now();
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sql_error;
	commit = bench_now() - t0;
	t0 = bench_now();
	fd = open(out.buf, O_RDONLY);
	if (fd < 0 || fsync(fd)) {
		fprintf(stderr, "bench/store_floor: fsync %s: %s\n", out.buf,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		goto cleanup;
	}
	close(fd);
	sync_s = bench_now() - t0;

	printf("\nplain tables: %zu rows in %.3f s; full-text rows: %zu in %.3f s\n",
	       plain_rows, plain, fts_rows, fts);
	printf("commit %.3f s, fsync %.3f s\n", commit, sync_s);
	printf("floor: %.3f s on one thread (%.0f articles/s); serial on one "
	       "connection: plain rows + commit + fsync = %.3f s\n",
	       plain + fts + commit + sync_s,
	       (double)n / (plain + fts + commit + sync_s), plain + commit + sync_s);
	printf("the whole compile's budget at 20,000 articles/s: %.3f s for %zu "
	       "articles\n", TARGET_SECONDS * (double)n / 10000.0, n);
	ret = 0;
	goto cleanup;
sql_error:
	fprintf(stderr, "bench/store_floor: %s\n", sqlite3_errmsg(db));
cleanup:
	sqlite3_close(db);
	for (size_t i = 0; i < nr_tabs; i++)
		rows_release(&tabs[i]);
	free(tabs);
	if (corpus_remove(&c))
		fprintf(stderr, "bench/store_floor: cannot remove %s: %s\n",
			c.dir.buf, strerror(errno));
	corpus_release(&c);
	sbuf_release(&out);
	diag_release(&d);
	return ret;
}
