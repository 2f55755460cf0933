/* check_headings: what a heading's words say. */
#include <check.h>
#include <string.h>

#include "../server/compiler/headings.h"

START_TEST(test_kind)
{
	static const struct {
		const char *text;
		enum kb_section_kind kind;
	} cases[] = {
		{ "Reasons", KB_SECTION_CAUSES },
		{ "Possible causes", KB_SECTION_CAUSES },
		{ "<a></a>Solutions", KB_SECTION_SOLUTIONS },
		{ "How to fix", KB_SECTION_SOLUTIONS },
		{ "Why does this happen?", KB_SECTION_CAUSES },
		{ "What to do", KB_SECTION_SOLUTIONS },
		{ "L\xc3\xb6sungen", KB_SECTION_SOLUTIONS },             /* Lösungen */
		{ "Causes\xc2\xa0possibles", KB_SECTION_CAUSES },        /* no-break space */
		{ "\xe2\x9c\x85Solutions", KB_SECTION_SOLUTIONS },       /* ✅ against it */
		{ "\xe5\x8f\xaf\xe8\x83\xbd\xe7\x9a\x84\xe5\x8e\x9f\xe5\x9b\xa0", KB_SECTION_CAUSES }, /* 可能的原因 */
		{ "\xd0\xa0\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5", KB_SECTION_SOLUTIONS }, /* Решение */
		{ "Cause2", KB_SECTION_CAUSES },
		{ "Host names do not resolve", KB_SECTION_TEXT },
		{ "What happens next", KB_SECTION_TEXT },
		{ "Because", KB_SECTION_TEXT },
		{ "", KB_SECTION_TEXT },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		ck_assert_msg(heading_kind(cases[i].text) == cases[i].kind,
			      "'%s'", cases[i].text);
}
END_TEST

START_TEST(test_phrase_kind)
{
	ck_assert(heading_phrase_kind("Here's what you can do:") == KB_SECTION_SOLUTIONS);
	ck_assert(heading_phrase_kind("How to fix it") == KB_SECTION_SOLUTIONS);
	ck_assert(heading_phrase_kind("Why does this happen?") == KB_SECTION_CAUSES);
	/* A word alone is not a phrase. */
	ck_assert(heading_phrase_kind("If the cause persists, try:") == KB_SECTION_TEXT);
	ck_assert(heading_phrase_kind("Fixes") == KB_SECTION_TEXT);
	ck_assert(heading_kind("Fixes") == KB_SECTION_SOLUTIONS);
	ck_assert(heading_lead_kind("There are a few common reasons why it fails:") ==
		  KB_SECTION_CAUSES);
	ck_assert(heading_lead_kind("If none of these fixes work:") == KB_SECTION_SOLUTIONS);
	ck_assert(heading_lead_kind("The fix is in version 2 for:") == KB_SECTION_TEXT);
	ck_assert(heading_lead_kind("Because of this:") == KB_SECTION_TEXT);
}
END_TEST

START_TEST(test_says_steps)
{
	ck_assert(heading_says_steps("To reset it, follow these steps:"));
	ck_assert(heading_says_steps("Steps:"));
	ck_assert(heading_says_steps("Gehen Sie diese Schritte durch:"));
	ck_assert(heading_says_steps("Suivez ces \xc3\xa9tapes :"));        /* étapes */
	ck_assert(heading_says_steps("\xe8\xaf\xb7\xe6\x8c\x89\xe4\xbb\xa5\xe4\xb8\x8b"
				     "\xe6\xad\xa5\xe9\xaa\xa4\xef\xbc\x9a")); /* 请按以下步骤： */
	ck_assert(heading_says_steps("\xd0\x92\xd1\x8b\xd0\xbf\xd0\xbe\xd0\xbb\xd0\xbd\xd0\xb8\xd1\x82\xd0\xb5 "
				     "\xd1\x88\xd0\xb0\xd0\xb3\xd0\xb8:"));  /* Выполните шаги: */
	ck_assert(!heading_says_steps("Choose one of the following solutions:"));
	ck_assert(!heading_says_steps("Try the following:"));
	ck_assert(!heading_says_steps("Stepping motors can stall:"));
	ck_assert(!heading_says_steps(""));
}
END_TEST

START_TEST(test_label)
{
	int number;

	ck_assert_str_eq(heading_label("Cause 1: The adapter is off", &number),
			 "The adapter is off");
	ck_assert_int_eq(number, 1);
	ck_assert_str_eq(heading_label("Solution \xe2\x80\x93 Pair it again", &number),
			 "Pair it again");
	ck_assert_int_eq(number, 0);
	ck_assert_ptr_null(heading_label("Possible causes", &number));
	ck_assert_ptr_null(heading_label("Solution 1", &number));
}
END_TEST

START_TEST(test_names)
{
	ck_assert(heading_names("iOS devices", "iOS"));
	ck_assert(heading_names("Troubleshooting on ios", "iOS"));
	ck_assert(heading_names("iOS\xc2\240devices", "iOS"));
	ck_assert(heading_names("C++ SDK", "C++ SDK"));
	ck_assert(!heading_names("iOS17 notes", "iOS"));
	ck_assert(!heading_names("Kiosk mode", "iOS"));
	ck_assert(!heading_names("C SDK", "C++ SDK"));
}
END_TEST

static void platform_is(const char *heading, const char *want)
{
	struct sbuf name = SBUF_INIT;
	int ok;

	heading_platform_name(heading, &name);
	ok = heading_platform_words(&name);
	if (want) {
		ck_assert_msg(ok, "'%s' is no platform", heading);
		ck_assert_str_eq(name.buf, want);
	} else {
		ck_assert_msg(!ok, "'%s' gave '%s'", heading, name.buf);
	}
	sbuf_release(&name);
}

START_TEST(test_platform_words)
{
	platform_is("Windows", "Windows");
	platform_is("On Windows hosts", "Windows");
	platform_is("Android troubleshooting", "Android");
	platform_is("The Windows app", "Windows app");
	platform_is("On your iPhone", "iPhone");
	platform_is("Troubleshooting", NULL);
	platform_is("Why it happens", NULL);
	platform_is("Known issues", NULL);
	platform_is("Problem: can't send", NULL);
	platform_is("One two three four five", NULL);
}
END_TEST

START_TEST(test_repeats_title)
{
	ck_assert(heading_repeats_title("Printer offline \xe2\x80\x93 Troubleshooting Guide",
					"Printer offline: troubleshooting guide"));
	ck_assert(heading_repeats_title("Printer offline", "Printer offline!"));
	ck_assert(!heading_repeats_title("Printer offline", "Printer shows offline"));
	ck_assert(!heading_repeats_title("", ""));
	ck_assert_int_eq(heading_count_words("  one two\tthree "), 3);
}
END_TEST

Suite *headings_suite(void)
{
	Suite *s = suite_create("headings");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_kind);
	tcase_add_test(tc, test_label);
	tcase_add_test(tc, test_says_steps);
	tcase_add_test(tc, test_phrase_kind);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_platform_words);
	tcase_add_test(tc, test_repeats_title);
	suite_add_tcase(s, tc);
	return s;
}
