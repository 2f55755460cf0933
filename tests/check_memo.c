/* check_memo: the bounded cache of rendered documents. */
#include <check.h>
#include <string.h>

#include "../server/base/sbuf.h"
#include "../server/http/compress.h"
#include "../server/http/memo.h"

START_TEST(test_get_put_replace)
{
	struct memo *m = memo_new(4);
	struct sbuf out = SBUF_INIT;
	const int key_a[3] = { 1, -1, 2 }, key_b[3] = { 1, -1, 3 };

	ck_assert_int_eq(memo_get(m, key_a, sizeof(key_a), &out), 0);
	ck_assert_uint_eq(out.len, 0);
	memo_put(m, key_a, sizeof(key_a), "{\"a\":1}", 7);
	ck_assert_int_eq(memo_get(m, key_a, sizeof(key_a), &out), 1);
	ck_assert_str_eq(out.buf, "{\"a\":1}");
	/* A key that differs by one value is another entry (a miss here). */
	sbuf_reset(&out);
	ck_assert_int_eq(memo_get(m, key_b, sizeof(key_b), &out), 0);
	/* The same key stored again replaces the value. */
	memo_put(m, key_a, sizeof(key_a), "{\"a\":2}", 7);
	ck_assert_int_eq(memo_get(m, key_a, sizeof(key_a), &out), 1);
	ck_assert_str_eq(out.buf, "{\"a\":2}");
	sbuf_release(&out);
	memo_free(m);
	memo_free(NULL);
}
END_TEST

START_TEST(test_bounded)
{
	struct memo *m = memo_new(8);
	struct sbuf out = SBUF_INIT;
	int hits = 0;

	/* 1,000 distinct keys into 8 slots: at most 8 are still there. */
	for (int i = 0; i < 1000; i++)
		memo_put(m, &i, sizeof(i), "x", 1);
	for (int i = 0; i < 1000; i++)
		hits += memo_get(m, &i, sizeof(i), &out);
	ck_assert_int_le(hits, 8);
	ck_assert_int_ge(hits, 1);
	sbuf_release(&out);
	memo_free(m);
}
END_TEST

/* A document referenced stays readable when its slot is replaced and
 * when the memo is freed; its compressed copies are made on demand. */
START_TEST(test_references)
{
	struct memo *m = memo_new(1);
	struct memo_doc *d;
	struct sbuf big = SBUF_INIT;
	size_t n = 0;

	for (int i = 0; i < 200; i++)
		sbuf_addf(&big, "{\"cause\":%d,\"title\":\"the headset uses A2DP only\"},", i);
	ck_assert_ptr_null(memo_ref(m, "a", 1));
	memo_put(m, "a", 1, big.buf, big.len);
	d = memo_ref(m, "a", 1);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->len, big.len);
	ck_assert_str_eq(d->data, big.buf);
	ck_assert_ptr_nonnull(cz_set_get(d->cz, CZ_BR, &n));
	ck_assert_uint_lt(n, big.len / 4);
	memo_put(m, "b", 1, "{}", 2);          /* the one slot: a replaced */
	ck_assert_ptr_null(memo_ref(m, "a", 1));
	ck_assert_str_eq(d->data, big.buf);
	memo_free(m);
	ck_assert_str_eq(d->data, big.buf);
	memo_doc_release(d);
	memo_doc_release(NULL);
	sbuf_release(&big);
}
END_TEST

Suite *memo_suite(void)
{
	Suite *s = suite_create("memo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get_put_replace);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_references);
	suite_add_tcase(s, tc);
	return s;
}
