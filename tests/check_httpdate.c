/* check_httpdate: HTTP-dates written and read, the KB's built_at read. */
#include <check.h>

#include "../server/base/sbuf.h"
#include "../server/http/httpdate.h"

START_TEST(test_format)
{
	struct sbuf s = SBUF_INIT;

	httpdate_format(&s, 0);
	ck_assert_str_eq(s.buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	sbuf_reset(&s);
	httpdate_format(&s, 784111777);
	ck_assert_str_eq(s.buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	sbuf_reset(&s);
	httpdate_format(&s, 951782400); /* a leap day */
	ck_assert_str_eq(s.buf, "Tue, 29 Feb 2000 00:00:00 GMT");
	sbuf_release(&s);
}
END_TEST

START_TEST(test_parse)
{
	long long t = -1;

	ck_assert_int_eq(httpdate_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	ck_assert_int_eq(t, 784111777);
	ck_assert_int_eq(httpdate_parse("Tue, 29 Feb 2000 00:00:00 GMT", &t), 0);
	ck_assert_int_eq(t, 951782400);
	t = 7;
	/* the obsolete forms, and garbage: not read */
	ck_assert_int_eq(httpdate_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), -1);
	ck_assert_int_eq(httpdate_parse("Sun Nov  6 08:49:37 1994", &t), -1);
	ck_assert_int_eq(httpdate_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), -1);
	ck_assert_int_eq(httpdate_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t), -1);
	ck_assert_int_eq(httpdate_parse("Sun, 06 Nov 1994 25:49:37 GMT", &t), -1);
	ck_assert_int_eq(httpdate_parse("Sun, 06 Nov 1994 08:49:37 GMTx", &t), -1);
	ck_assert_int_eq(httpdate_parse("", &t), -1);
	ck_assert_int_eq(httpdate_parse(NULL, &t), -1);
	ck_assert_int_eq(t, 7);
}
END_TEST

START_TEST(test_iso)
{
	long long t = -1;
	struct sbuf s = SBUF_INIT;

	ck_assert_int_eq(httpdate_parse_iso("1994-11-06T08:49:37Z", &t), 0);
	ck_assert_int_eq(t, 784111777);
	ck_assert_int_eq(httpdate_parse_iso("2026-12-05T06:47:26Z", &t), 0);
	httpdate_format(&s, t);
	ck_assert_str_eq(s.buf, "Sat, 05 Dec 2026 06:47:26 GMT");
	t = 7;
	ck_assert_int_eq(httpdate_parse_iso("1994-11-06T08:49:37", &t), -1);
	ck_assert_int_eq(httpdate_parse_iso("1994-11-06T08:49:37Zjunk", &t), -1);
	ck_assert_int_eq(httpdate_parse_iso("1994-13-06T08:49:37Z", &t), -1);
	ck_assert_int_eq(httpdate_parse_iso(NULL, &t), -1);
	ck_assert_int_eq(t, 7);
	sbuf_release(&s);
}
END_TEST

Suite *httpdate_suite(void)
{
	Suite *s = suite_create("httpdate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_iso);
	suite_add_tcase(s, tc);
	return s;
}
