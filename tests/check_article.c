/* check_article: structure-based extraction and annotations on one page. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/arena.h"
#include "../server/base/sbuf.h"
#include "../server/base/text.h"
#include <cjson/cJSON.h>

#include "../server/compiler/article.h"
#include "testutil.h"

/* Parses text as the file path; returns the article or NULL (d says why).
 * The tree lives in an arena, as when clew compile parses. */
static struct kb_article *parse(const char *path, const char *text,
				struct diag *d)
{
	struct sbuf buf = SBUF_INIT;
	struct arena arena = ARENA_INIT;
	struct kb_article *a = NULL;
	struct mdtree t;

	sbuf_adds(&buf, text);
	text_normalize_newlines(&buf);
	if (!mdtree_parse(&t, path, buf.buf, buf.len, NULL, &arena, d)) {
		a = article_from_tree(&t, "default-slug", d, NULL);
		mdtree_release(&t);
	}
	arena_release(&arena);
	sbuf_release(&buf);
	return a;
}

static struct kb_article *parse_file(const char *path, struct diag *d)
{
	char *text = tu_read(path, NULL);
	struct kb_article *a;

	ck_assert_msg(text != NULL, "cannot read %s", path);
	a = parse(path, text, d);
	free(text);
	return a;
}

static size_t count_platform(const struct kb_article *a, const char *p,
			     int causes)
{
	size_t n = 0;

	for (size_t i = 0; i < (causes ? a->nr_causes : a->nr_solutions); i++) {
		const char *cp = causes ? a->causes[i].platform :
					  a->solutions[i].platform;
		n += cp && !strcmp(cp, p);
	}
	return n;
}

START_TEST(test_plain_faq_structure)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse_file("tests/data/faq-plain.md", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.nr, 0);
	ck_assert_str_eq(a->slug, "default-slug");
	ck_assert_uint_eq(a->nr_platforms, 2);
	ck_assert_str_eq(a->platforms[0].id, "ios");
	ck_assert_str_eq(a->platforms[0].name, "iOS");
	ck_assert_str_eq(a->updated_at, "2021-04-12T09:15:00");
	ck_assert_uint_eq(a->products.nr, 2);

	/* Three causes per platform; the nested list stays in cause 1. */
	ck_assert_uint_eq(a->nr_causes, 6);
	ck_assert_uint_eq(count_platform(a, "ios", 1), 3);
	ck_assert_uint_eq(count_platform(a, "android", 1), 3);
	ck_assert_str_eq(a->causes[0].id, "ios-1");
	ck_assert_str_eq(a->causes[3].id, "android-1");
	ck_assert_str_eq(a->causes[0].title,
			 "The phone decides where call sound goes, and its default "
			 "choice is not the one the user wanted.");
	ck_assert(strstr(a->causes[0].html, "Picking up on the phone") != NULL);

	/* iOS: three bullet solutions under "<a name>Solutions", each cause
	 * gets all of them; Android: numbered 3 and 3, paired in order. */
	ck_assert_uint_eq(count_platform(a, "ios", 0), 3);
	ck_assert_uint_eq(count_platform(a, "android", 0), 3);
	ck_assert_uint_eq(a->causes[1].solutions.nr, 3);
	ck_assert_uint_eq(a->causes[4].solutions.nr, 1);
	ck_assert_str_eq(a->causes[4].solutions.items[0], "android-fix-2");

	/* Sections: unique anchors, heading ids in the HTML, scopes. */
	ck_assert_str_eq(a->sections[0].anchor, "what-people-see");
	ck_assert_ptr_null(a->sections[0].platform);
	for (size_t i = 0; i < a->nr_sections; i++)
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(a->sections[i].anchor, a->sections[j].anchor);
	ck_assert(strstr(a->html, "<h3 id=\"solutions-2\">Solutions</h3>") != NULL);
	ck_assert(strstr(a->html, "name=\"fix\"") == NULL);
	kb_article_free(a);
}
END_TEST

START_TEST(test_platform_from_heading_alone)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Overview\n\nText.\n\n## Windows hosts\n\n"
		"### Possible causes\n\n- Driver is old.\n- Service stopped.\n\n"
		"### How to fix\n\n- Update the driver.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 1);
	ck_assert_str_eq(a->platforms[0].id, "windows");
	ck_assert_str_eq(a->platforms[0].name, "Windows");
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[1].id, "windows-2");
	ck_assert_uint_eq(a->nr_solutions, 1);
	ck_assert_str_eq(a->causes[0].solutions.items[0], "windows-fix-1");
	kb_article_free(a);
}
END_TEST

/* The front matter's platform names are found anywhere in a heading, as
 * words; without them, leading and trailing generic words are dropped. */
START_TEST(test_platform_heading_words)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: [iOS, Android]\n---\n## For iOS users\n\n"
		"### Reasons\n\n- A.\n\n## Troubleshooting on Android\n\n### Reasons\n\n- B.\n\n"
		"## On Windows hosts\n\n### Causes\n\n- C.\n\n## Androids and robots\n\nText.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].platform, "ios");
	ck_assert_str_eq(a->causes[1].platform, "android");
	ck_assert_str_eq(a->causes[2].platform, "windows");
	ck_assert_uint_eq(a->nr_platforms, 3);
	/* "Androids" is not the word "Android": no platform scope there. */
	ck_assert_ptr_null(a->sections[a->nr_sections - 1].platform);
	kb_article_free(a);
}
END_TEST

START_TEST(test_single_platform_without_heading)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: Linux\nslug: my-slug\n---\n"
		"## Reasons\n\n1. BlueZ is down.\n\n## Solutions\n\n1. Start it.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->slug, "my-slug");
	ck_assert_uint_eq(a->nr_causes, 1);
	ck_assert_str_eq(a->causes[0].platform, "linux");
	ck_assert_str_eq(a->causes[0].id, "linux-1");
	ck_assert_str_eq(a->causes[0].solutions.items[0], "linux-fix-1");
	kb_article_free(a);
}
END_TEST

/* A reason written as a paragraph, not a list, is still a cause. */
START_TEST(test_paragraph_reason)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: [iOS, Android]\n---\n## iOS\n\n### Reason\n\n"
		"The app does not use CallKit. Without it, the speaker\ncannot record.\n\n"
		"### Solution\n\nAdopt CallKit.\n\n## Android\n\n### Reasons\n\n1. One.\n2. Two.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].id, "ios-1");
	ck_assert_str_eq(a->causes[0].platform, "ios");
	ck_assert_str_eq(a->causes[0].title, "The app does not use CallKit.");
	ck_assert(strstr(a->causes[0].html, "cannot record") != NULL);
	ck_assert_uint_eq(a->nr_solutions, 1);
	ck_assert_str_eq(a->solutions[0].title, "Adopt CallKit.");
	ck_assert_str_eq(a->causes[0].solutions.items[0], "ios-fix-1");
	ck_assert_str_eq(a->causes[1].platform, "android");
	kb_article_free(a);
}
END_TEST

/* One sub-heading per cause: each is a cause titled by its heading, with
 * the text under it; an annotation under the heading names it. */
START_TEST(test_subheading_causes)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: Linux\n---\n## Causes\n\nSome intro.\n\n"
		"### Bluetooth is off\n<!-- cause: bt-off -->\n\nThe adapter is powered off.\n\n"
		"### Wrong profile\n\nA2DP is selected.\n\n```\npactl list cards\n```\n\n"
		"## Solutions\n\n- Turn it on.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	if (d.nr)
		tu_diag_dump(&d);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].id, "bt-off");
	ck_assert_str_eq(a->causes[0].title, "Bluetooth is off");
	ck_assert(strstr(a->causes[0].html, "powered off") != NULL);
	ck_assert(!strstr(a->causes[0].html, "Some intro"));
	ck_assert_str_eq(a->causes[1].id, "linux-2");
	ck_assert(strstr(a->causes[1].html, "pactl list cards") != NULL);
	ck_assert_str_eq(a->causes[1].platform, "linux");
	ck_assert_uint_eq(a->nr_solutions, 1);
	kb_article_free(a);
}
END_TEST

/* A title heading over platform headings is not a platform itself, nor
 * is a heading repeating the title over the causes; a platform heading may
 * have text sub-headings before its causes. */
/* Section headings that causes stand under are not platforms. */
START_TEST(test_section_heading_not_platform)
{
	static const char *const pages[] = {
		"---\ntitle: Printer offline\nplatform: Windows\n---\n"
		"## Troubleshooting\n\n### Possible causes\n\n1. It is off.\n",
		"---\ntitle: Printer offline\n---\n## Why does this happen?\n\n"
		"### Causes\n\n1. It is off.\n",
		"---\ntitle: Printer offline\n---\n## Known issues\n\n"
		"### Causes\n\n1. It is off.\n",
		"---\ntitle: \"Printer offline: troubleshooting guide\"\n---\n"
		"# Printer offline \xe2\x80\x93 Troubleshooting Guide\n\n"
		"### Causes\n\n1. It is off.\n",
		"---\ntitle: Printer offline!\n---\n# Printer offline\n\n"
		"### Causes\n\n1. It is off.\n",
	};

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		struct diag d = DIAG_INIT;
		struct kb_article *a = parse("x.md", pages[i], &d);

		ck_assert_ptr_nonnull(a);
		ck_assert_uint_eq(a->nr_causes, 1);
		if (i == 0) {
			ck_assert_uint_eq(a->nr_platforms, 1);
			ck_assert_str_eq(a->causes[0].platform, "windows");
		} else {
			ck_assert_msg(a->nr_platforms == 0, "page %zu: platform '%s'",
				      i, a->platforms[0].name);
		}
		kb_article_free(a);
		diag_release(&d);
	}
}
END_TEST

/* A platform heading may carry a section heading's words around the
 * name: they are dropped from it. */
START_TEST(test_platform_name_among_section_words)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Android troubleshooting\n\n### Causes\n\n"
		"1. A.\n2. B.\n\n### Solutions\n\n- Fix A.\n\n"
		"## The Windows app\n\n### Causes\n\n1. C.\n\n### Solutions\n\n"
		"- Fix C.\n- Restart.\n\n## On your iPhone\n\n### Causes\n\n1. D.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 3);
	ck_assert_str_eq(a->platforms[0].name, "Android");
	ck_assert_str_eq(a->platforms[1].id, "windows-app");
	ck_assert_str_eq(a->platforms[2].name, "iPhone");
	ck_assert_str_eq(a->causes[1].platform, "android");
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "android-fix-1");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A page's first H1 is its title: it opens no platform's scope unless it
 * is just the platform's name, or other H1s follow. */
START_TEST(test_first_h1_is_title)
{
	static const struct {
		const char *page, *platform; /* of the cause; NULL: every one */
		size_t platforms;
	} cases[] = {
		{ "---\ntitle: Printer offline on Windows\nplatform: [Windows, macOS]\n---\n"
		  "# Printer offline on Windows\n\n## Causes\n\n1. It is off.\n", NULL, 2 },
		{ "---\ntitle: Camera\nplatform: [Windows, macOS]\n---\n"
		  "# Teams camera not working on Windows\n\n## Causes\n\n1. It is off.\n",
		  NULL, 2 },
		{ "---\ntitle: Printer shows offline\n---\n"
		  "# Printer offline\n\n### Causes\n\n1. It is off.\n", NULL, 0 },
		{ "---\ntitle: T\nplatform: [Windows, macOS]\n---\n"
		  "# Windows\n\n## Causes\n\n1. It is off.\n", "windows", 2 },
		{ "---\ntitle: T\n---\n# Windows\n\n### Causes\n\n1. It is off.\n\n"
		  "# macOS\n\n### Causes\n\n1. It sleeps.\n", "windows", 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct diag d = DIAG_INIT;
		struct kb_article *a = parse("x.md", cases[i].page, &d);

		ck_assert_ptr_nonnull(a);
		ck_assert_msg(a->nr_platforms == cases[i].platforms, "case %zu: %zu "
			      "platforms", i, a->nr_platforms);
		if (cases[i].platform)
			ck_assert_str_eq(a->causes[0].platform, cases[i].platform);
		else
			ck_assert_msg(!a->causes[0].platform, "case %zu: '%s'", i,
				      a->causes[0].platform);
		/* The H1 that repeats the title is not in the HTML, so its
		 * section has no heading nor anchor to link to. */
		if (i == 0) {
			ck_assert_ptr_null(strstr(a->html, "<h1"));
			ck_assert_str_eq(a->sections[0].heading, "");
			ck_assert_str_eq(a->sections[0].anchor, "");
			ck_assert_int_eq(a->sections[0].level, 0);
		}
		kb_article_free(a);
		diag_release(&d);
	}
}
END_TEST

START_TEST(test_title_heading_not_platform)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Printer shows offline\n---\n# Printer shows offline\n\nIntro.\n\n"
		"## Windows\n\n### Symptoms\n\nThe icon is grey.\n\n### Possible causes\n\n"
		"- The spooler stopped.\n- A new IP address.\n\n### How to fix\n\n"
		"1. Restart the spooler.\n2. Add the printer again.\n\n"
		"## Chrome OS\n\n### Cause\n\nThe queue is paused.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 2);
	ck_assert_str_eq(a->platforms[0].id, "windows");
	ck_assert_str_eq(a->platforms[1].id, "chrome-os");
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].platform, "windows");
	ck_assert_str_eq(a->causes[2].platform, "chrome-os");
	ck_assert_uint_eq(a->nr_solutions, 2);
	kb_article_free(a);
	diag_release(&d);

	a = parse("y.md", "---\ntitle: App crashes\n---\n# App crashes\n\n"
		  "### Reasons\n\n1. Old version.\n\n### Fixes\n\n1. Update it.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 0);
	ck_assert_uint_eq(a->nr_causes, 1);
	ck_assert_uint_eq(a->nr_solutions, 1);
	/* The page shows the title as its <h1>: the body's is left out. */
	ck_assert_ptr_null(strstr(a->html, "<h1"));
	ck_assert_ptr_nonnull(strstr(a->html, "<h3 id=\"reasons\">"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* "**Reasons**" and "Solutions:" alone in a paragraph stand for headings;
 * "**Fix:** text" in a sentence does not. */
START_TEST(test_label_paragraphs)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Wi-Fi drops\nplatform: [Android, iOS]\n---\n## Android devices\n\n"
		"**Reasons**\n\n1. Battery saving turns Wi-Fi off.\n2. The DHCP lease is short.\n\n"
		"**Solutions:**\n\n1. Exclude Wi-Fi from battery saving.\n2. Raise the lease time.\n\n"
		"## iOS\n\nPossible causes:\n\n- Private address changes.\n\n"
		"*How to fix*\n\n- Turn off the private address.\n\n"
		"**Fix:** restarting the router helps too.\n", &d);

	ck_assert_ptr_nonnull(a);
	if (d.nr)
		tu_diag_dump(&d);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].platform, "android");
	ck_assert(strstr(a->causes[0].title, "Battery saving") != NULL);
	ck_assert_str_eq(a->causes[2].platform, "ios");
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert(strstr(a->solutions[2].title, "private address") != NULL);
	/* The label reads as a heading on the page, without its colon. */
	ck_assert(strstr(a->html, ">Solutions</h") != NULL);
	ck_assert(strstr(a->html, "restarting the router") != NULL);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* "### Cause 1: Title" headings: one cause each, titled by the label,
 * paired with "### Solution 1" by number. */
START_TEST(test_numbered_cause_headings)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: No sound\nplatform: Android\n---\n## Android\n\n"
		"### Cause 1: Bluetooth permission missing\n\nThe app lacks it.\n\n"
		"### Cause 2 \xe2\x80\x93 Only A2DP\n\nNo microphone path.\n\n"
		"### Solution 1\n\nRequest the permission.\n\n"
		"### Solution 2\n\nUse an HFP headset.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].title, "Bluetooth permission missing");
	ck_assert_str_eq(a->causes[1].title, "Only A2DP");
	ck_assert(strstr(a->causes[0].html, "lacks it") != NULL);
	ck_assert_uint_eq(a->nr_solutions, 2);
	ck_assert_uint_eq(a->causes[0].solutions.nr, 1);
	ck_assert_str_eq(a->causes[0].solutions.items[0], a->solutions[0].id);
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], a->solutions[1].id);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A platform of the front matter as a deeper heading, under a Causes
 * heading, scopes the causes below it; a deeper heading that only
 * mentions it does not. */
START_TEST(test_deep_platform_headings)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: VPN fails\nplatform: [Windows, Linux]\n---\n"
		"## Causes\n\n### On Windows\n\n- The firewall blocks UDP.\n\n"
		"### Linux\n\n1. The tun module is missing.\n\n"
		"#### Notes about Linux kernels\n\n2. An old kernel.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 2);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].platform, "windows");
	ck_assert_str_eq(a->causes[1].platform, "linux");
	ck_assert_str_eq(a->causes[2].platform, "linux");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* "platform: iOS, Android" as a scalar is two platforms; Products too. */
START_TEST(test_comma_separated_lists)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: iOS, Android\nProducts: Voice,Video , \n---\n"
		"## iOS\n\n### Reasons\n\n1. A.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 2);
	ck_assert_str_eq(a->platforms[0].id, "ios");
	ck_assert_str_eq(a->platforms[1].id, "android");
	ck_assert_uint_eq(a->products.nr, 2);
	ck_assert_str_eq(a->products.items[0], "Voice");
	ck_assert_str_eq(a->products.items[1], "Video");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

START_TEST(test_raw_html_stripped)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: <b>Bold</b> title\n---\n<script>alert(1)</script>\n\n"
		"## Reasons <img src=x onerror=alert(2)>\n\n"
		"1. <!-- cause: c1 --> A [link](javascript:alert(3)) and "
		"<iframe src=\"//evil\"></iframe> text.\n\n"
		"<div onclick=\"x()\">block</div>\n", &d);
	const char *bad[] = { "<script", "onerror", "javascript:", "<iframe",
			      "onclick", "<div", "cause:", "<!--" };

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_msg(!strstr(a->html, bad[i]), "'%s' in %s", bad[i], a->html);
		ck_assert_msg(!strstr(a->causes[0].html, bad[i]), "'%s' in cause", bad[i]);
		for (size_t j = 0; j < a->nr_sections; j++)
			ck_assert(!strstr(a->sections[j].html, bad[i]));
	}
	ck_assert_str_eq(a->causes[0].id, "c1");
	/* The <div>'s text is kept (an element not on the list leaves its
	 * text); what was dropped is said once, at the first. */
	ck_assert_ptr_nonnull(strstr(a->html, "<p>block</p>"));
	ck_assert(tu_diag_has(&d, "x.md:4: warning: raw HTML: left out 1 element(s) with "
			      "their content (script, style, embedded objects), 2 "
			      "event-handler attribute(s) (the first is here)"));
	/* The title is stored as text; escaping is the renderer's job. */
	ck_assert_str_eq(a->title, "<b>Bold</b> title");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A line that starts with an HTML comment is raw HTML to CommonMark to
 * its end; the text beside the comment is the author's and stays. */
START_TEST(test_text_beside_comments)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Printer offline\nplatform: Windows\n---\n"
		"## Causes\n\n"
		"1. <!-- TODO: screenshot --> The firmware is **outdated**. Old.\n"
		"2. <!-- cause: cable --> <!-- x --> The cable is loose.\n\n"
		"<!-- owner: support --> Reviewed in <b>March</b>.\n\n"
		"## Solutions\n\n"
		"1. <!-- solution: plug; fixes: cable --> Plug it in.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].title, "The firmware is outdated.");
	ck_assert_str_eq(a->causes[0].html,
			 "The firmware is <strong>outdated</strong>. Old.");
	ck_assert_str_eq(a->causes[1].id, "cable");
	ck_assert_str_eq(a->causes[1].title, "The cable is loose.");
	ck_assert_int_eq(a->causes[1].line, 8);
	ck_assert_int_eq(a->nr_solutions, 1);
	ck_assert_str_eq(a->solutions[0].id, "plug");
	ck_assert_str_eq(a->solutions[0].title, "Plug it in.");
	ck_assert_str_eq(a->causes[1].solutions.items[0], "plug");
	/* Beside a comment, raw HTML is kept as everywhere (rawhtml.h). */
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Reviewed in <strong>March</strong>.</p>"));
	ck_assert_ptr_null(strstr(a->html, "<!--"));
	ck_assert_ptr_null(strstr(a->html, "owner"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* An unclosed comment would hide the rest of the item or page. */
START_TEST(test_unclosed_comment)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Causes\n\n"
		"1. <!-- cause: c1; solutions: f1\n   The cable is loose.\n", &d);

	ck_assert_ptr_null(a);
	ck_assert(tu_diag_has(&d, "x.md:6:4: error: HTML comment not closed"));
	diag_release(&d);

	/* Empty comments, and a comment that a blank line cuts inside other
	 * HTML, hide nothing after them. */
	a = parse("x.md", "---\ntitle: T\n---\n<!--> Seen.\n\n<!---> Also.\n\n"
		  "<div>\n<!-- a\n\nb -->\n</div>\n\nText.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_ptr_nonnull(strstr(a->html, "Seen."));
	ck_assert_ptr_nonnull(strstr(a->html, "Also."));
	kb_article_free(a);
	diag_release(&d);

	/* Inside a line it hides nothing, but shows: a warning. Not in code. */
	a = parse("x.md", "---\ntitle: T\n---\n## Causes\n\n- A <!-- cause: x\n"
		  "- B is off.\n\nWrite `<!--` to start a comment.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_int_eq(d.warnings, 1);
	ck_assert(tu_diag_has(&d, "x.md:6: warning: '<!--' without '-->' is shown"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* One annotated link leaves the other causes paired in order; a solution
 * that names what it fixes fixes only that. */
START_TEST(test_pairing_beside_annotations)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: Web\n---\n## Causes\n\n"
		"1. A is off.\n2. B is off.\n3. C is off.\n\n## Solutions\n\n"
		"1. <!-- solution: fa; fixes: web-1 -->\n   Turn A on.\n"
		"2. Turn B on.\n3. Turn C on.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->causes[0].solutions.nr, 1);
	ck_assert_str_eq(a->causes[0].solutions.items[0], "fa");
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "web-fix-2");
	ck_assert_uint_eq(a->causes[2].solutions.nr, 1);
	ck_assert_str_eq(a->causes[2].solutions.items[0], "web-fix-3");
	kb_article_free(a);
	diag_release(&d);

	/* Not paired (two causes, three solutions): each unannotated cause
	 * gets the solutions that do not name their causes. */
	a = parse("x.md",
		"---\ntitle: T\nplatform: Web\n---\n## Causes\n\n"
		"1. <!-- cause: ca; solutions: fb -->\n   A is off.\n2. B is off.\n\n"
		"## Solutions\n\n1. <!-- solution: fa; fixes: ca -->\n   Turn A on.\n"
		"2. <!-- solution: fb -->\n   Restart.\n3. Turn B on.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->causes[0].solutions.nr, 2); /* fb, then fa */
	ck_assert_uint_eq(a->causes[1].solutions.nr, 2);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "fb");
	ck_assert_str_eq(a->causes[1].solutions.items[1], "web-fix-3");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Reasons and Solutions headings in other words and languages. */
START_TEST(test_heading_words_and_languages)
{
	static const char *const pages[] = {
		"## Ursachen\n\n1. A.\n2. B.\n\n## L\xc3\xb6sungen\n\n1. C.\n2. D.\n",
		"## \xe5\x8f\xaf\xe8\x83\xbd\xe7\x9a\x84\xe5\x8e\x9f\xe5\x9b\xa0\n\n" /* 可能的原因 */
		"1. A.\n2. B.\n\n## \xe8\xa7\xa3\xe5\x86\xb3\xe6\x96\xb9\xe6\xb3\x95\n\n" /* 解决方法 */
		"1. C.\n2. D.\n",
		"## \xe5\x8e\x9f\xe5\x9b\xa0\n\n1. A.\n2. B.\n\n" /* 原因 */
		"## \xe5\xaf\xbe\xe5\x87\xa6\xe6\xb3\x95\n\n1. C.\n2. D.\n", /* 対処法 */
		"## Causas\n\n1. A.\n2. B.\n\n**Soluciones**\n\n1. C.\n2. D.\n",
		"### Why does this happen?\n\n1. A.\n2. B.\n\n### What to do\n\n1. C.\n2. D.\n",
		"## Why does this happen?\n\n### Causes\n\n1. A.\n2. B.\n\n"
		"## How to resolve it\n\n1. C.\n2. D.\n",
		"## \xd8\xa7\xd9\x84\xd8\xa3\xd8\xb3\xd8\xa8\xd8\xa7\xd8\xa8\n\n1. A.\n2. B.\n\n" /* الأسباب */
		"## \xd8\xa7\xd9\x84\xd8\xad\xd9\x84\xd9\x88\xd9\x84\n\n1. C.\n2. D.\n", /* الحلول */
		"## \xd7\xa1\xd7\x99\xd7\x91\xd7\x95\xd7\xaa\n\n1. A.\n2. B.\n\n" /* סיבות */
		"## \xd7\xa4\xd7\xaa\xd7\xa8\xd7\x95\xd7\xa0\xd7\x95\xd7\xaa\n\n1. C.\n2. D.\n", /* פתרונות */
		"## Causas\n\n1. A.\n2. B.\n\n## C\xc3\xb3mo solucionarlo\n\n1. C.\n2. D.\n",
		/* No-break spaces (French typography), an emoji against the
		 * word, a platform name before a no-break space. */
		"## Web\xc2\240devices\n\n### Causes\xc2\xa0possibles\n\n1. A.\n2. B.\n\n"
		"### \xe2\x9c\x85Solutions\xc2\xa0:\n\n1. C.\n2. D.\n",
		"## Причины\n\n1. A.\n2. B.\n\n## Как исправить\n\n1. C.\n2. D.\n",
	};

	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		struct diag d = DIAG_INIT;
		struct sbuf text = SBUF_INIT;
		struct kb_article *a;

		sbuf_addf(&text, "---\ntitle: T\nplatform: Web\n---\n%s", pages[i]);
		a = parse("x.md", text.buf, &d);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(a->nr_causes == 2 && a->nr_solutions == 2,
			      "page %zu: %zu causes, %zu solutions", i,
			      a->nr_causes, a->nr_solutions);
		ck_assert_str_eq(a->causes[1].title, "B.");
		ck_assert_str_eq(a->solutions[1].title, "D.");
		ck_assert_str_eq(a->causes[1].solutions.items[0], "web-fix-2");
		kb_article_free(a);
		diag_release(&d);
		sbuf_release(&text);
	}
}
END_TEST

/* Words that name causes or fixes only in passing do not. */
START_TEST(test_heading_words_in_passing)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Host names do not resolve\n\n- a.example\n\n"
		"## What happens next\n\n- It retries.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 0);
	ck_assert_uint_eq(a->nr_solutions, 0);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A cause's title is its first sentence, abbreviations and icons aside. */
START_TEST(test_titles_first_sentence)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Causes\n\n"
		"1. Use the **Forgot password?** link to reset it. Then sign in.\n"
		"2. DNS is misconfigured, e.g. the resolver points nowhere. Check.\n"
		"3. ![warning](x.png) The disk is full on the server. Free space.\n"
		"4. The request goes to J. Smith in the network team. Then retry.\n"
		"5. The cable is loose at the back. Push it in!\n"
		"6. The disk is full. Free some space.\n"
		"7. Is the VPN on? Some sites block it.\n", &d);
	static const char *const want[] = {
		"Use the Forgot password? link to reset it.",
		"DNS is misconfigured, e.g. the resolver points nowhere.",
		"The disk is full on the server.",
		"The request goes to J. Smith in the network team.",
		"The cable is loose at the back.",
		"The disk is full.",
		"Is the VPN on?",
	};

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_str_eq(a->causes[i].title, want[i]);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Front matter written loosely: kept as meant, or reported. */
START_TEST(test_front_matter_values)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: >\n  Printer offline\n"
		"platform: Windows, \"macOS\", 'Linux'\n"
		"updatedAt: 2024-13-45 25:61:00\nlang: [en, de]\n"
		"Products: [[A, B], C]\n---\nText.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->title, "Printer offline");
	ck_assert_uint_eq(a->nr_platforms, 3);
	ck_assert_str_eq(a->platforms[1].name, "macOS");
	ck_assert_str_eq(a->platforms[2].name, "Linux");
	ck_assert_ptr_null(a->lang);
	ck_assert(tu_diag_has(&d, "x.md: warning: updatedAt '2024-13-45 25:61:00' "
			      "is not a date"));
	ck_assert(tu_diag_has(&d, "x.md: warning: front matter 'lang' should be "
			      "one value"));
	ck_assert(tu_diag_has(&d, "x.md: warning: front matter 'Products' should "
			      "be names"));
	kb_article_free(a);
	diag_release(&d);
	a = parse("x.md", "---\ntitle: T\nplatform: {os: Windows}\n---\nText.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_platforms, 0);
	ck_assert(tu_diag_has(&d, "x.md: warning: front matter 'platform' should "
			      "be names (a list, or one line with commas); it is ignored"));
	kb_article_free(a);
	diag_release(&d);

	/* Dates as ISO 8601 writes them pass. */
	static const char *const dates[] = {
		"2024-03-01", "2024-03-01 10:00", "2024-03-01T10:00:00Z",
		"2024-03-01T10:00:00.5+02:00",
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++) {
		struct sbuf text = SBUF_INIT;
		struct diag d2 = DIAG_INIT;

		sbuf_addf(&text, "---\ntitle: T\nupdatedAt: \"%s\"\n---\nText.\n",
			  dates[i]);
		a = parse("x.md", text.buf, &d2);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(d2.warnings == 0, "%s: %s", dates[i],
			      d2.nr ? d2.items[0].msg : "");
		kb_article_free(a);
		diag_release(&d2);
		sbuf_release(&text);
	}
}
END_TEST

/* Sub-headings under Solutions: each one item when they hold text or
 * steps; groups of items when each holds a list of them. */
START_TEST(test_subheading_items_or_groups)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: Windows\n---\n## Cause\n\nFiles are damaged.\n\n"
		"## Resolution\n\n### Method 1: Run the troubleshooter\n\nOpen Settings.\n\n"
		"### Method 2: Reset the components\n\n1. Stop the service.\n"
		"2. Rename the folder.\n3. Start the service.\n\n"
		"### Method 3: Run DISM\n\nRun it.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 1);
	ck_assert_uint_eq(a->nr_solutions, 3);
	/* Titled by the label: the number only orders them. */
	ck_assert_str_eq(a->solutions[1].title, "Reset the components");
	ck_assert_ptr_nonnull(strstr(a->solutions[1].html, "<li>Rename the folder.</li>"));
	ck_assert_uint_eq(a->causes[0].solutions.nr, 3);
	kb_article_free(a);
	diag_release(&d);

	a = parse("x.md",
		"---\ntitle: T\nplatform: iOS\n---\n## Reasons\n\n1. A.\n2. B.\n3. C.\n\n"
		"## Solutions\n\n### For phone calls\n\n1. Fix A.\n2. Fix B.\n\n"
		"### For VoIP calls\n\nIn the app:\n\n1. Fix C.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[2].title, "Fix C.");
	ck_assert_str_eq(a->causes[2].solutions.items[0], "ios-fix-3");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Labels that name solutions by a phrase or with the colon inside the
 * bold end the causes' list, as a heading would. */
START_TEST(test_fix_labels)
{
	static const char *const labels[] = {
		"**How to fix it:**", "How to fix it:", "**What you can do:**",
		"Here's what you can do:", "**Try this:**",
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++) {
		struct diag d = DIAG_INIT;
		struct sbuf page = SBUF_INIT;
		struct kb_article *a;

		sbuf_addf(&page, "---\ntitle: OneDrive does not sync\nplatform: Windows\n"
			  "---\n**Possible causes:**\n\n- Sync is paused.\n"
			  "- The disk is full.\n\n%s\n\n1. Resume syncing.\n"
			  "2. Free some space.\n", labels[i]);
		a = parse("x.md", page.buf, &d);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(a->nr_causes == 2 && a->nr_solutions == 2,
			      "%s: %zu causes, %zu solutions", labels[i],
			      a->nr_causes, a->nr_solutions);
		kb_article_free(a);
		diag_release(&d);
		sbuf_release(&page);
	}
}
END_TEST

/* Outside Reasons and Solutions sections, a sentence ending in a colon
 * that names reasons or solutions (plurals, or a phrase) makes the list
 * after it causes or solutions; "the fix" alone does not. */
START_TEST(test_lead_in_sentences)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Reset email does not arrive\n---\n"
		"The fix is in version 2 for these systems:\n\n- Windows\n- macOS\n\n"
		"There are a few common reasons why the email does not reach you:\n\n"
		"- It went to the spam folder.\n- The address is old.\n\n"
		"Here's what you can do:\n\n1. Check the spam folder.\n"
		"2. Ask an admin to update it.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].title, "It went to the spam folder.");
	ck_assert_uint_eq(a->nr_solutions, 2);
	ck_assert_str_eq(a->solutions[1].title, "Ask an admin to update it.");
	/* As many numbered fixes as reasons: paired one to one. */
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], a->solutions[1].id);
	kb_article_free(a);
	diag_release(&d);

	/* "Here is how" heads no solutions as a heading; steps announced by
	 * a lead-in are one solution. */
	a = parse("x.md",
		"---\ntitle: Pairing and resets\n---\n## Here is how pairing works\n\n"
		"- The phone scans.\n- It pairs.\n\n## Resets\n\n"
		"If that does not help, try these steps:\n\n1. Open Settings.\n"
		"2. Tap Reset.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 1);
	ck_assert_str_eq(a->solutions[0].title, "If that does not help, try these steps");
	/* A page with a step and no cause: the step checks for a cause of
	 * its own (steps_checklist). */
	ck_assert_uint_eq(a->nr_causes, 1);
	ck_assert(a->causes[0].check);
	ck_assert_str_eq(a->causes[0].id, a->solutions[0].id);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* GFM pipe tables become tables (our own tags, cells parsed as Markdown
 * inlines, raw HTML kept through the allow-list); lines before the header row stay text, and
 * pipes that make no table stay as they are. Under a Reasons heading, a
 * table's rows are causes. */
START_TEST(test_pipe_tables)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: VPN errors\n---\nThe client shows one of these:\n"
		"| Message | Meaning |\n|:---|---:|\n"
		"| `Gateway unreachable` | No route, <b>check</b> **Wi-Fi**. |\n"
		"| Auth \\| 7 |\n\n"
		"- In a list:\n\n  | a | b |\n  | - | - |\n  | 1 | 2 |\n\n"
		"Not a table | just pipes\n| x |\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_ptr_nonnull(strstr(a->html, "<p>The client shows one of these:</p>\n<table>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<th class=\"align-left\">\nMessage\n</th>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<td class=\"align-right\">\nNo route, "
				     "<strong>check</strong> <strong>Wi-Fi</strong>.\n</td>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<code>Gateway unreachable</code>"));
	ck_assert_ptr_nonnull(strstr(a->html, "\nAuth | 7\n</td>\n<td class=\"align-right\">\n</td>"));
	ck_assert_ptr_null(strstr(a->html, "<b>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<li>\n<p>In a list:</p>\n<table>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Not a table | just pipes\n| x |</p>"));
	ck_assert_ptr_nonnull(strstr(a->sections[0].text, "No route, check Wi-Fi."));
	ck_assert_uint_eq(a->nr_causes, 0);
	kb_article_free(a);
	diag_release(&d);

	/* Under a Causes heading each row is a cause, titled by its "Cause"
	 * cell; a "Resolution" column gives each its own solution. */
	a = parse("x.md",
		"---\ntitle: VPN errors\nplatform: Windows\n---\n## Causes\n\n"
		"| Error | Cause | Resolution |\n|---|---|---|\n"
		"| 691 | The password is wrong. | Enter it again. |\n"
		"| 809 | A firewall blocks the port. | Open UDP 500. |\n\n"
		"## More causes\n\n| Cause | Details |\n|---|---|\n"
		"| Expired certificate | It is past its end date. |\n\n"
		"## Solutions\n\n1. Renew the certificate.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_str_eq(a->causes[0].title, "The password is wrong.");
	ck_assert_str_eq(a->causes[0].html, "<p><strong>Error</strong>: 691</p>\n");
	ck_assert_int_eq(a->causes[0].line, 9); /* each row's own line */
	ck_assert_int_eq(a->causes[1].line, 10);
	ck_assert_str_eq(a->causes[2].title, "Expired certificate");
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[1].title, "Open UDP 500.");
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], a->solutions[1].id);
	ck_assert_uint_eq(a->causes[2].solutions.nr, 1);
	ck_assert_str_eq(a->causes[2].solutions.items[0], "windows-fix-3");
	kb_article_free(a);
	diag_release(&d);

	/* A row of only its key cell: that cell, rendered, is the HTML (its
	 * text escaped, never passed as HTML); a cell that reads as another
	 * block keeps its text; a second solutions column under Solutions
	 * is text. */
	a = parse("x.md",
		"---\ntitle: T\n---\n## Solutions\n\n| Solution | Notes |\n|---|---|\n"
		"| \\<img src=x onerror=alert(1)\\> | |\n| 1. Update it | - n/a |\n\n"
		"| Fix | Workaround |\n|---|---|\n| A | B |\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[0].html, "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
	ck_assert_str_eq(a->solutions[1].title, "1. Update it");
	ck_assert_str_eq(a->solutions[1].html, "<p><strong>Notes</strong>: - n/a</p>\n");
	ck_assert_str_eq(a->solutions[2].html, "<p><strong>Workaround</strong>: B</p>\n");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A list announced as steps ("follow these steps:") under a Solutions
 * heading is one solution; the lists around it keep one an item, and
 * annotated steps stay items. */
START_TEST(test_steps_are_one_solution)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Printer offline\nplatform: Windows\n---\n"
		"## Causes\n\n1. The spooler stopped.\n2. The port changed.\n"
		"3. The driver is old.\n\n## Resolution\n\n"
		"To restart the spooler, follow these steps:\n\n"
		"1. Open `services.msc`.\n2. Select **Print Spooler**.\n"
		"3. Click **Restart**.\n\nIf that does not help, try these:\n\n"
		"- Add the printer again.\n- Update the driver.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 3);
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[0].title, "To restart the spooler, follow these steps");
	ck_assert_ptr_nonnull(strstr(a->solutions[0].html,
				     "<li>Click <strong>Restart</strong>.</li>"));
	ck_assert_ptr_null(strstr(a->solutions[0].html, "follow these"));
	ck_assert_ptr_nonnull(strstr(a->solutions[0].text, "follow these steps"));
	ck_assert_str_eq(a->solutions[2].title, "Update the driver.");
	/* Three causes and one procedure: not paired one to one. */
	ck_assert_uint_eq(a->causes[2].solutions.nr, 3);
	ck_assert_str_eq(a->causes[2].solutions.items[0], "windows-fix-1");
	kb_article_free(a);
	diag_release(&d);

	/* The heading's label titles it; a full-width colon ends a lead-in. */
	a = parse("x.md",
		"---\ntitle: T\n---\n## Solution: Reset the adapter\n\n"
		"Steps:\n\n- Turn it off.\n- Turn it on.\n\n"
		"## \xe8\xa7\xa3\xe5\x86\xb3\xe6\x96\xb9\xe6\xb3\x95\n\n" /* 解决方法 */
		"\xe8\xaf\xb7\xe6\x8c\x89\xe4\xbb\xa5\xe4\xb8\x8b"   /* 请按以下 */
		"\xe6\xad\xa5\xe9\xaa\xa4\xe6\x93\x8d\xe4\xbd\x9c"   /* 步骤操作 */
		"\xef\xbc\x9a\n\n1. A\n2. B\n\n"
		"## Fixes\n\nTry these steps:\n\n"
		"1. <!-- solution: one -->\n   Restart.\n2. Reinstall.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 4);
	ck_assert_str_eq(a->solutions[0].title, "Reset the adapter");
	ck_assert_str_eq(a->solutions[1].title,
			 "\xe8\xaf\xb7\xe6\x8c\x89\xe4\xbb\xa5\xe4\xb8\x8b"
			 "\xe6\xad\xa5\xe9\xaa\xa4\xe6\x93\x8d\xe4\xbd\x9c");
	ck_assert_str_eq(a->solutions[2].id, "one");
	ck_assert_str_eq(a->solutions[3].title, "Reinstall.");
	kb_article_free(a);
	diag_release(&d);

	/* A heading that names the steps, right over the list, does too. */
	a = parse("x.md",
		"---\ntitle: T\n---\n## Cause\n\nThe firmware is old.\n\n"
		"## Steps to resolve\n\n1. Open the app.\n2. Update.\n\n"
		"## Other fixes\n\n1. Reset it.\n2. Replace it.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[0].title, "Steps to resolve");
	ck_assert_ptr_nonnull(strstr(a->solutions[0].html, "<li>Update.</li>"));
	ck_assert_str_eq(a->solutions[2].title, "Replace it.");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Empty items: left out, or, when annotated, kept with a warning. */
START_TEST(test_empty_items)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Causes\n\n1. A is off.\n2.\n"
		"3. <!-- cause: x -->\n\n## Solutions\n\n"
		"10. <!-- solution: s10 -->\n   Fix ten.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[1].id, "x");
	ck_assert(tu_diag_has(&d, "x.md:7:1: warning: empty cause item left out"));
	ck_assert(tu_diag_has(&d, "x.md:8:1: warning: cause 'x' has no text"));
	ck_assert(tu_diag_has(&d, "x.md:12:1: warning: solution 's10' has no "
			      "text (the lines under an item need its indent"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* "**Cause:** ..." and "*Fix*: ..." paragraphs, outside Reasons and
 * Solutions sections, are a cause and a solution each, paired under their
 * heading; other bold lead-ins are text. */
START_TEST(test_labelled_paragraphs)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Printer FAQ\nplatform: Windows\n---\n"
		"## Q: The printer shows offline\n\n**Cause:** The spooler stopped.\n\n"
		"**Fix:** Restart the `Print Spooler` service.\n\n"
		"## Q: Pages come out blank\n\n**Cause**: The ink is empty.\n\n"
		"*Solution:* Replace the cartridge.\n\n**Note:** call us.\n\n"
		"**Cause 1: Not a label with a sentence.**\n\n"
		"## More\n\n**Cause:** The mixer mutes it.\n**Fix:** Unmute it in "
		"**Settings > Sound**.\n\n**Cause:** The cable is loose.\n"
		"**Fix:** Push it in.\n\n- **Cause:** Exclusive mode is on. "
		"**Solution:** Turn it off.\n- Plain item.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 5);
	ck_assert_uint_eq(a->nr_solutions, 5);
	ck_assert_str_eq(a->causes[4].title, "Exclusive mode is on.");
	ck_assert_str_eq(a->causes[4].solutions.items[0], "windows-fix-5");
	/* A cause and a fix in one paragraph go together. */
	ck_assert_str_eq(a->causes[2].title, "The mixer mutes it.");
	ck_assert_str_eq(a->solutions[2].html,
			 "Unmute it in <strong>Settings &gt; Sound</strong>.");
	ck_assert_uint_eq(a->causes[3].solutions.nr, 1);
	ck_assert_str_eq(a->causes[3].solutions.items[0], "windows-fix-4");
	ck_assert_str_eq(a->causes[1].title, "The ink is empty.");
	ck_assert_str_eq(a->solutions[0].html,
			 "Restart the <code>Print Spooler</code> service.");
	ck_assert_uint_eq(a->causes[0].solutions.nr, 1);
	ck_assert_str_eq(a->causes[0].solutions.items[0], "windows-fix-1");
	ck_assert_str_eq(a->causes[1].solutions.items[0], "windows-fix-2");
	/* The page still shows the paragraphs, labels and all. */
	ck_assert_ptr_nonnull(strstr(a->html, "<strong>Cause:</strong> The spooler"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Two problems on one page pair their causes and fixes apart. */
START_TEST(test_pairing_per_problem)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Email\nplatform: [Windows]\n---\n"
		"## Problem: Can't send\n\n### Causes\n\n1. Port blocked.\n"
		"2. Needs authentication.\n\n### Solutions\n\n1. Use port 587.\n\n"
		"## Problem: Can't receive\n\n### Causes\n\n1. Mailbox full.\n\n"
		"### Solutions\n\n1. Delete old mail.\n2. Empty the bin.\n\n"
		"## Causes\n\n1. Offline.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 4);
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "windows-fix-1");
	ck_assert_uint_eq(a->causes[2].solutions.nr, 2);
	ck_assert_str_eq(a->causes[2].solutions.items[0], "windows-fix-2");
	/* With no solutions under its own heading: all of its platform's. */
	ck_assert_uint_eq(a->causes[3].solutions.nr, 3);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* The page's title, as an H1 over its sections, marks no list; a bold
 * remark with no colon under Causes is text. */
START_TEST(test_title_and_remarks_mark_no_lists)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Headset\n---\n# Fixing Bluetooth headset problems\n\n"
		"## Android\n\n### Causes\n\n1. A.\n2. B.\n\n"
		"**Note: this fix erases jobs**\n\nThey run at night.\n\n"
		"### Solutions\n\n1. C.\n2. D.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_uint_eq(a->nr_solutions, 2);
	ck_assert_str_eq(a->solutions[0].title, "C.");
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "android-fix-2");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* "**Cause 1: ...**" in bold is a numbered heading of any length. */
START_TEST(test_numbered_bold_labels)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: [macOS]\n---\n## macOS\n\n"
		"**Cause 1: The keyboard battery is low and the keys lag.**\n\n"
		"Replace it.\n\n**Cause 2: Handoff interferes.**\n\nTurn it off.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].title,
			 "The keyboard battery is low and the keys lag.");
	ck_assert_str_eq(a->causes[0].html, "<p>Replace it.</p>\n");
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Repeated headings get unique anchors, numbered in order. */
START_TEST(test_unique_anchors)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Notes\n\nA.\n\n## Notes\n\nB.\n\n"
		"## Notes 2\n\nC.\n\n## Notes\n\nD.\n\n## \xe8\xaf\xb4\xe6\x98\x8e\n\nE.\n", &d);
	static const char *const want[] = { "notes", "notes-2", "notes-2-2",
					    "notes-3", "section-5" };

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_sections, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(a->sections[i].anchor, want[i]);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

START_TEST(test_non_ascii)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse_file("tests/data/cjk.md", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->title, "蓝牙耳机无法接听电话");
	ck_assert_uint_eq(a->nr_causes, 1);
	ck_assert(strstr(a->causes[0].title, "蓝牙设备只支持A2DP协议") != NULL);
	ck_assert_str_eq(a->sections[0].anchor, "android");
	ck_assert_str_eq(a->sections[1].anchor, "reasons");
	kb_article_free(a);

	a = parse("x.md", "---\ntitle: T\n---\n# 蓝牙\n\nText.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->sections[0].anchor, "section-1");
	kb_article_free(a);
}
END_TEST

START_TEST(test_bom_crlf)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse_file("tests/data/bom-crlf.md", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->title, "Café headset — CRLF and BOM");
	ck_assert_str_eq(a->platforms[0].id, "macos");
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert(!strchr(a->causes[0].title, '\r'));
	kb_article_free(a);
}
END_TEST

static const struct {
	const char *body;
	int line;
	const char *msg;
} bad[] = {
	{ "<!-- cause: c1 -->\n\n- item\n", 5, "must stand inside the list item" },
	{ "## Reasons\n\n1. <!-- cause: c1 --> a\n2. <!-- cause: c1 --> b\n", 8,
	  "duplicate cause id 'c1'" },
	{ "- <!-- question: q1 --> x\n", 5, "belongs in a question catalogue" },
	{ "- <!-- cause: c1 --> <!-- cause: c2 --> x\n", 5, "a second annotation" },
	{ "- <!-- solution: s1; fixes: nothing --> x\n", 5, "unknown cause 'nothing'" },
	{ "- <!-- cause: c1; solutions: s9 --> x\n- <!-- solution: s1 --> y\n", 5,
	  "unknown solution 's9'" },
};

START_TEST(test_annotation_errors)
{
	struct diag d = DIAG_INIT;
	struct sbuf text = SBUF_INIT;
	struct kb_article *a;

	sbuf_addf(&text, "---\ntitle: T\nplatform: iOS\n---\n%s", bad[_i].body);
	a = parse("bad.md", text.buf, &d);
	ck_assert_ptr_null(a);
	ck_assert_int_ge(d.errors, 1);
	ck_assert_str_eq(d.items[0].path, "bad.md");
	ck_assert_int_eq(d.items[0].line, bad[_i].line);
	ck_assert_msg(strstr(d.items[0].msg, bad[_i].msg), "case %d: '%s'", _i,
		      d.items[0].msg);
	diag_release(&d);
	sbuf_release(&text);
}
END_TEST

START_TEST(test_annotations_link_and_scope)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse_file("tests/data/kb/annotated.md", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->slug, "annotated-earpiece");
	ck_assert_str_eq(a->lang, "en");
	ck_assert_uint_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].id, "earpiece-no-voice");
	ck_assert(a->causes[0].weight == 2);
	ck_assert_uint_eq(a->causes[0].when.nr, 1);
	ck_assert_str_eq(a->causes[0].solutions.items[0], "get-voice-earpiece");
	/* "fixes:" on the solution links it to the second cause. */
	ck_assert_uint_eq(a->causes[1].solutions.nr, 1);
	ck_assert_str_eq(a->causes[1].solutions.items[0], "route-speaker");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(a->meta, "audience"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* What each step costs: authored, else by the signals of its title and
 * text; and each link's chance of fixing it. */
START_TEST(test_step_costs_and_chances)
{
	static const struct {
		const char *title;
		double cost;
		const char *basis;
	} want[] = {
		{ "Open a ticket with the support team.", 30, "support" },
		{ "Reinstall the app from the store.", 20, "reinstall" },
		{ "Restart the phone.", 3, "restart" },
		{ "Check that Bluetooth is on.", 2, "check" },
		{ "Turn on the call audio setting.", 5, "default" },
		{ "Change the route from the call screen.", 12, "authored" },
	};
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\nplatform: iOS\n---\n## Reasons\n\n"
		"1. <!-- cause: c1; solutions: s6=0.4 -->\n   The route is wrong.\n"
		"2. <!-- cause: c2 -->\n   Something else.\n\n"
		"## Solutions\n\n"
		"- <!-- solution: s1; fixes: c2 -->\n  Open a ticket with the support team.\n"
		"- <!-- solution: s2; fixes: c2 -->\n  Reinstall the app from the store.\n"
		"- <!-- solution: s3; fixes: c2 -->\n  Restart the phone.\n"
		"- <!-- solution: s4; fixes: c2 -->\n  Check that Bluetooth is on.\n"
		"- <!-- solution: s5; fixes: c2=0.25; fix: 0.5 -->\n  Turn on the call audio setting.\n"
		"- <!-- solution: s6; cost: 12 min; fix: 0.6 -->\n  Change the route from the call screen.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 6);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_str_eq(a->solutions[i].title, want[i].title);
		ck_assert_msg(a->solutions[i].cost == want[i].cost &&
			      !strcmp(a->solutions[i].cost_basis, want[i].basis),
			      "%s: %g (%s)", want[i].title, a->solutions[i].cost,
			      a->solutions[i].cost_basis);
	}
	/* The link's own chance, over the solution's fix:, over 0.9. */
	ck_assert_double_eq(kb_article_fix(a, "c1", "s6"), 0.4);
	ck_assert_double_eq(kb_article_fix(a, "c2", "s5"), 0.25);
	ck_assert_double_eq(kb_article_fix(a, "c2", "s1"), KB_FIX_DEFAULT);
	kb_article_free(a);
	diag_release(&d);

	/* Two chances for one link: an error at the second. */
	a = parse("x.md",
		"---\ntitle: T\n---\n## Reasons\n\n"
		"1. <!-- cause: c1; solutions: s1=0.4 -->\n   The route is wrong.\n\n"
		"## Solutions\n\n"
		"1. <!-- solution: s1; fixes: c1=0.7 -->\n   Change the route.\n", &d);
	ck_assert_ptr_null(a);
	ck_assert(tu_diag_has(&d, "x.md:11:4: error: the chance that 's1' fixes 'c1' "
			      "is given twice"));
	diag_release(&d);
}
END_TEST

/* The page's own "if it persists" text: under a heading that says so,
 * else its last paragraph that does. */
START_TEST(test_escalation_text)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: T\n---\n## Reasons\n\n1. A cause.\n\n## Solutions\n\n"
		"1. A fix.\n\nIf the issue persists, contact support with:\n\n"
		"- the log file\n- the version\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(a->escalation_html);
	ck_assert_ptr_nonnull(strstr(a->escalation_html, "If the issue persists"));
	ck_assert_ptr_nonnull(strstr(a->escalation_html, "<li>the log file</li>"));
	kb_article_free(a);
	diag_release(&d);

	a = parse("x.md",
		"---\ntitle: T\n---\n## Reasons\n\n1. A cause.\n\n## Solutions\n\n"
		"1. A fix.\n\n## Still need help?\n\nWrite to us with your order number.\n\n"
		"## About this article\n\nIt was written in 2024.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->escalation_html, "<p>Write to us with your order number.</p>\n");
	kb_article_free(a);
	diag_release(&d);

	a = parse("x.md", "---\ntitle: T\n---\n## Reasons\n\n1. A cause.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(a->escalation_html);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Pages as help centers write them: what is a step, what is the
 * hand-over text, what each step costs. */
START_TEST(test_steps_on_help_center_pages)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse("x.md",
		"---\ntitle: Printer help\nplatform: [Windows]\n---\n"
		"# Need help connecting your printer?\n\n"
		"Our support team sees this problem often.\n\n"
		"## Things to try\n\n"
		"- Turn the printer off and back on.\n"
		"- Clear the print queue, then try again. If that doesn't help, contact support.\n\n"
		"Before you contact support, check the following:\n\n"
		"- The printer has paper.\n\n"
		"## Contact support\n\n### Option 1: Chat with us\n\nOpen the chat.\n\n"
		"### Option 2: Call us\n\nCall the help desk.\n", &d);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 3);
	ck_assert_str_eq(a->solutions[0].cost_basis, "restart");
	/* "... if that doesn't help, contact support" is no part of the step. */
	ck_assert_str_eq(a->solutions[1].cost_basis, "default");
	ck_assert_str_eq(a->solutions[2].title, "The printer has paper.");
	ck_assert_str_eq(a->solutions[2].cost_basis, "check");
	/* Not the H1, not the intro, not the checklist's lead-in: the section. */
	ck_assert_ptr_nonnull(a->escalation_html);
	ck_assert_ptr_nonnull(strstr(a->escalation_html, "Call the help desk."));
	ck_assert_ptr_null(strstr(a->escalation_html, "sees this problem"));
	kb_article_free(a);
	diag_release(&d);

	/* Numbered steps order, and pair with no cause by number; their
	 * labels are read in other scripts too. */
	a = parse("x.md",
		"---\ntitle: La box\nplatform: [Windows]\n---\n## Causes\n\n"
		"1. La box est bloquée.\n2. Le pilote est ancien.\n\n"
		"## \xc3\x89tape 1 : Red\xc3\xa9marrer la box\n\nD\xc3\xa9" "branchez-la.\n\n"
		"## \xc3\x89tape 2 : R\xc3\xa9installer le pilote\n\nD\xc3\xa9sinstallez-le.\n", &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->nr_solutions, 2);
	ck_assert_str_eq(a->solutions[0].title, "Red\xc3\xa9marrer la box");
	ck_assert_str_eq(a->solutions[0].cost_basis, "restart");
	ck_assert_str_eq(a->solutions[1].cost_basis, "reinstall");
	ck_assert_uint_eq(a->causes[0].solutions.nr, 2);
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

Suite *article_suite(void)
{
	Suite *s = suite_create("article");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain_faq_structure);
	tcase_add_test(tc, test_platform_from_heading_alone);
	tcase_add_test(tc, test_platform_heading_words);
	tcase_add_test(tc, test_single_platform_without_heading);
	tcase_add_test(tc, test_paragraph_reason);
	tcase_add_test(tc, test_subheading_causes);
	tcase_add_test(tc, test_title_heading_not_platform);
	tcase_add_test(tc, test_section_heading_not_platform);
	tcase_add_test(tc, test_first_h1_is_title);
	tcase_add_test(tc, test_platform_name_among_section_words);
	tcase_add_test(tc, test_label_paragraphs);
	tcase_add_test(tc, test_numbered_cause_headings);
	tcase_add_test(tc, test_deep_platform_headings);
	tcase_add_test(tc, test_comma_separated_lists);
	tcase_add_test(tc, test_raw_html_stripped);
	tcase_add_test(tc, test_text_beside_comments);
	tcase_add_test(tc, test_unclosed_comment);
	tcase_add_test(tc, test_pairing_beside_annotations);
	tcase_add_test(tc, test_heading_words_and_languages);
	tcase_add_test(tc, test_heading_words_in_passing);
	tcase_add_test(tc, test_titles_first_sentence);
	tcase_add_test(tc, test_front_matter_values);
	tcase_add_test(tc, test_unique_anchors);
	tcase_add_test(tc, test_subheading_items_or_groups);
	tcase_add_test(tc, test_numbered_bold_labels);
	tcase_add_test(tc, test_title_and_remarks_mark_no_lists);
	tcase_add_test(tc, test_pairing_per_problem);
	tcase_add_test(tc, test_fix_labels);
	tcase_add_test(tc, test_pipe_tables);
	tcase_add_test(tc, test_lead_in_sentences);
	tcase_add_test(tc, test_steps_are_one_solution);
	tcase_add_test(tc, test_empty_items);
	tcase_add_test(tc, test_labelled_paragraphs);
	tcase_add_test(tc, test_non_ascii);
	tcase_add_test(tc, test_bom_crlf);
	tcase_add_test(tc, test_step_costs_and_chances);
	tcase_add_test(tc, test_escalation_text);
	tcase_add_test(tc, test_steps_on_help_center_pages);
	tcase_add_loop_test(tc, test_annotation_errors, 0, sizeof(bad) / sizeof(*bad));
	tcase_add_test(tc, test_annotations_link_and_scope);
	suite_add_tcase(s, tc);
	return s;
}
