/* check_events: events, their two stores (SQLite and a real, throwaway
 * PostgreSQL from tests/lib/pg.sh: never a mock) and the sink's queue. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/events/event.h"
#include "../server/events/sink.h"
#include "../server/events/store.h"
#include "testutil.h"

enum { SQLITE, POSTGRES, NR_BACKENDS };

/* A fresh, empty store of backend b: a new SQLite file under dir, or the
 * test cluster with clew's tables dropped. Returns its DSN (caller frees). */
static char *fresh_dsn(int b, const char *dir)
{
	const char *pg = getenv("CLEW_TEST_PG");
	struct sbuf s = SBUF_INIT;

	if (b == SQLITE) {
		sbuf_addf(&s, "%s/events.sqlite", dir);
		return sbuf_detach(&s, NULL);
	}
	if (!pg || !*pg)
		ck_abort_msg("CLEW_TEST_PG is not set: run the suite through "
			     "tests/lib/pg.sh run (make check-unit does)");
	sbuf_addf(&s, "psql -q '%s' -c 'DROP TABLE IF EXISTS clew_events, "
		  "clew_events_meta' >/dev/null 2>&1", pg);
	ck_assert_int_eq(system(s.buf), 0);
	sbuf_reset(&s);
	sbuf_adds(&s, pg);
	return sbuf_detach(&s, NULL);
}

/* Runs an SQL statement with psql (PostgreSQL) or sqlite3 on dsn and
 * returns its first output line (malloc'd). */
static char *sql_line(const char *dsn, const char *sql)
{
	struct sbuf cmd = SBUF_INIT;
	char line[512] = "";
	FILE *p;

	if (ev_store_dsn_is_postgres(dsn))
		sbuf_addf(&cmd, "psql -qAt '%s' -c \"%s\"", dsn, sql);
	else
		sbuf_addf(&cmd, "sqlite3 '%s' \"%s\"", dsn, sql);
	p = popen(cmd.buf, "r");
	ck_assert_ptr_nonnull(p);
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	sbuf_release(&cmd);
	return strdup(line);
}

static struct ev_event *outcome(const char *session, const char *step)
{
	struct ev_event *e = ev_event_new(EV_OUTCOME);

	ev_event_set(&e->kb, "abc123");
	ev_event_set(&e->session, session);
	ev_event_set(&e->article, "call-audio");
	ev_event_set(&e->answers, "platform=android&callkit=no");
	ev_event_set(&e->tried, "restart-bt:failed,reset-sco:fixed");
	ev_event_set(&e->result, step ? "fixed" : "not_fixed");
	ev_event_set(&e->step, step);
	return e;
}

static const char sid_a[] = "AAAAAAAAAAAAAAAAAAAAAA";
static const char sid_b[] = "BBBBBBBBBBBBBBBBBBBBBB";

struct collected {
	struct ev_event *evs[64];
	int n;
};

static int collect(const struct ev_event *e, void *ctx)
{
	struct collected *c = ctx;

	if (c->n < 64)
		c->evs[c->n++] = ev_event_dup(e);
	return 0;
}

static void collected_free(struct collected *c)
{
	for (int i = 0; i < c->n; i++)
		ev_event_free(c->evs[i]);
	c->n = 0;
}

START_TEST(test_event_checks)
{
	struct sbuf err = SBUF_INIT;
	struct ev_event *e = outcome(sid_a, "reset-sco");

	ck_assert_int_eq(ev_event_check(e, &err), 0);
	/* A fixed outcome without its step, a bad result, a bad session. */
	ev_event_set(&e->step, NULL);
	ck_assert_int_eq(ev_event_check(e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "names the 'step'"));
	ev_event_set(&e->step, "reset-sco");
	ev_event_set(&e->result, "maybe");
	sbuf_reset(&err);
	ck_assert_int_eq(ev_event_check(e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "'maybe' is not a result"));
	ev_event_set(&e->result, "fixed");
	ev_event_set(&e->session, "short");
	sbuf_reset(&err);
	ck_assert_int_eq(ev_event_check(e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "session"));
	ev_event_set(&e->session, sid_a);
	ev_event_set(&e->answers, "platform=<script>");
	sbuf_reset(&err);
	ck_assert_int_eq(ev_event_check(e, &err), -1);
	ev_event_set(&e->answers, "platform=ios");
	ev_event_set(&e->tried, "x:won");
	sbuf_reset(&err);
	ck_assert_int_eq(ev_event_check(e, &err), -1);
	ev_event_free(e);
	sbuf_release(&err);
}
END_TEST

START_TEST(test_event_from_json)
{
	static const struct { const char *json, *err; } bad[] = {
		{ "[]", "JSON object" },
		{ "{\"kind\":\"click\"}", "'kind' must be" },
		{ "{\"kind\":\"vote\",\"article\":\"a\",\"result\":\"yes\",\"ip\":\"1.2.3.4\"}",
		  "unknown member 'ip'" },
		{ "{\"kind\":\"vote\",\"article\":\"a\"}", "needs 'result'" },
		{ "{\"kind\":\"vote\",\"article\":\"a\",\"result\":\"no\",\"reason\":\"rude\"}",
		  "'reason'" },
		{ "{\"kind\":\"search\",\"query\":\"x\",\"hits\":-1}", "whole number" },
		{ "{\"kind\":\"search\",\"query\":\"x\"}", "needs 'hits'" },
		{ "{\"kind\":\"open\",\"query\":\"x\",\"article\":\"a\",\"rank\":0}", "'rank'" },
		{ "{\"kind\":\"vote\",\"article\":7,\"result\":\"yes\"}", "must be a string" },
	};
	struct sbuf err = SBUF_INIT;
	cJSON *o;
	struct ev_event *e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		o = cJSON_Parse(bad[i].json);
		sbuf_reset(&err);
		e = ev_event_from_json(o, "abc", &err);
		ck_assert_msg(!e, "accepted %s", bad[i].json);
		ck_assert_msg(strstr(err.buf, bad[i].err), "%s: said '%s'", bad[i].json, err.buf);
		cJSON_Delete(o);
	}
	o = cJSON_Parse("{\"kind\":\"search\",\"query\":\"  Headset   NO Sound \",\"hits\":0}");
	sbuf_reset(&err);
	e = ev_event_from_json(o, "abc", &err);
	ck_assert_msg(e != NULL, "%s", err.buf);
	ck_assert_str_eq(e->query, "headset no sound");
	ck_assert_int_eq(e->hits, 0);
	ck_assert_str_eq(e->kb, "abc");
	ev_event_free(e);
	cJSON_Delete(o);
	sbuf_release(&err);
}
END_TEST

START_TEST(test_query_and_session)
{
	struct sbuf s = SBUF_INIT, t = SBUF_INIT;
	char big[600];

	ev_query_normalise(&s, "\tÉcouteurs  Bluetooth\n");
	ck_assert_str_eq(s.buf, "écouteurs bluetooth");
	/* Cut at the cap, on a character boundary. */
	for (size_t i = 0; i + 3 < sizeof(big); i += 2)
		memcpy(big + i, "é", 2), big[i + 2] = '\0';
	sbuf_reset(&s);
	ev_query_normalise(&s, big);
	ck_assert_uint_le(s.len, EV_QUERY_MAX);
	ck_assert_uint_eq(s.len % 2, 0);
	ev_session_new(&s);
	sbuf_reset(&s);
	ev_session_new(&s);
	ev_session_new(&t);
	ck_assert(ev_session_valid(s.buf));
	ck_assert_str_ne(s.buf, t.buf);
	ck_assert(!ev_session_valid("AAAA"));
	ck_assert(!ev_session_valid("AAAAAAAAAAAAAAAAAAAAA!"));
	sbuf_release(&s);
	sbuf_release(&t);
}
END_TEST

/* Written events read back whole, in order; a second outcome for a
 * session is skipped; the schema is versioned and opening again keeps
 * everything. */
START_TEST(test_store_roundtrip)
{
	char *dir = tu_tmpdir(), *dsn = fresh_dsn(_i, dir), *v;
	struct sbuf err = SBUF_INIT;
	struct ev_store *st = ev_store_open(dsn, &err);
	struct ev_event *evs[4];
	struct collected got = { .n = 0 };

	ck_assert_msg(st != NULL, "%s", err.buf);
	ck_assert_str_eq(ev_store_backend(st), _i == SQLITE ? "sqlite" : "postgresql");
	evs[0] = outcome(sid_a, "reset-sco");
	evs[1] = ev_event_new(EV_SEARCH);
	ev_event_set(&evs[1]->kb, "abc123");
	ev_event_set(&evs[1]->query, "no sound 'quoted' \"too\"; DROP TABLE x");
	evs[1]->hits = 0;
	evs[2] = outcome(sid_a, NULL); /* the same session again: skipped */
	evs[3] = outcome(sid_b, NULL);
	ck_assert_int_eq(ev_store_write(st, evs, 4, &err), 3);
	ck_assert_int_eq(ev_store_scan(st, 0, collect, &got, &err), 0);
	ck_assert_int_eq(got.n, 3);
	ck_assert_int_eq(got.evs[0]->kind, EV_OUTCOME);
	ck_assert_str_eq(got.evs[0]->session, sid_a);
	ck_assert_str_eq(got.evs[0]->step, "reset-sco");
	ck_assert_str_eq(got.evs[0]->tried, "restart-bt:failed,reset-sco:fixed");
	ck_assert_str_eq(got.evs[0]->answers, "platform=android&callkit=no");
	ck_assert_int_eq(got.evs[0]->at_ms, evs[0]->at_ms);
	ck_assert_ptr_null(got.evs[0]->reason);
	ck_assert_int_eq(got.evs[0]->hits, -1);
	ck_assert_str_eq(got.evs[1]->query, evs[1]->query);
	ck_assert_int_eq(got.evs[1]->hits, 0);
	ck_assert_str_eq(got.evs[2]->session, sid_b);
	ck_assert_str_eq(got.evs[2]->result, "not_fixed");
	collected_free(&got);
	/* Only what happened since a time. */
	ck_assert_int_eq(ev_store_scan(st, evs[0]->at_ms + 3600000, collect, &got, &err), 0);
	ck_assert_int_eq(got.n, 0);
	ev_store_free(st);

	v = sql_line(dsn, "SELECT value FROM clew_events_meta WHERE key = 'schema_version'");
	ck_assert_str_eq(v, "1");
	free(v);
	st = ev_store_open(dsn, &err);
	ck_assert_msg(st != NULL, "%s", err.buf);
	ck_assert_int_eq(ev_store_scan(st, 0, collect, &got, &err), 0);
	ck_assert_int_eq(got.n, 3);
	collected_free(&got);
	/* Expiry deletes what is older than a time. */
	ck_assert_int_eq(ev_store_expire(st, evs[3]->at_ms + 1, &err), 3);
	ck_assert_int_eq(ev_store_scan(st, 0, collect, &got, &err), 0);
	ck_assert_int_eq(got.n, 0);
	ev_store_free(st);
	for (int i = 0; i < 4; i++)
		ev_event_free(evs[i]);

	/* A store written by a newer clew is refused, not rewritten. */
	free(sql_line(dsn, "UPDATE clew_events_meta SET value = '99' WHERE key = 'schema_version'"));
	sbuf_reset(&err);
	ck_assert_ptr_null(ev_store_open(dsn, &err));
	ck_assert_msg(strstr(err.buf, "newer than this clew"), "%s", err.buf);
	ck_assert_ptr_null(strstr(err.buf, "postgresql://"));
	sbuf_release(&err);
	free(dsn);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The KB file, or a file that is not a database, is never an events store. */
START_TEST(test_sqlite_refuses_other_files)
{
	char *dir = tu_tmpdir(), *kb, *junk;
	struct sbuf err = SBUF_INIT, cmd = SBUF_INIT;
	struct tu_run r;
	struct stat before, after;

	kb = tu_write(dir, "kb.sqlite", "", 0);
	sbuf_addf(&cmd, "@ compile -o %s kb", kb);
	r = tu_sh(dir, cmd.buf);
	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);
	ck_assert_int_eq(stat(kb, &before), 0);
	ck_assert_ptr_null(ev_store_open(kb, &err));
	ck_assert_msg(strstr(err.buf, "not a Clew events store"), "%s", err.buf);
	ck_assert_int_eq(stat(kb, &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	junk = tu_write(dir, "junk", "this is not a database, just text\n", -1);
	sbuf_reset(&err);
	ck_assert_ptr_null(ev_store_open(junk, &err));
	ck_assert_uint_gt(err.len, 0);
	sbuf_reset(&err);
	ck_assert_ptr_null(ev_store_open("sqlite:", &err));
	free(kb);
	free(junk);
	sbuf_release(&err);
	sbuf_release(&cmd);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static struct ev_event *search_event(int i)
{
	struct ev_event *e = ev_event_new(EV_SEARCH);
	char q[32];

	snprintf(q, sizeof(q), "query %d", i);
	ev_event_set(&e->kb, "abc123");
	ev_event_set(&e->query, q);
	e->hits = i % 3;
	return e;
}

static long count_rows(const char *dsn)
{
	char *v = sql_line(dsn, "SELECT count(*) FROM clew_events");
	long n = atol(v);

	free(v);
	return n;
}

/* Everything pushed is written, in batches, by the time the sink is freed. */
START_TEST(test_sink_writes_all)
{
	char *dir = tu_tmpdir(), *dsn = fresh_dsn(_i, dir);
	struct ev_sink_opts o = { .queue = 5000, .batch = 128, .quiet = 1 };
	struct sbuf err = SBUF_INIT;
	struct ev_sink *s = ev_sink_new(dsn, &o, &err);
	struct ev_sink_stats st;

	ck_assert_msg(s != NULL, "%s", err.buf);
	for (int i = 0; i < 3000; i++)
		ck_assert_int_eq(ev_sink_push(s, search_event(i)), 0);
	ev_sink_stats(s, &st);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(ev_sink_free(s, 30000), 0);
	ck_assert_int_eq(count_rows(dsn), 3000);
	/* Recording off: pushing to no sink frees the event. */
	ck_assert_int_eq(ev_sink_push(NULL, search_event(1)), 0);
	sbuf_release(&err);
	free(dsn);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Events are copied into the queue's slots: one built on the stack with
 * borrowed strings (ev_sink_push_copy), and one too large for a slot (on
 * the heap then), both stored whole. */
START_TEST(test_sink_copies)
{
	char *dir = tu_tmpdir(), *dsn = fresh_dsn(SQLITE, dir);
	struct ev_sink_opts o = { .quiet = 1 };
	struct sbuf err = SBUF_INIT, big = SBUF_INIT;
	struct ev_sink *s = ev_sink_new(dsn, &o, &err);
	struct ev_event e = { .kind = EV_WIZARD, .hits = -1, .rank = -1 };
	struct ev_store *st;
	struct collected got = { .n = 0 };
	char kb[] = "abc123", sid[] = "CCCCCCCCCCCCCCCCCCCCCC", art[] = "call-audio";

	ck_assert_msg(s != NULL, "%s", err.buf);
	for (int i = 0; i < 120; i++)
		sbuf_addf(&big, "%squestion%d=value%d", i ? "&" : "", i, i);
	ck_assert_uint_gt(big.len, 1000);
	e.at_ms = 42;
	e.kb = kb;
	e.session = sid;
	e.article = art;
	e.question = "platform";
	ck_assert_int_eq(ev_sink_push_copy(s, &e), 0);
	/* The caller's strings change at once: the queued copy does not. */
	sid[0] = 'X';
	e.session = "DDDDDDDDDDDDDDDDDDDDDD";
	e.answers = big.buf;
	ck_assert_int_eq(ev_sink_push_copy(s, &e), 0);
	ck_assert_uint_eq(ev_sink_free(s, 10000), 0);
	st = ev_store_open(dsn, &err);
	ck_assert_msg(st != NULL, "%s", err.buf);
	ck_assert_int_eq(ev_store_scan(st, 0, collect, &got, &err), 0);
	ck_assert_int_eq(got.n, 2);
	ck_assert_str_eq(got.evs[0]->session, "CCCCCCCCCCCCCCCCCCCCCC");
	ck_assert_str_eq(got.evs[0]->question, "platform");
	ck_assert_ptr_null(got.evs[0]->answers);
	ck_assert_int_eq(got.evs[0]->at_ms, 42);
	ck_assert_str_eq(got.evs[1]->answers, big.buf);
	ck_assert_str_eq(got.evs[1]->session, "DDDDDDDDDDDDDDDDDDDDDD");
	collected_free(&got);
	ev_store_free(st);
	sbuf_release(&err);
	sbuf_release(&big);
	free(dsn);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* An SQLite store that cannot be opened is an error at start. */
START_TEST(test_sink_bad_sqlite_path)
{
	struct sbuf err = SBUF_INIT;
	struct ev_sink_opts o = { .quiet = 1 };

	ck_assert_ptr_null(ev_sink_new("/nonexistent-dir/x/events.sqlite", &o, &err));
	ck_assert_msg(strstr(err.buf, "cannot open the events file"), "%s", err.buf);
	sbuf_release(&err);
}
END_TEST

/* PostgreSQL stopped under load: events wait in the queue, those beyond
 * it are dropped and counted, and when the server is back the queue is
 * written: written + dropped = pushed, nothing else lost. */
START_TEST(test_sink_postgres_down_and_back)
{
	char *dir = tu_tmpdir(), *dsn = fresh_dsn(POSTGRES, dir);
	const char *pgdir = getenv("CLEW_TEST_PG_DIR");
	struct ev_sink_opts o = { .queue = 200, .batch = 50, .quiet = 1 };
	struct sbuf err = SBUF_INIT, cmd = SBUF_INIT;
	struct ev_sink *s = ev_sink_new(dsn, &o, &err);
	struct ev_sink_stats st;
	int pushed = 0, refused = 0;

	ck_assert_msg(s != NULL, "%s", err.buf);
	ck_assert_ptr_nonnull(pgdir);
	for (int i = 0; i < 100; i++, pushed++)
		ev_sink_push(s, search_event(i));
	sbuf_addf(&cmd, "tests/lib/pg.sh pause %s", pgdir);
	ck_assert_int_eq(system(cmd.buf), 0);
	for (int i = 0; i < 500; i++, pushed++)
		refused += ev_sink_push(s, search_event(i)) != 0;
	/* The writer finds out at its next write. */
	for (int i = 0; i < 100; i++) {
		ev_sink_stats(s, &st);
		if (!st.up)
			break;
		tu_nap_ms(50);
	}
	ck_assert_int_eq(st.up, 0);
	ck_assert_uint_eq(st.dropped, (unsigned long)refused);
	ck_assert_int_ge(refused, 300); /* 500 into a queue of 200 */
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "tests/lib/pg.sh resume %s", pgdir);
	ck_assert_int_eq(system(cmd.buf), 0);
	for (int i = 0; i < 20 * 10; i++) {
		ev_sink_stats(s, &st);
		if (!st.queued && st.up)
			break;
		tu_nap_ms(50);
	}
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_int_eq(st.up, 1);
	ck_assert_uint_eq(ev_sink_free(s, 10000), 0);
	ck_assert_int_eq(count_rows(dsn), pushed - refused);
	sbuf_release(&err);
	sbuf_release(&cmd);
	free(dsn);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Stopping with the store down: the wait is bounded, and what was queued
 * is reported as lost. */
START_TEST(test_sink_stop_bounded)
{
	char *dir = tu_tmpdir(), *dsn = fresh_dsn(POSTGRES, dir);
	const char *pgdir = getenv("CLEW_TEST_PG_DIR");
	struct ev_sink_opts o = { .queue = 100, .quiet = 1 };
	struct sbuf err = SBUF_INIT, cmd = SBUF_INIT;
	struct ev_sink *s = ev_sink_new(dsn, &o, &err);
	double t0;

	ck_assert_msg(s != NULL, "%s", err.buf);
	sbuf_addf(&cmd, "tests/lib/pg.sh pause %s", pgdir);
	ck_assert_int_eq(system(cmd.buf), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(ev_sink_push(s, search_event(i)), 0);
	ck_assert_int_eq(ev_sink_push(s, search_event(0)), -1);
	t0 = tu_now();
	ck_assert_uint_eq(ev_sink_free(s, 500), 100);
	/* Generous: not a timing test, a check that it did not hang. */
	ck_assert_double_lt(tu_now() - t0, 20);
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "tests/lib/pg.sh resume %s", pgdir);
	ck_assert_int_eq(system(cmd.buf), 0);
	sbuf_release(&err);
	sbuf_release(&cmd);
	free(dsn);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_event_checks);
	tcase_add_test(tc, test_event_from_json);
	tcase_add_test(tc, test_query_and_session);
	tcase_add_loop_test(tc, test_store_roundtrip, SQLITE, NR_BACKENDS);
	tcase_add_test(tc, test_sqlite_refuses_other_files);
	tcase_add_loop_test(tc, test_sink_writes_all, SQLITE, NR_BACKENDS);
	tcase_add_test(tc, test_sink_copies);
	tcase_add_test(tc, test_sink_bad_sqlite_path);
	tcase_add_test(tc, test_sink_postgres_down_and_back);
	tcase_add_test(tc, test_sink_stop_bounded);
	suite_add_tcase(s, tc);
	return s;
}
