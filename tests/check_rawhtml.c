/* Tests for what real help-center pages bring: raw HTML kept through the
 * allow-list (rawhtml.h), alerts (alerts.h), the docs platforms' syntax
 * (docsyntax.h), includes (include.h); and, for big imports, clew compile
 * --keep-going and grouped warnings. */
#define _GNU_SOURCE /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/base/arena.h"
#include "../server/base/diag.h"
#include "../server/base/sbuf.h"
#include "../server/base/text.h"
#include "../server/compiler/article.h"
#include "../server/compiler/compile.h"
#include "../server/compiler/docsyntax.h"
#include "../server/compiler/mdtree.h"
#include "../server/content/kb.h"
#include "../server/compiler/rawhtml.h"
#include "html_check.h"
#include <sys/stat.h>

#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* Parses a page as clew compile does; roots: the folder includes may come
 * from (NULL: none). */
static struct kb_article *parse_in(const char *path, const char *text, const char *root,
				   struct diag *d)
{
	struct sbuf buf = SBUF_INIT;
	struct arena arena = ARENA_INIT;
	struct kb_article *a = NULL;
	char *paths[1] = { (char *)root };
	struct mdtree_roots roots = { paths, 1 };
	struct mdtree t;

	sbuf_adds(&buf, text);
	text_normalize_newlines(&buf);
	if (!mdtree_parse(&t, path, buf.buf, buf.len, root ? &roots : NULL, &arena, d)) {
		a = article_from_tree(&t, "page", d, NULL);
		mdtree_release(&t);
	}
	arena_release(&arena);
	sbuf_release(&buf);
	return a;
}

static struct kb_article *parse(const char *text, struct diag *d)
{
	return parse_in("x.md", text, NULL, d);
}

/* Every piece of HTML the article holds passes html_check. */
static void assert_allowed(const struct kb_article *a)
{
	char why[256];

	ck_assert_msg(!html_check(a->html, why, sizeof(why)), "%s in %s", why, a->html);
	for (size_t i = 0; i < a->nr_sections; i++)
		ck_assert_msg(!html_check(a->sections[i].html, why, sizeof(why)), "%s", why);
	for (size_t i = 0; i < a->nr_causes; i++)
		ck_assert_msg(!html_check(a->causes[i].html, why, sizeof(why)), "%s", why);
	for (size_t i = 0; i < a->nr_solutions; i++)
		ck_assert_msg(!html_check(a->solutions[i].html, why, sizeof(why)), "%s", why);
}

START_TEST(test_url_is_safe)
{
	ck_assert(rawhtml_url_is_safe("https://example.com/a", 0));
	ck_assert(rawhtml_url_is_safe("/articles/x#y", 0));
	ck_assert(rawhtml_url_is_safe("reset-guide.md", 0));
	ck_assert(rawhtml_url_is_safe("#top", 0));
	ck_assert(rawhtml_url_is_safe("mailto:help@example.com", 0));
	ck_assert(rawhtml_url_is_safe("TEL:+1555", 0));
	ck_assert(!rawhtml_url_is_safe("javascript:alert(1)", 0));
	ck_assert(!rawhtml_url_is_safe(" JaVaScRiPt:alert(1)", 0));
	ck_assert(!rawhtml_url_is_safe("java\tscript:alert(1)", 0));
	ck_assert(!rawhtml_url_is_safe("jav\nascript:x", 0));
	ck_assert(!rawhtml_url_is_safe("vbscript:x", 0));
	ck_assert(!rawhtml_url_is_safe("data:text/html;base64,PHNjcmlwdD4=", 0));
	ck_assert(!rawhtml_url_is_safe("file:///etc/passwd", 0));
	ck_assert(rawhtml_url_is_safe("data:image/png;base64,iVBORw0KGgo=", 1));
	ck_assert(!rawhtml_url_is_safe("data:image/svg+xml;base64,PHN2Zz4=", 1));
	ck_assert(!rawhtml_url_is_safe("data:image/png;base64,AAAA", 0));
	ck_assert(!rawhtml_url_is_safe("mailto:x@y", 1));
	ck_assert(rawhtml_url_is_safe("img/a.png", 1));
}
END_TEST

/* An exported help-center page: HTML throughout, tables, an alert div,
 * inline tags among Markdown. */
START_TEST(test_help_center_export)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse(
		"---\ntitle: Calls are silent\n---\n"
		"<div class=\"article-body\">\n"
		"<p>The headset plays music.<br>Calls stay silent.</p>\n"
		"<div class=\"callout callout-warning\"><p>Save your work first.</p></div>\n"
		"<h2>Requirements</h2>\n"
		"<table><thead><tr><th>Item</th><th>Minimum</th></tr></thead>\n"
		"<tbody><tr><td>Firmware</td><td>2.1 <sup>beta</sup></td></tr>\n"
		"<tr><td colspan=\"2\">Any <code>A2DP</code> device</td></tr></tbody></table>\n"
		"</div>\n\n"
		"## Causes\n\n"
		"<ul>\n<li><b>The hands-free profile is off.</b> It was turned off.</li>\n"
		"<li><strong>Another app holds the microphone.</strong> A meeting app.</li>\n</ul>\n\n"
		"## Solutions\n\n"
		"1. **Turn the profile on.** Press <kbd>Ctrl</kbd>+<kbd>K</kbd>, <i>then</i> pick it.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_int_eq(d.warnings, 0);
	assert_allowed(a);
	ck_assert_ptr_nonnull(strstr(a->html, "<p>The headset plays music.<br />\nCalls stay silent.</p>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<div class=\"alert alert-warning\" role=\"note\" "
				     "aria-label=\"Warning\">"));
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Save your work first.</p>\n</div>"));
	/* The HTML heading is a heading of the page, its table a table. */
	ck_assert_ptr_nonnull(strstr(a->html, "<h2 id=\"requirements\">Requirements</h2>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<th>\nMinimum\n</th>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<td>\n2.1 <sup>beta</sup>\n</td>"));
	/* A spanning cell keeps its text; the row keeps its columns. */
	ck_assert_ptr_nonnull(strstr(a->html, "<td>\nAny <code>A2DP</code> device\n</td>\n<td>\n</td>"));
	/* An HTML list under Causes gives causes, titled by their bold lead. */
	ck_assert_int_eq(a->nr_causes, 2);
	ck_assert_str_eq(a->causes[0].title, "The hands-free profile is off.");
	ck_assert_str_eq(a->causes[1].title, "Another app holds the microphone.");
	ck_assert_ptr_nonnull(strstr(a->solutions[0].html,
				     "Press <kbd>Ctrl</kbd>+<kbd>K</kbd>, <em>then</em> pick it."));
	/* The text is searchable: the table's cells and the alert's. */
	{
		struct sbuf all = SBUF_INIT;

		for (size_t i = 0; i < a->nr_sections; i++)
			sbuf_adds(&all, a->sections[i].text);
		ck_assert_ptr_nonnull(strstr(all.buf, "Save your work first."));
		ck_assert_ptr_nonnull(strstr(all.buf, "Any A2DP device"));
		sbuf_release(&all);
	}
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* Attack strings, written for this test: none of them leaves anything
 * but listed elements, attributes and safe addresses, and the text the
 * author wrote beside them stays. */
static const char *const attacks[] = {
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//x.example/x.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<img src=\"javascript:alert(1)\">",
	"<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
	"<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
	"<a href=\"&#106;avascript:alert(1)\">x</a>",
	"<a href=\" javascript:alert(1)\">x</a>",
	"<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
	"<a href=\"vbscript:x\" title=\"&quot; onmouseover=&quot;alert(1)\">x</a>",
	"<svg onload=alert(1)><circle r=1></circle></svg>",
	"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
	"<iframe src=\"https://evil.example\"></iframe>",
	"<object data=\"x.swf\"></object><embed src=\"x.swf\">",
	"<style>body{background:url(javascript:alert(1))}</style>",
	"<div style=\"background:url(javascript:alert(1))\">styled</div>",
	"<p onclick=\"alert(1)\" class=\"x\" id=\"y\">clicked</p>",
	"<form action=\"https://evil.example\"><input name=q><button>Go</button></form>",
	"<details open ontoggle=alert(1)><summary>More</summary>body</details>",
	"<abbr title=\"&lt;script&gt;alert(1)&lt;/script&gt;\">abbr</abbr>",
	"<table><tr><td onmouseover=alert(1)>cell</td></tr></table>",
	"<base href=\"https://evil.example/\"><meta http-equiv=refresh content=0>",
	"<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
	"<b><i>nested <u>three</i></b> unclosed",
	"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
	"<textarea><img src=x onerror=alert(1)></textarea>",
	"<!--><img src=x onerror=alert(1)>-->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<template><script>alert(1)</script></template>",
	"<custom-tag onclick=alert(1)>custom text</custom-tag>",
	"<marquee>moving</marquee><blink>blinking</blink>",
	"<a href=\"mailto:help@example.com\">mail</a> <a href=\"#top\">top</a>",
	"<pre><code class=\"language-sh\" onclick=x>echo &lt;b&gt;</code></pre>",
	"<kbd>Ctrl</kbd><sup>2</sup><sub>n</sub><mark>m</mark><del>d</del>",
};

START_TEST(test_attacks)
{
	const char *placements[] = {
		"---\ntitle: T\n---\n%s\n",
		"---\ntitle: T\n---\nText %s more.\n",
		"---\ntitle: T\n---\n## Causes\n\n1. A cause %s here.\n",
		"---\ntitle: T\n---\n| a | b |\n|---|---|\n| %s | x |\n",
		"---\ntitle: T\n---\n> [!NOTE]\n> %s\n",
	};

	for (size_t i = 0; i < sizeof(attacks) / sizeof(*attacks); i++)
		for (size_t p = 0; p < sizeof(placements) / sizeof(*placements); p++) {
			struct diag d = DIAG_INIT;
			struct sbuf page = SBUF_INIT;
			struct kb_article *a;

			sbuf_addf(&page, placements[p], attacks[i]);
			a = parse(page.buf, &d);
			ck_assert_msg(a != NULL, "%s", page.buf);
			assert_allowed(a);
			ck_assert_msg(!strstr(a->html, "alert(1)") ||
				      /* as text, escaped: never in a tag */
				      !strstr(a->html, "<script"), "%s", a->html);
			ck_assert_msg(!text_ieq_n(a->html, "javascript", 10) &&
				      !strstr(a->html, "href=\"javascript") &&
				      !strstr(a->html, "src=\"javascript"), "%s", a->html);
			kb_article_free(a);
			diag_release(&d);
			sbuf_release(&page);
		}
}
END_TEST

/* What the allow-list keeps of the attack strings, as a reader sees it. */
START_TEST(test_kept_text)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse(
		"---\ntitle: T\n---\n"
		"<div style=\"color:red\">styled</div>\n\n"
		"<form action=\"https://evil.example\"><input name=q><button>Go</button></form>\n\n"
		"<custom-tag onclick=alert(1)>custom text</custom-tag> and <b><i>nested</b> tail\n\n"
		"<script>var secret = 1;</script>\n\n"
		"<details open><summary>More</summary>\n\nMarkdown **inside**.\n\n</details>\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(strstr(a->html, "<p>styled</p>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Go</p>"));
	ck_assert_ptr_nonnull(strstr(a->html, "custom text and <strong><em>nested</em></strong> tail"));
	ck_assert_ptr_null(strstr(a->html, "secret"));
	ck_assert_ptr_nonnull(strstr(a->html, "<details open>\n<summary>\nMore\n</summary>\n"
				     "<p>Markdown <strong>inside</strong>.</p>\n</details>"));
	ck_assert(tu_diag_has(&d, "x.md:8: warning: raw HTML: left out 1 element(s) with their "
			      "content (script, style, embedded objects), 1 event-handler "
			      "attribute(s) (the first is here)"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* A Microsoft Learn article: alerts, an image, an include. */
START_TEST(test_learn_article)
{
	struct diag d = DIAG_INIT;
	struct sbuf page = SBUF_INIT;
	struct kb_article *a;
	char *inc = tu_write(dir, "restart.md",
			     "---\nms.topic: include\n---\nRestart the phone, then pair again.\n", -1);

	sbuf_addf(&page, "%s/page.md", dir);
	a = parse_in(page.buf,
		"---\ntitle: Call audio\n---\n"
		"> [!NOTE]\n> Applies to **Android 12** and later.\n\n"
		"> [!caution]\n> Do not reset during a call.\n\n"
		"> [!UNKNOWN]\n> Stays a quote.\n\n"
		":::image type=\"content\" source=\"https://example.com/s.png\" "
		"alt-text=\"Screenshot of the [settings] page.\":::\n\n"
		"## Causes\n\n- **Media profile only.** Calls need hands-free.\n\n"
		"## Solutions\n\n1. **Pair again.** Remove the headset.\n\n"
		"   [!INCLUDE [restart](restart.md)]\n",
		dir, &d);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	assert_allowed(a);
	ck_assert_ptr_nonnull(strstr(a->html, "<div class=\"alert alert-note\" role=\"note\" "
				     "aria-label=\"Note\">\n<p class=\"alert-title\">\nNote\n</p>\n"
				     "<p>Applies to <strong>Android 12</strong> and later.</p>\n</div>"));
	ck_assert_ptr_nonnull(strstr(a->html, "alert-caution"));
	ck_assert_ptr_nonnull(strstr(a->html, "<blockquote>\n<p>[!UNKNOWN]"));
	ck_assert_ptr_nonnull(strstr(a->html, "<img src=\"https://example.com/s.png\" "
				     "alt=\"Screenshot of the [settings] page.\" />"));
	ck_assert_int_eq(a->nr_solutions, 1);
	ck_assert_ptr_nonnull(strstr(a->solutions[0].html, "Restart the phone, then pair again."));
	ck_assert_ptr_null(strstr(a->html, "ms.topic"));
	ck_assert_ptr_null(strstr(a->html, "INCLUDE"));
	kb_article_free(a);
	diag_release(&d);
	sbuf_release(&page);
	free(inc);
}
END_TEST

/* Includes that cannot be taken: each an error at the include's line. */
START_TEST(test_include_errors)
{
	struct diag d = DIAG_INIT;
	struct sbuf page = SBUF_INIT, sub = SBUF_INIT;
	struct kb_article *a;

	sbuf_addf(&sub, "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub.buf, 0700), 0);
	free(tu_write(dir, "outside.md", "Outside.\n", -1));
	free(tu_write(sub.buf, "a.md", "[!INCLUDE [b](b.md)]\n", -1));
	free(tu_write(sub.buf, "b.md", "Text.\n\n[!INCLUDE [a](a.md)]\n", -1));
	sbuf_addf(&page, "%s/page.md", sub.buf);
	a = parse_in(page.buf,
		"---\ntitle: T\n---\n"
		"[!INCLUDE [loop](a.md)]\n\n"
		"[!INCLUDE [missing](none.md)]\n\n"
		"[!INCLUDE [out](../outside.md)]\n\n"
		"[!INCLUDE [abs](/etc/passwd)]\n\n"
		"```\n[!INCLUDE [in code](none.md)]\n```\n",
		sub.buf, &d);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(d.errors, 4);
	ck_assert(tu_diag_has(&d, "b.md:3: error: include 'a.md': a cycle ("));
	ck_assert(tu_diag_has(&d, "page.md:6: error: include 'none.md': cannot read"));
	ck_assert(tu_diag_has(&d, "page.md:8: error: include '../outside.md': "));
	ck_assert(tu_diag_has(&d, "is outside the folders being compiled; it is refused"));
	ck_assert(tu_diag_has(&d, "page.md:10: error: include '/etc/passwd': write the path"));
	diag_release(&d);
	sbuf_release(&page);
	sbuf_release(&sub);
}
END_TEST

/* A Docusaurus page: ":::" alerts, with titles, nested, unclosed. */
START_TEST(test_docusaurus)
{
	struct diag d = DIAG_INIT;
	struct kb_article *a = parse(
		"---\ntitle: T\n---\n"
		":::tip Pro tip\nKeep the headset <b>near</b>.\n:::\n\n"
		":::warning[Careful -->]\nOuter.\n\n:::note\nInner.\n:::\n\nOuter again.\n:::\n\n"
		"```md\n:::note\nin code\n:::\n```\n\n"
		":::danger\nUnclosed to the end.\n",
		&d);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(d.errors, 0);
	assert_allowed(a);
	ck_assert_ptr_nonnull(strstr(a->html, "alert-tip\" role=\"note\" aria-label=\"Tip\">\n"
				     "<p class=\"alert-title\">\nPro tip\n</p>\n"
				     "<p>Keep the headset <strong>near</strong>.</p>\n</div>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<p class=\"alert-title\">\nCareful --&gt;\n</p>\n"
				     "<p>Outer.</p>\n<div class=\"alert alert-note\""));
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Inner.</p>\n</div>\n<p>Outer again.</p>\n</div>"));
	ck_assert_ptr_nonnull(strstr(a->html, "<code class=\"language-md\">:::note\nin code\n:::\n"));
	ck_assert_ptr_nonnull(strstr(a->html, "alert-caution"));
	ck_assert_ptr_nonnull(strstr(a->html, "<p>Unclosed to the end.</p>\n</div>"));
	kb_article_free(a);
	diag_release(&d);
}
END_TEST

/* docsyntax keeps the line count, so every line number stays right. */
START_TEST(test_docsyntax_lines)
{
	const char *in = ":::note\nA\n:::\n:::image type=\"complex\" source=\"a.png\" alt-text=\"x\":::\n"
			 "Long description.\n:::image-end:::\n:::zone pivot=\"a\"\nZ\n::: zone-end\n"
			 "[!INCLUDE [t](x.md)]\n";
	struct sbuf out = SBUF_INIT;
	size_t lines_in = 0, lines_out = 0;

	ck_assert_int_eq(docsyntax_rewrite(in, strlen(in), &out), 1);
	for (const char *p = in; *p; p++)
		lines_in += *p == '\n';
	for (const char *p = out.buf; *p; p++)
		lines_out += *p == '\n';
	ck_assert_uint_eq(lines_in, lines_out);
	ck_assert_str_eq(out.buf, "<!--clew:alert note-->\nA\n<!--clew:end-->\n![x](<a.png>)\n\n\n\n"
			 "Z\n\n<!--clew:include x.md-->\n");
	sbuf_reset(&out);
	ck_assert_int_eq(docsyntax_rewrite("plain\n", 6, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	sbuf_release(&out);
}
END_TEST

/* --keep-going: a page with a front-matter slip, and an empty template
 * page, among good ones: left out, reported, the rest compiled. */
START_TEST(test_keep_going)
{
	struct diag d = DIAG_INIT;
	struct compile_stats st = { 0 };
	struct sbuf db = SBUF_INIT;
	const char *in[1] = { dir };
	struct compile_opts opts = { NULL, 0, 2, NULL, NULL, 1, NULL };

	sbuf_addf(&db, "%s/kb.sqlite", dir);
	opts.output = db.buf;
	free(tu_write(dir, "good.md", "---\ntitle: Good\n---\n## Causes\n\n- A.\n", -1));
	free(tu_write(dir, "slip.md", "---\ntitle: Slip\nkey: a: b\n---\nText.\n", -1));
	free(tu_write(dir, "template.md", "---\ntitle:\n---\nBody.\n", -1));
	ck_assert_int_eq(compile_run(in, 1, &opts, &d, &st), 0);
	ck_assert_int_eq(d.errors, 2);
	ck_assert_uint_eq(st.articles, 1);
	ck_assert_uint_eq(st.nr_left_out, 2);
	ck_assert_ptr_nonnull(strstr(st.left_out[0], "slip.md"));
	ck_assert_ptr_nonnull(strstr(st.left_out[1], "template.md"));
	ck_assert(tu_diag_has(&d, "slip.md:3:7: error: YAML syntax error"));
	compile_stats_release(&st);
	diag_release(&d);

	/* Under --strict, the errors fail the run. */
	opts.strict = 1;
	ck_assert_int_eq(compile_run(in, 1, &opts, &d, &st), -1);
	compile_stats_release(&st);
	diag_release(&d);

	/* Without it, one bad page stops everything, as before. */
	opts.strict = 0;
	opts.keep_going = 0;
	ck_assert_int_eq(compile_run(in, 1, &opts, &d, &st), -1);
	compile_stats_release(&st);
	diag_release(&d);
	sbuf_release(&db);
}
END_TEST

START_TEST(test_keep_going_nothing_left)
{
	struct diag d = DIAG_INIT;
	struct compile_stats st = { 0 };
	struct sbuf db = SBUF_INIT;
	const char *in[1] = { dir };
	struct compile_opts opts = { NULL, 0, 2, NULL, NULL, 1, NULL };

	sbuf_addf(&db, "%s/kb.sqlite", dir);
	opts.output = db.buf;
	free(tu_write(dir, "slip.md", "---\ntitle: Slip\nkey: a: b\n---\nText.\n", -1));
	ck_assert_int_eq(compile_run(in, 1, &opts, &d, &st), -1);
	ck_assert(tu_diag_has(&d, "nothing left to compile"));
	compile_stats_release(&st);
	diag_release(&d);
	sbuf_release(&db);
}
END_TEST

/* Warnings grouped by kind: the first few of each, then a count. */
START_TEST(test_grouped_warnings)
{
	struct diag d = DIAG_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sbuf k = SBUF_INIT;

	for (int i = 0; i < 7; i++)
		diag_warn(&d, "p.md", i + 1, 0, "image 'img/%d.png' is a path", i);
	diag_error(&d, "q.md", 2, 0, "missing title");
	diag_warn(&d, "r.md", 1, 0, "another kind, %d of them", 1);
	ck_assert_uint_eq(diag_print_grouped(&d, f, 3), 4);
	fclose(f);
	ck_assert_str_eq(text,
		"p.md:1: warning: image 'img/0.png' is a path\n"
		"p.md:2: warning: image 'img/1.png' is a path\n"
		"p.md:3: warning: image 'img/2.png' is a path\n"
		"clew: ... and 4 more warning(s) like this one (--verbose or --report FILE "
		"lists them all)\n"
		"q.md:2: error: missing title\n"
		"r.md:1: warning: another kind, 1 of them\n");
	diag_kind("image 'x.png' is 12.5 MB, 3 times", &k);
	ck_assert_str_eq(k.buf, "image '*' is N MB, N times");
	sbuf_release(&k);
	free(text);
	diag_release(&d);
}
END_TEST

Suite *rawhtml_suite(void)
{
	Suite *s = suite_create("rawhtml");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_url_is_safe);
	tcase_add_test(tc, test_help_center_export);
	tcase_add_test(tc, test_attacks);
	tcase_add_test(tc, test_kept_text);
	tcase_add_test(tc, test_learn_article);
	tcase_add_test(tc, test_include_errors);
	tcase_add_test(tc, test_docusaurus);
	tcase_add_test(tc, test_docsyntax_lines);
	tcase_add_test(tc, test_keep_going);
	tcase_add_test(tc, test_keep_going_nothing_left);
	tcase_add_test(tc, test_grouped_warnings);
	suite_add_tcase(s, tc);
	return s;
}
