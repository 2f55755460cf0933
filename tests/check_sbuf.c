/* check_sbuf: the string builder and the text helpers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <math.h>

#include "../server/base/json.h"
#include "../server/base/sbuf.h"
#include "../server/base/text.h"

START_TEST(test_sbuf_empty_is_string)
{
	struct sbuf sb = SBUF_INIT;

	ck_assert_str_eq(sb.buf, "");
	ck_assert_uint_eq(sb.len, 0);
	sbuf_release(&sb); /* releasing an unused buffer is fine */
	ck_assert_str_eq(sb.buf, "");
}
END_TEST

START_TEST(test_sbuf_add_and_format)
{
	struct sbuf sb = SBUF_INIT;
	char *s;
	size_t len;

	sbuf_adds(&sb, "abc");
	sbuf_addch(&sb, '-');
	sbuf_addf(&sb, "%d/%s", 42, "x");
	ck_assert_str_eq(sb.buf, "abc-42/x");
	ck_assert_uint_eq(sb.len, 8);
	/* A long format grows the buffer past its first allocation. */
	for (int i = 0; i < 100; i++)
		sbuf_addf(&sb, "%0100d", i);
	ck_assert_uint_eq(sb.len, 8 + 100 * 100);
	ck_assert_uint_eq(strlen(sb.buf), sb.len);
	s = sbuf_detach(&sb, &len);
	ck_assert_uint_eq(len, 8 + 100 * 100);
	ck_assert_str_eq(sb.buf, "");
	free(s);
}
END_TEST

START_TEST(test_sbuf_trim_and_setlen)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "hello \t\n");
	sbuf_rtrim(&sb);
	ck_assert_str_eq(sb.buf, "hello");
	sbuf_setlen(&sb, 2);
	ck_assert_str_eq(sb.buf, "he");
	sbuf_reset(&sb);
	ck_assert_str_eq(sb.buf, "");
	sbuf_release(&sb);
}
END_TEST

Suite *sbuf_suite(void)
{
	Suite *s = suite_create("sbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sbuf_empty_is_string);
	tcase_add_test(tc, test_sbuf_add_and_format);
	tcase_add_test(tc, test_sbuf_trim_and_setlen);
	suite_add_tcase(s, tc);
	return s;
}

static void slug_is(const char *in, const char *want)
{
	struct sbuf sb = SBUF_INIT;

	text_slugify(&sb, in);
	ck_assert_str_eq(sb.buf, want);
	sbuf_release(&sb);
}

START_TEST(test_slugify)
{
	slug_is("iOS", "ios");
	slug_is("macOS", "macos");
	slug_is("  Windows Phone ", "windows-phone");
	slug_is("Reasons & Causes!", "reasons-causes");
	slug_is("Café au lait", "cafe-au-lait");
	slug_is("Über uns: Größe & Æther", "uber-uns-grosse-aether");
	slug_is("Łódź × 2", "lodz-2");
	slug_is("Ŧŧ", "tt");
	slug_is("蓝牙", "");
	slug_is("HarmonyOS 鸿蒙 Next", "harmonyos-next");
	slug_is("C++ SDK", "c-sdk");
	slug_is("bad \xff\xfe utf-8 \xe8", "bad-utf-8");
}
END_TEST

static void id_is(const char *in, const char *want)
{
	struct sbuf sb = SBUF_INIT;

	text_make_id(&sb, in);
	ck_assert_str_eq(sb.buf, want);
	ck_assert(!*want || text_is_id(sb.buf));
	sbuf_release(&sb);
}

START_TEST(test_make_id)
{
	id_is("iOS devices", "ios-devices");
	id_is("C SDK", "c-sdk");
	id_is("C++ SDK", "cplusplus-sdk");
	id_is("C# SDK", "csharp-sdk");
	id_is("Windows Phone", "windows-phone");
	id_is("Betriebssystem Ä", "betriebssystem-a");
	id_is("安卓", "u5b89-u5353");
	id_is("鸿蒙 OS", "os-u9e3f-u8499");
	id_is("麒麟 OS", "os-u9e92-u9e9f");
	id_is("--", "");
}
END_TEST

START_TEST(test_ids_and_case)
{
	{
		static const char *const words[] = { "cause", "Fix" };

		ck_assert(text_ieq_any("CAUSE", words, 2));
		ck_assert(text_ieq_any("fix", words, 2));
		ck_assert(!text_ieq_any("fixes", words, 2));
		ck_assert(!text_ieq_any("cause", words, 0));
	}
	ck_assert_uint_eq(text_colon_len("Causes:", 7), 1);
	ck_assert_uint_eq(text_colon_len("\xe5\x8e\x9f\xe5\x9b\xa0\xef\xbc\x9a", 9), 3); /* 原因： */
	ck_assert_uint_eq(text_colon_len("Causes", 6), 0);
	ck_assert_uint_eq(text_colon_len("Causes: ", 8), 0);
	ck_assert_uint_eq(text_colon_len("", 0), 0);
	ck_assert(text_is_id("android-a2dp-only"));
	ck_assert(text_is_id("sco_supported"));
	ck_assert(text_is_id("v1.2"));
	ck_assert(!text_is_id(""));
	ck_assert(!text_is_id("-lead"));
	ck_assert(!text_is_id("Upper"));
	ck_assert(!text_is_id("sp ace"));
	ck_assert(text_ieq("Products", "products"));
	ck_assert(!text_ieq("Product", "products"));
	ck_assert(text_ieq_n("iOS devices", "IOS", 3));
}
END_TEST

/* Lower case beyond ASCII, byte counts kept. */
START_TEST(test_fold)
{
	static const char *const pairs[][2] = {
		{ "R\xc3\x89INSTALLER \xc3\x89tape", "r\xc3\xa9installer \xc3\xa9tape" },    /* RÉINSTALLER Étape */
		{ "\xc3\x9c" "berpr\xc3\xbc" "fen", "\xc3\xbc" "berpr\xc3\xbc" "fen" },         /* Überprüfen */
		{ "\xd0\xa8\xd0\xb0\xd0\xb3 2", "\xd1\x88\xd0\xb0\xd0\xb3 2" },              /* Шаг 2 */
		{ "\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82\xc3\xb3" "d\xc5\xba" },               /* Łódź */
		{ "\xc5\xbb\xc3\xb3\xc5\x82w", "\xc5\xbc\xc3\xb3\xc5\x82w" },               /* Żółw */
		{ "\xce\x94\xce\xb9\xce\xbf", "\xce\xb4\xce\xb9\xce\xbf" },                 /* Δ */
		{ "\xe6\xad\xa5\xe9\xaa\xa4 1\xef\xbc\x9a", "\xe6\xad\xa5\xe9\xaa\xa4 1\xef\xbc\x9a" }, /* 步骤 1： */
		{ "\xc3\x97 \xc3\xb7", "\xc3\x97 \xc3\xb7" },                               /* × ÷ unchanged */
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		struct sbuf out = SBUF_INIT;

		text_fold(&out, pairs[i][0]);
		ck_assert_str_eq(out.buf, pairs[i][1]);
		ck_assert_uint_eq(out.len, strlen(pairs[i][0]));
		sbuf_release(&out);
	}
}
END_TEST

START_TEST(test_normalize_newlines)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "\xEF\xBB\xBFone\r\ntwo\rthree\n");
	text_normalize_newlines(&sb);
	ck_assert_str_eq(sb.buf, "one\ntwo\nthree\n");
	sbuf_release(&sb);
}
END_TEST

START_TEST(test_hash_is_stable)
{
	uint64_t a = text_hash(TEXT_HASH_INIT, "abc", 3);
	uint64_t b = text_hash(TEXT_HASH_INIT, "abc", 3);
	uint64_t c = text_hash(TEXT_HASH_INIT, "abd", 3);

	ck_assert(a == b);
	ck_assert(a != c);
	/* FNV-1a 64 of "a", a published test vector. */
	ck_assert(text_hash(TEXT_HASH_INIT, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert(text_is_utf8(""));
	ck_assert(text_is_utf8("plain ASCII"));
	ck_assert(text_is_utf8("耳机 café \xf0\x9f\x8e\xa7")); /* 3-, 2-, 4-byte */
	ck_assert(!text_is_utf8("\xff\xfe"));
	ck_assert(!text_is_utf8("\xe8\x93"));           /* cut short */
	ck_assert(!text_is_utf8("\xe8\x93x"));
	ck_assert(!text_is_utf8("\x93"));               /* stray continuation */
	ck_assert(!text_is_utf8("\xc0\xaf"));           /* overlong '/' */
	ck_assert(!text_is_utf8("\xe0\x80\xaf"));
	ck_assert(!text_is_utf8("\xed\xa0\x80"));       /* a surrogate */
	ck_assert(!text_is_utf8("\xf4\x90\x80\x80"));   /* above U+10FFFF */
	ck_assert(text_is_utf8("\xf4\x8f\xbf\xbf"));    /* U+10FFFF */
}
END_TEST

START_TEST(test_hex_digit)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(text_hex_digit(digits[i]), i);
		if (i >= 10)
			ck_assert_int_eq(text_hex_digit((char)(digits[i] - 32)), i);
	}
	ck_assert_int_eq(text_hex_digit('g'), -1);
	ck_assert_int_eq(text_hex_digit('G'), -1);
	ck_assert_int_eq(text_hex_digit('/'), -1);
	ck_assert_int_eq(text_hex_digit('@'), -1);
	ck_assert_int_eq(text_hex_digit('\0'), -1);
	ck_assert_int_eq(text_hex_digit((char)0xC1), -1); /* 'A' | 0x80 */
}
END_TEST

START_TEST(test_json_get)
{
	cJSON *o = cJSON_Parse("{\"s\": \"text\", \"n\": 2.5, \"b\": true}");

	ck_assert_str_eq(json_str(o, "s"), "text");
	ck_assert_str_eq(json_str(o, "n"), "");  /* not a string */
	ck_assert_str_eq(json_str(o, "none"), "");
	ck_assert_str_eq(json_str(NULL, "s"), "");
	ck_assert(json_num(o, "n") == 2.5);
	ck_assert(isnan(json_num(o, "s")));
	ck_assert(isnan(json_num(o, "none")));
	ck_assert(isnan(json_num(NULL, "n")));
	cJSON_Delete(o);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_slugify);
	tcase_add_test(tc, test_make_id);
	tcase_add_test(tc, test_ids_and_case);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_normalize_newlines);
	tcase_add_test(tc, test_hash_is_stable);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_hex_digit);
	tcase_add_test(tc, test_json_get);
	suite_add_tcase(s, tc);
	return s;
}
