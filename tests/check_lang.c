/* Tests for the reader's language (base/lang.c) and the interface's
 * message catalogues (http/i18n.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../server/base/lang.h"
#include "../server/base/sbuf.h"
#include "../server/http/i18n.h"
#include "testutil.h"

START_TEST(test_accept_parse)
{
	char tags[8][LANG_MAX];
	size_t n;

	n = lang_accept_parse("de;q=0.5, zh-CN;q=0.9, en ,fr;q=0.9", tags, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(tags[0], "en");    /* q=1 */
	ck_assert_str_eq(tags[1], "zh-CN"); /* q=0.9, written first */
	ck_assert_str_eq(tags[2], "fr");
	ck_assert_str_eq(tags[3], "de");
	/* q=0, "*", a malformed q, a bad tag, empty parts: left out. */
	n = lang_accept_parse("zh;q=0, *, ja;q=2, ko;q=abc, 1x, ;;, , pt-BR;Q=0.3", tags, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(tags[0], "pt-BR");
	ck_assert_uint_eq(lang_accept_parse(NULL, tags, 8), 0);
	ck_assert_uint_eq(lang_accept_parse("", tags, 8), 0);
	/* More than max: the best max. */
	ck_assert_uint_eq(lang_accept_parse("a;q=0.1,b;q=0.2,c;q=0.3", tags, 2), 2);
	ck_assert_str_eq(tags[0], "c");
}
END_TEST

START_TEST(test_match)
{
	const char *avail[] = { "en", "zh-CN", "de", "pt-BR", "zh-Hant" };

	ck_assert_str_eq(lang_match("zh-CN", avail, 5), "zh-CN");
	ck_assert_str_eq(lang_match("ZH_cn", avail, 5), "zh-CN");
	ck_assert_str_eq(lang_match("zh-Hant-TW", avail, 5), "zh-Hant"); /* truncated */
	ck_assert_str_eq(lang_match("zh-TW", avail, 5), "zh-CN");        /* same language */
	ck_assert_str_eq(lang_match("de-AT", avail, 5), "de");
	ck_assert_str_eq(lang_match("pt", avail, 5), "pt-BR");
	ck_assert_ptr_null(lang_match("ja", avail, 5));
	ck_assert_ptr_null(lang_match("<x>", avail, 5));
	ck_assert_ptr_null(lang_match(NULL, avail, 5));
	ck_assert_str_eq(lang_choose("de", "zh-CN", avail, 5, "en"), "de");
	ck_assert_str_eq(lang_choose("xx", "ja, zh-TW;q=0.5", avail, 5, "en"), "zh-CN");
	ck_assert_str_eq(lang_choose(NULL, "ja", avail, 5, "en"), "en");
	ck_assert_str_eq(lang_name("zh-CN"), "简体中文");
	ck_assert_str_eq(lang_name("zh-TW"), "繁體中文");
	ck_assert_str_eq(lang_name("de-AT"), "Deutsch");
	ck_assert_str_eq(lang_name("xx-YY"), "xx-YY");
	ck_assert(lang_is_tag("zh-Hant-TW"));
	ck_assert(lang_is_tag("es-419"));
	ck_assert(!lang_is_tag("419"));
	ck_assert(!lang_is_tag("en--US"));
	ck_assert(!lang_is_tag("abcdefghi"));
	ck_assert(!lang_is_tag(""));
}
END_TEST

START_TEST(test_plural_categories)
{
	ck_assert_str_eq(i18n_plural_category("en", 1), "one");
	ck_assert_str_eq(i18n_plural_category("en-GB", 0), "other");
	ck_assert_str_eq(i18n_plural_category("zh-CN", 1), "other");
	ck_assert_str_eq(i18n_plural_category("fr", 0), "one");
	ck_assert_str_eq(i18n_plural_category("fr", 2), "other");
	ck_assert_str_eq(i18n_plural_category("ru", 21), "one");
	ck_assert_str_eq(i18n_plural_category("ru", 11), "many");
	ck_assert_str_eq(i18n_plural_category("ru", 23), "few");
	ck_assert_str_eq(i18n_plural_category("pl", 22), "few");
	ck_assert_str_eq(i18n_plural_category("pl", 5), "many");
	ck_assert_str_eq(i18n_plural_category("ar", 0), "zero");
	ck_assert_str_eq(i18n_plural_category("ar", 2), "two");
	ck_assert_str_eq(i18n_plural_category("ar", 105), "few");
}
END_TEST

START_TEST(test_catalogues)
{
	char *dir = tu_tmpdir();
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	struct i18n *c;
	size_t n;
	const char *const *langs;

	free(tu_write(dir, "en.json", "{\"hello\": \"Hello\", \"bye\": \"Bye\", "
		      "\"hits\": {\"one\": \"%d article matches\", \"other\": \"%d articles match\"}}", -1));
	free(tu_write(dir, "zh.json", "{\"hello\": \"你好\", \"hits\": {\"other\": \"%d 篇文章\"}}", -1));
	free(tu_write(dir, "zh-TW.json", "{\"bye\": \"再見\"}", -1));
	c = i18n_load_dir(dir, &err);
	ck_assert_msg(c != NULL, "%s", err.buf);
	langs = i18n_langs(c, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(langs[0], "en");
	/* zh-TW: its own, then zh's, then English. */
	ck_assert_str_eq(i18n_text(c, "zh-TW", "bye"), "再見");
	ck_assert_str_eq(i18n_text(c, "zh-TW", "hello"), "你好");
	ck_assert_str_eq(i18n_text(c, "zh-CN", "hello"), "你好"); /* zh-CN -> zh */
	ck_assert_str_eq(i18n_text(c, "zh-CN", "bye"), "Bye");
	ck_assert_str_eq(i18n_text(c, "ja", "hello"), "Hello");
	ck_assert_str_eq(i18n_text(c, "en", "missing-key"), "missing-key");
	i18n_plural(c, "en", "hits", 1, &out);
	ck_assert_str_eq(out.buf, "1 article matches");
	sbuf_reset(&out);
	i18n_plural(c, "en", "hits", 7, &out);
	ck_assert_str_eq(out.buf, "7 articles match");
	sbuf_reset(&out);
	i18n_plural(c, "zh", "hits", 1, &out);
	ck_assert_str_eq(out.buf, "1 篇文章");
	/* The JSON for a page: nothing that ends a script element. */
	free(tu_write(dir, "fr.json", "{\"hello\": \"</script><b>&\"}", -1));
	i18n_free(c);
	c = i18n_load_dir(dir, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(strchr(i18n_json(c, "fr"), '<'));
	ck_assert_ptr_nonnull(strstr(i18n_json(c, "fr"), "\\u003c/script\\u003e"));
	i18n_free(c);
	sbuf_release(&out);
	sbuf_release(&err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_catalogue_errors)
{
	const struct {
		const char *name, *text, *want;
	} cases[] = {
		{ "en.json", "[1]", "not a JSON object" },
		{ "en.json", "{\"a\": 1}", "'a' is neither a text nor an object" },
		{ "en.json", "{\"a\": {\"one\": 2}}", "'a' is neither" },
		{ "e_n!.json", "{}", "must be a language tag" },
		{ "fr.json", "{}", "en.json is missing" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *dir = tu_tmpdir();
		struct sbuf err = SBUF_INIT;
		struct i18n *c;

		free(tu_write(dir, cases[i].name, cases[i].text, -1));
		c = i18n_load_dir(dir, &err);
		ck_assert_msg(c == NULL, "case %zu loaded", i);
		ck_assert_msg(strstr(err.buf, cases[i].want), "case %zu: %s", i, err.buf);
		sbuf_release(&err);
		tu_rmtree(dir);
		free(dir);
	}
	{
		struct sbuf err = SBUF_INIT;

		ck_assert_ptr_null(i18n_load_dir("/no/such/dir", &err));
		sbuf_release(&err);
	}
}
END_TEST

/* {name} placeholders take their values wherever the text puts them. */
START_TEST(test_fill)
{
	static const char *const vars[] = { "n", "5", "what", "the vote", NULL };
	struct sbuf out = SBUF_INIT;

	i18n_fill(&out, "Send {what} ({n} min)", vars);
	ck_assert_str_eq(out.buf, "Send the vote (5 min)");
	sbuf_reset(&out);
	i18n_fill(&out, "{n}{n} {other} {N} {n {} {", vars);
	ck_assert_str_eq(out.buf, "55 {other} {N} {n {} {");
	sbuf_reset(&out);
	i18n_fill(&out, "约 {n} 分钟", vars);
	ck_assert_str_eq(out.buf, "约 5 分钟");
	sbuf_release(&out);
}
END_TEST

/* The shipped catalogues load, and every language has every key. */
START_TEST(test_shipped_catalogues)
{
	struct sbuf err = SBUF_INIT;
	struct i18n *c = i18n_load_dir("i18n", &err);
	size_t n;
	const char *const *langs;

	ck_assert_msg(c != NULL, "%s", err.buf);
	langs = i18n_langs(c, &n);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(langs[0], "en");
	i18n_free(c);
	sbuf_release(&err);
}
END_TEST

Suite *lang_suite(void)
{
	Suite *s = suite_create("lang");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_accept_parse);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_plural_categories);
	tcase_add_test(tc, test_catalogues);
	tcase_add_test(tc, test_catalogue_errors);
	tcase_add_test(tc, test_fill);
	tcase_add_test(tc, test_shipped_catalogues);
	suite_add_tcase(s, tc);
	return s;
}
