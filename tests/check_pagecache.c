/* check_pagecache: the LRU of rendered pages: hits and misses, the order
 * entries leave in, the byte cap, replacing, references outliving the
 * cache, compressed copies counted against the cap. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../server/base/sbuf.h"
#include "../server/http/compress.h"
#include "../server/http/pagecache.h"
#include "../server/http/request.h"

/* A reply with a body of n bytes of c and one header. */
static void make_reply(struct http_reply *rep, char c, size_t n)
{
	*rep = (struct http_reply)HTTP_REPLY_INIT;
	rep->content_type = "text/html; charset=utf-8";
	rep->is_html = 1;
	for (size_t i = 0; i < n; i++)
		sbuf_addch(&rep->body, c);
	http_reply_header(rep, "ETag", "\"abc\"");
}

/* Puts key with a body of n bytes of c; drops the caller's reference. */
static int put(struct pagecache *pc, const char *key, char c, size_t n)
{
	struct http_reply rep;
	struct pagecache_entry *e;

	make_reply(&rep, c, n);
	e = pagecache_put(pc, key, strlen(key), &rep);
	http_reply_release(&rep);
	pagecache_entry_release(e);
	return e != NULL;
}

/* The first byte of key's body, or 0 on a miss. */
static char get(struct pagecache *pc, const char *key)
{
	struct pagecache_entry *e = pagecache_get(pc, key, strlen(key));
	char c = e ? e->body[0] : 0;

	pagecache_entry_release(e);
	return c;
}

START_TEST(test_get_put)
{
	struct pagecache *pc = pagecache_new(1 << 20);
	struct http_reply rep;
	struct pagecache_entry *e;
	size_t n, bytes;

	ck_assert_ptr_null(pagecache_get(pc, "a", 1));
	make_reply(&rep, 'x', 100);
	rep.status = 200;
	e = pagecache_put(pc, "a", 1, &rep);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->status, 200);
	ck_assert_str_eq(e->content_type, "text/html; charset=utf-8");
	ck_assert_int_eq(e->is_html, 1);
	ck_assert_uint_eq(e->len, 100);
	ck_assert(!memcmp(e->body, rep.body.buf, 100));
	ck_assert_uint_eq(e->nr_headers, 1);
	ck_assert_str_eq(e->headers[0].name, "ETag");
	ck_assert_str_eq(e->headers[0].value, "\"abc\"");
	http_reply_release(&rep);
	pagecache_entry_release(e);
	ck_assert_int_eq(get(pc, "a"), 'x');
	/* keys are bytes: a prefix or a longer key is another */
	ck_assert_int_eq(get(pc, "ab"), 0);
	ck_assert_ptr_null(pagecache_get(pc, "", 0));
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_gt(bytes, 100);
	pagecache_free(pc);
	pagecache_free(NULL);
}
END_TEST

START_TEST(test_replace)
{
	struct pagecache *pc = pagecache_new(1 << 20);
	size_t n, bytes, before;

	ck_assert(put(pc, "k", 'a', 1000));
	pagecache_stats(pc, &n, &before);
	ck_assert(put(pc, "k", 'b', 1000));
	ck_assert_int_eq(get(pc, "k"), 'b');
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(bytes, before);
	pagecache_free(pc);
}
END_TEST

/* Entries of about 10 KB in a cache of 35 KB: three fit; the least
 * recently used (put or got) leaves first. */
START_TEST(test_lru_order_and_cap)
{
	struct pagecache *pc = pagecache_new(35000);
	size_t n, bytes;

	ck_assert(put(pc, "1", '1', 10000));
	ck_assert(put(pc, "2", '2', 10000));
	ck_assert(put(pc, "3", '3', 10000));
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_eq(n, 3);
	/* 1 used again: 2 is now the oldest */
	ck_assert_int_eq(get(pc, "1"), '1');
	ck_assert(put(pc, "4", '4', 10000));
	ck_assert_int_eq(get(pc, "2"), 0);
	ck_assert_int_eq(get(pc, "1"), '1');
	ck_assert_int_eq(get(pc, "3"), '3');
	ck_assert_int_eq(get(pc, "4"), '4');
	/* now 1 is the oldest (3 and 4 were got after it) */
	ck_assert(put(pc, "5", '5', 10000));
	ck_assert_int_eq(get(pc, "1"), 0);
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_le(bytes, 35000);
	/* a big one drops as many as it takes */
	ck_assert(put(pc, "big", 'B', 30000));
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(get(pc, "big"), 'B');
	/* one larger than the whole cap is not kept, and drops nothing */
	ck_assert(!put(pc, "huge", 'H', 40000));
	ck_assert_int_eq(get(pc, "huge"), 0);
	ck_assert_int_eq(get(pc, "big"), 'B');
	pagecache_free(pc);
}
END_TEST

START_TEST(test_many)
{
	struct pagecache *pc = pagecache_new(200000);
	size_t n, bytes;
	char key[32];

	/* more entries than buckets, more bytes than the cap */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "/wizard?i=%d", i);
		ck_assert(put(pc, key, 'a' + i % 26, 100 + (size_t)(i % 50)));
	}
	pagecache_stats(pc, &n, &bytes);
	ck_assert_uint_le(bytes, 200000);
	ck_assert_uint_gt(n, 100);
	ck_assert_int_eq(get(pc, "/wizard?i=9999"), 'a' + 9999 % 26);
	ck_assert_int_eq(get(pc, "/wizard?i=0"), 0);
	pagecache_free(pc);
}
END_TEST

/* An entry referenced when it is replaced, dropped or the cache freed
 * stays readable until released. */
START_TEST(test_references)
{
	struct pagecache *pc = pagecache_new(25000);
	struct pagecache_entry *e;

	ck_assert(put(pc, "a", 'a', 10000));
	e = pagecache_get(pc, "a", 1);
	ck_assert(put(pc, "a", 'b', 10000));     /* replaced */
	ck_assert(put(pc, "c", 'c', 10000));
	ck_assert(put(pc, "d", 'd', 10000));     /* and more dropped */
	ck_assert_int_eq(e->body[9999], 'a');
	pagecache_free(pc);
	ck_assert_int_eq(e->body[0], 'a');
	pagecache_entry_release(e);
}
END_TEST

/* A cache of 0 bytes keeps nothing. */
START_TEST(test_off)
{
	struct pagecache *pc = pagecache_new(0);

	ck_assert(!put(pc, "a", 'a', 10));
	ck_assert_int_eq(get(pc, "a"), 0);
	pagecache_free(pc);
}
END_TEST

/* Compressed copies are made on demand and counted against the cap. */
START_TEST(test_encode_counted)
{
	struct pagecache *pc = pagecache_new(1 << 20);
	struct http_reply rep;
	struct pagecache_entry *e;
	size_t n, before, after, len = 0;
	const char *br;

	make_reply(&rep, 'x', 0);
	for (int i = 0; i < 500; i++)
		sbuf_addf(&rep.body, "<p>line %d of the page</p>\n", i);
	e = pagecache_put(pc, "p", 1, &rep);
	pagecache_stats(pc, &n, &before);
	pagecache_encode(pc, e, CZ_BR);
	br = cz_set_get(e->cz, CZ_BR, &len);
	ck_assert_ptr_nonnull(br);
	pagecache_stats(pc, &n, &after);
	ck_assert_uint_eq(after, before + len);
	/* again: nothing more */
	pagecache_encode(pc, e, CZ_BR);
	pagecache_encode(pc, e, CZ_IDENTITY);
	pagecache_stats(pc, &n, &before);
	ck_assert_uint_eq(before, after);
	http_reply_release(&rep);
	pagecache_entry_release(e);
	pagecache_free(pc);
}
END_TEST

Suite *pagecache_suite(void)
{
	Suite *s = suite_create("pagecache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get_put);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_lru_order_and_cap);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_references);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_encode_counted);
	suite_add_tcase(s, tc);
	return s;
}
