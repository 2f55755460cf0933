/* check_compile: whole runs of the compiler: errors, warnings, atomic output. */
#include <check.h>
#include <stdint.h>
#include <dirent.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <cjson/cJSON.h>

#include "../server/base/sbuf.h"
#include "../server/compiler/compile.h"
#include "../server/engine/model.h"
#include "../server/store/stemtok.h"
#include "../server/store/store.h"
#include "testutil.h"

#define KB "tests/data/kb"
#define ERR "tests/data/errors/"

static char *dir;
static struct sbuf out;

static void setup(void)
{
	dir = tu_tmpdir();
	sbuf_init(&out);
	sbuf_addf(&out, "%s/kb.sqlite", dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	sbuf_release(&out);
}

static char *meta(const char *db, const char *key)
{
	char *err = NULL, *v;
	struct store *st = store_open(db, &err);

	ck_assert_msg(st != NULL, "%s", err);
	v = store_meta(st, key);
	store_free(st);
	return v;
}

/* Returns the number of entries of dir other than . and .. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(test_fixtures_compile)
{
	struct diag d = DIAG_INIT;
	char *v;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    "tests/data/cjk.md", "tests/data/bom-crlf.md",
				    NULL), 0);
	ck_assert_int_eq(d.errors, 0);
	/* A plain page ranks its causes as written, with no warning; the
	 * annotated one has a cause that conditions never put first. */
	for (size_t i = 0; i < d.nr; i++)
		ck_assert_msg(!strstr(d.items[i].path ? d.items[i].path : "",
				      "faq-plain.md"), "%s", d.items[i].msg);
	v = meta(out.buf, "schema_version");
	ck_assert_str_eq(v, STORE_SCHEMA_VERSION);
	free(v);
	v = meta(out.buf, "articles");
	ck_assert_str_eq(v, "4");
	free(v);
	v = meta(out.buf, "content_hash");
	ck_assert_uint_eq(strlen(v), 16);
	free(v);
	v = meta(out.buf, "clew_version");
	ck_assert_ptr_nonnull(v);
	free(v);
	v = meta(out.buf, "built_at");
	ck_assert_int_eq(v[4], '-');
	free(v);
	ck_assert_int_eq(count_entries(dir), 1); /* no temporary file left */
	diag_release(&d);
}
END_TEST

static long long count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* The full-text tables are built in a database of their own and copied
 * into the output: FTS5 must find them whole and consistent. */
static void check_full_text(const char *path)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(stemtok_register(db), 0);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO search(search) "
				      "VALUES ('integrity-check')", NULL, NULL,
				      NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO search_trigram"
				      "(search_trigram) VALUES ('integrity-check')",
				      NULL, NULL, NULL), SQLITE_OK);
	/* One row per section, under the section's rowid. */
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM sections"),
			 count_rows(db, "SELECT count(*) FROM search"));
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM search s "
				    "JOIN sections c ON c.id = s.rowid AND "
				    "c.article_id = s.article_id"),
			 count_rows(db, "SELECT count(*) FROM sections"));
	ck_assert_int_gt(count_rows(db, "SELECT count(*) FROM search "
				    "WHERE search MATCH 'earpiece'"), 0);
	/* The Chinese fixture's sections, found by a run of its characters. */
	ck_assert_int_gt(count_rows(db, "SELECT count(*) FROM search_trigram "
				    "WHERE search_trigram MATCH '\"蓝牙耳机\"'"), 0);
	ck_assert_int_lt(count_rows(db, "SELECT count(*) FROM search_trigram"),
			 count_rows(db, "SELECT count(*) FROM search"));
	sqlite3_close(db);
}

START_TEST(test_full_text_tables)
{
	struct diag d = DIAG_INIT;
	char cwd[4096];

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    "tests/data/cjk.md", NULL), 0);
	check_full_text(out.buf);
	diag_release(&d);

	/* An output named like an SQLite URI is still a plain file name. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	{
		struct sbuf kb = SBUF_INIT, cjk = SBUF_INIT;
		struct diag d2 = DIAG_INIT;

		sbuf_addf(&kb, "%s/" KB, cwd);
		sbuf_addf(&cjk, "%s/tests/data/cjk.md", cwd);
		ck_assert_int_eq(chdir(dir), 0);
		ck_assert_int_eq(tu_compile("file:kb.sqlite?mode=ro", &d2, 0, kb.buf,
					    cjk.buf, NULL), 0);
		ck_assert_int_eq(access("file:kb.sqlite?mode=ro", R_OK), 0);
		check_full_text("./file:kb.sqlite?mode=ro");
		ck_assert_int_eq(chdir(cwd), 0);
		diag_release(&d2);
		sbuf_release(&kb);
		sbuf_release(&cjk);
	}
}
END_TEST

START_TEST(test_same_sources_same_hash)
{
	struct diag d = DIAG_INIT;
	char *h1, *h2, *h3;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/cjk.md", NULL), 0);
	h1 = meta(out.buf, "content_hash");
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, "tests/data/cjk.md", KB, NULL), 0);
	h2 = meta(out.buf, "content_hash");
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    NULL), 0);
	h3 = meta(out.buf, "content_hash");
	ck_assert_str_eq(h1, h2);
	ck_assert_str_ne(h1, h3);
	free(h1);
	free(h2);
	free(h3);
	diag_release(&d);
}
END_TEST

/* A file named directly and through its folder, or named again, counts
 * once, wherever the repeat falls among the others. */
START_TEST(test_repeated_paths)
{
	struct diag d = DIAG_INIT;
	char *v;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB "/annotated.md", KB,
				    "tests/data/cjk.md", KB "/annotated.md",
				    "tests/data/cjk.md", "tests/data/bom-crlf.md",
				    KB "/annotated.md", NULL), 0);
	ck_assert_int_eq(d.errors, 0);
	v = meta(out.buf, "sources");
	ck_assert_str_eq(v, "4"); /* annotated, questions, cjk, bom-crlf */
	free(v);
	v = meta(out.buf, "articles");
	ck_assert_str_eq(v, "3");
	free(v);
	diag_release(&d);
}
END_TEST

/* The folders above the output are made as needed; a failed run removes
 * those it made. */
START_TEST(test_output_folders)
{
	struct diag d = DIAG_INIT;
	struct sbuf nested = SBUF_INIT, top = SBUF_INIT;

	sbuf_addf(&top, "%s/new", dir);
	sbuf_addf(&nested, "%s/new/sub/kb.sqlite", dir);
	ck_assert_int_ne(tu_compile(nested.buf, &d, 0, ERR "missing-title.md", NULL), 0);
	ck_assert_int_eq(access(top.buf, F_OK), -1);
	ck_assert_int_eq(count_entries(dir), 0);
	diag_release(&d);
	diag_init(&d);
	ck_assert_int_eq(tu_compile(nested.buf, &d, 0, KB, NULL), 0);
	ck_assert_int_eq(access(nested.buf, R_OK), 0);
	diag_release(&d);
	sbuf_release(&nested);
	sbuf_release(&top);
}
END_TEST

/* Every error the issue lists, as "path:line:col: error: message". */
static const struct {
	const char *file;
	const char *want;
} errors[] = {
	{ ERR "missing-frontmatter.md", ERR "missing-frontmatter.md:1:1: error: missing front matter" },
	{ ERR "unclosed-frontmatter.md", ERR "unclosed-frontmatter.md:1:1: error: unclosed front matter" },
	{ ERR "yaml-syntax.md", ERR "yaml-syntax.md:4:1: error: YAML syntax error" },
	{ ERR "missing-title.md", ERR "missing-title.md:1:1: error: missing title" },
	{ ERR "unknown-question.md", ERR "unknown-question.md:9:4: error: unknown question 'no_such_question'" },
	{ ERR "unknown-option.md", ERR "unknown-option.md:9:4: error: unknown option 'maybe' of question 'voice_profile' in 'when' of cause 'c1' (valid: yes, no, unknown)" },
	{ ERR "unknown-solution.md", ERR "unknown-solution.md:9:4: error: unknown solution 'nope'" },
	{ ERR "malformed-annotation.md", ERR "malformed-annotation.md:9:4: error: malformed annotation: unknown key 'colour'" },
	{ ERR "malformed-condition.md", ERR "malformed-condition.md:9:4: error: malformed condition" },
	{ ERR "no-such-file.md", ERR "no-such-file.md: error: cannot read: No such file or directory" },
};

START_TEST(test_each_error)
{
	struct diag d = DIAG_INIT;

	/* faq-plain brings the iOS platform the catalogue's other files need. */
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, "tests/data/faq-plain.md",
				    errors[_i].file, NULL), -1);
	ck_assert_int_eq(d.errors, 1);
	ck_assert(tu_diag_has(&d, errors[_i].want));
	ck_assert_int_eq(count_entries(dir), 0);
	diag_release(&d);
}
END_TEST

START_TEST(test_duplicate_slug)
{
	struct diag d = DIAG_INIT;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, ERR "dup-slug-a.md",
				    ERR "dup-slug-b.md", NULL), -1);
	ck_assert(tu_diag_has(&d, ERR "dup-slug-b.md:1:1: error: duplicate slug "
			      "'same-slug' (also used by " ERR "dup-slug-a.md)"));
	diag_release(&d);
}
END_TEST

START_TEST(test_all_errors_reported_in_one_run)
{
	struct diag d = DIAG_INIT;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, ERR "missing-title.md",
				    ERR "yaml-syntax.md", ERR "unknown-option.md",
				    NULL), -1);
	ck_assert_int_eq(d.errors, 3);
	diag_release(&d);
}
END_TEST

/* Several errors in one page: each is reported, in the order of lines. */
START_TEST(test_all_errors_of_a_page)
{
	struct diag d = DIAG_INIT;
	char *page = tu_write(dir, "page.md",
		"---\ntitle: T\n---\n"
		"<!-- cause: loose; when: platform=web -->\n\n"  /* line 4 */
		"## Causes\n\n"
		"1. <!-- cause: c1; weight: heavy -->\n   A.\n"     /* line 8 */
		"2. <!-- cause: c2 -->\n   B.\n"
		"3. <!-- cause: c2; solutions: nope -->\n   C.\n", /* line 12 */
		-1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, page, NULL), -1);
	ck_assert_int_eq(d.errors, 4);
	ck_assert_int_eq(d.items[0].line, 4);  /* outside any list item */
	ck_assert_int_eq(d.items[1].line, 8);  /* a weight is a number */
	ck_assert_int_eq(d.items[2].line, 12); /* duplicate id */
	ck_assert_int_eq(d.items[3].line, 12); /* unknown solution */
	ck_assert(tu_diag_has(&d, "duplicate cause id 'c2'"));
	ck_assert(tu_diag_has(&d, "unknown solution 'nope'"));
	diag_release(&d);
	free(page);
}
END_TEST

/* A page whose front matter fails still has its body checked, its
 * conditions too; a catalogue whose YAML fails still gives its questions,
 * so that the articles do not each report them unknown; and the platform
 * of a page that failed ('ios', only untitled.md's) is still one the
 * catalogue's 'applies' may name. */
START_TEST(test_header_errors_hide_nothing)
{
	struct diag d = DIAG_INIT;
	char *yaml = tu_write(dir, "yaml.md",
		"---\ntitle: [oops\n---\n## Causes\n\n"
		"1. <!-- cause: a; weight: heavy -->\n   A.\n"      /* line 6 */
		"2. <!-- cause: b; when: nosuch=yes -->\n   B.\n", /* line 8 */
		-1);
	char *untitled = tu_write(dir, "untitled.md",
		"---\nplatform: iOS\n---\n## Causes\n\n"
		"1. <!-- cause: c; when: callkit=maybe -->\n   C.\n", -1);
	char *catalog = tu_write(dir, "questions.md",
		"---\ntype: questions\nowner: [support\n---\n"
		"## Does the app use CallKit?\n"
		"<!-- question: callkit; applies: platform=ios -->\n\n"
		"- `yes`: Yes\n- `no`: No\n", -1);
	char *user = tu_write(dir, "user.md",
		"---\ntitle: Uses the catalogue\n---\n## Causes\n\n"
		"1. <!-- cause: d; when: callkit=no -->\n   D.\n", -1);

	/* Its header unread, a page names no platform: its conditions on
	 * one are not judged. */
	char *colon = tu_write(dir, "colon.md",
		"---\ntitle: Broken: yes\nplatforms: [macos]\n---\n## Causes\n\n"
		"1. <!-- cause: low; when: platform=macos -->\n   Low.\n", -1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, yaml, untitled, catalog, user,
				    colon, NULL), -1);
	ck_assert(tu_diag_has(&d, "colon.md:2:14: error: YAML syntax error"));
	ck_assert(tu_diag_lacks(&d, "'macos'"));
	ck_assert(tu_diag_has(&d, "yaml.md:3:1: error: YAML syntax error"));
	ck_assert(tu_diag_has(&d, "yaml.md:6:4: error: malformed annotation: "
			      "weight 'heavy'"));
	ck_assert(tu_diag_has(&d, "yaml.md:8:4: error: unknown question 'nosuch'"));
	ck_assert(tu_diag_has(&d, "untitled.md:1:1: error: missing title"));
	ck_assert(tu_diag_has(&d, "untitled.md:6:4: error: unknown option 'maybe' "
			      "of question 'callkit'"));
	ck_assert(tu_diag_has(&d, "questions.md:4:1: error: YAML syntax error"));
	ck_assert_int_eq(d.errors, 7);
	diag_release(&d);
	free(colon);
	free(yaml);
	free(untitled);
	free(catalog);
	free(user);
}
END_TEST

/* The first column of the first row of sql's result on the file at path
 * (caller frees), or NULL. */
static char *sql_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(stemtok_register(db), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* A link to another page by its file name goes to that page's article;
 * one to a page the KB lacks, and an image by a path from the page (which
 * clew cannot serve), are warned. */
/* Each piece of text is stored once (schema 5): the article's HTML is
 * its sections' (article_html, and the API's "html" built the same way),
 * the full-text index reads its text from the sections (no content table
 * of its own), and the section's text is the search body. */
START_TEST(test_text_stored_once)
{
	struct diag d = DIAG_INIT;
	char *err = NULL, *view, *body, *none;
	struct store *st;
	cJSON *doc;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, "kb", NULL), 0);
	st = store_open(out.buf, &err);
	ck_assert_msg(st != NULL, "%s", err);
	doc = store_article_json(st, "bluetooth-call-audio");
	ck_assert_ptr_nonnull(doc);
	view = sql_text(out.buf, "SELECT h.html FROM article_html AS h JOIN articles AS a "
				 "ON a.id = h.article_id WHERE a.slug = 'bluetooth-call-audio'");
	ck_assert_str_eq(view, cJSON_GetObjectItem(doc, "html")->valuestring);
	none = sql_text(out.buf, "SELECT count(*) FROM sqlite_schema WHERE name = 'search_content'");
	ck_assert_str_eq(none, "0");
	body = sql_text(out.buf, "SELECT count(*) FROM search WHERE search MATCH 'headset' AND "
				 "body = (SELECT text FROM sections WHERE id = search.rowid)");
	ck_assert_int_gt(atoi(body), 0);
	free(view);
	free(none);
	free(body);
	cJSON_Delete(doc);
	store_free(st);
	diag_release(&d);
}
END_TEST

START_TEST(test_links_between_pages)
{
	struct diag d = DIAG_INIT;
	char *a = tu_write(dir, "a.md",
		"---\ntitle: Printer offline help\n---\n"
		"See [the reset guide](Reset-Guide.md#steps), [gone](gone.md), "
		"[spaced](../x/Spooler%20Guide.md) and "
		"[site](https://example.com/a.md).\n\n![shot](img/x.png)\n", -1);
	char *b = tu_write(dir, "Reset-Guide.md",
		"---\ntitle: Reset guide page\n---\n## Steps\n\nDo it.\n", -1);
	char *html;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, a, b, NULL), 0);
	ck_assert(tu_diag_has(&d, "a.md:6: warning: image 'img/x.png' is a path "
			      "from the page"));
	ck_assert(tu_diag_has(&d, "a.md: warning: a link goes to '/articles/gone', "
			      "but no article has slug 'gone'"));
	html = sql_text(out.buf, "SELECT h.html FROM article_html AS h JOIN articles AS a "
				"ON a.id = h.article_id WHERE a.slug = 'a'");
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"/articles/reset-guide#steps\">"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"https://example.com/a.md\">"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"/articles/spooler-guide\">"));
	free(html);
	diag_release(&d);
	free(a);
	free(b);
}
END_TEST

/* Once a page ranks some causes by weight or conditions, a cause that
 * can never come first is named; a plain page is not checked. */
START_TEST(test_unreachable_cause_warned)
{
	struct diag d = DIAG_INIT;
	char *ranked = tu_write(dir, "ranked.md",
		"---\ntitle: T\nplatform: Web\n---\n## Causes\n\n"
		"1. <!-- cause: a; weight: 3 -->\n   A is off.\n2. B is off.\n", -1);
	char *plain = tu_write(dir, "plain.md",
		"---\ntitle: P\nplatform: Web\n---\n## Causes\n\n"
		"1. A is off.\n2. B is off.\n", -1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, ranked, plain, NULL), 0);
	ck_assert(tu_diag_has(&d, "ranked.md:9:1: warning: cause 'web-2' never "
			      "ranks first"));
	ck_assert_int_eq(d.warnings, 1);
	diag_release(&d);
	ck_assert_int_eq(tu_compile(out.buf, &d, 1, plain, NULL), 0);
	diag_release(&d);
	free(ranked);
	free(plain);
}
END_TEST

/* A question whose 'applies' leads back to it is never asked: said. */
START_TEST(test_applies_cycles)
{
	struct diag d = DIAG_INIT;
	char *q = tu_write(dir, "q.md",
		"---\ntype: questions\n---\n## On?\n<!-- question: on; applies: on=yes -->\n"
		"- `yes`: Yes\n- `no`: No\n\n## USB?\n<!-- question: usb; applies: "
		"power=yes -->\n- `yes`: Yes\n- `no`: No\n\n## Power?\n<!-- question: "
		"power; applies: usb=no -->\n- `yes`: Yes\n- `no`: No\n", -1);
	char *page = tu_write(dir, "p.md",
		"---\ntitle: T\nplatform: Web\n---\n## Causes\n\n"
		"1. <!-- cause: a; when: on=no, usb=no, power=no -->\n   A.\n", -1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, q, page, NULL), 0);
	ck_assert(tu_diag_has(&d, "q.md:4:1: warning: question 'on' applies only "
			      "after an answer to itself: it is never asked"));
	ck_assert(tu_diag_has(&d, "q.md:14:1: warning: question 'power' applies "
			      "only after an answer to 'usb', which applies only "
			      "after one to 'power'"));
	ck_assert_int_eq(d.warnings, 2);
	diag_release(&d);
	free(q);
	free(page);
}
END_TEST

/* A file that is not UTF-8 text says so, not "missing front matter". */
START_TEST(test_not_utf8_text)
{
	static const char utf16[] = "\xff\xfe-\0-\0-\0\n\0t\0";
	struct diag d = DIAG_INIT;
	char *a = tu_write(dir, "a.md", utf16, sizeof(utf16) - 1);
	char *b = tu_write(dir, "b.md", "---\ntitle: T\0\n---\n", 18);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, a, b, NULL), -1);
	ck_assert(tu_diag_has(&d, "a.md:1:1: error: the file is UTF-16 text"));
	ck_assert(tu_diag_has(&d, "b.md:1:1: error: the file holds NUL bytes"));
	diag_release(&d);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_failure_leaves_output_untouched)
{
	static const char precious[] = "an older knowledge base\0with a NUL";
	struct diag d = DIAG_INIT;
	char *before, *after;
	size_t len;

	free(tu_write(dir, "kb.sqlite", precious, sizeof(precious)));
	before = tu_read(out.buf, &len);
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, ERR "missing-title.md",
				    NULL), -1);
	after = tu_read(out.buf, &len);
	ck_assert_uint_eq(len, sizeof(precious));
	ck_assert_mem_eq(after, precious, sizeof(precious));
	ck_assert_int_eq(count_entries(dir), 1);
	free(before);
	free(after);
	diag_release(&d);
}
END_TEST

START_TEST(test_success_replaces_output)
{
	struct diag d = DIAG_INIT;
	char *v;

	free(tu_write(dir, "kb.sqlite", "old", 3));
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, NULL), 0);
	v = meta(out.buf, "articles");
	ck_assert_str_eq(v, "1");
	free(v);
	diag_release(&d);
}
END_TEST

START_TEST(test_warnings_and_strict)
{
	struct diag d = DIAG_INIT;
	char *q = tu_write(dir, "q.md",
			   "---\ntype: questions\n---\n## Unused?\n"
			   "<!-- question: lonely -->\n\n- `yes`: Yes\n", -1);
	char *a = tu_write(dir, "nocause.md", "---\ntitle: Just prose\n---\nHello.\n", -1);

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, KB, q, a, NULL), 0);
	ck_assert_int_eq(d.errors, 0);
	/* Two from the pages here, two from KB's annotated.md (its raw HTML
	 * test bits: what was dropped, and the image 'x'). */
	ck_assert_int_eq(d.warnings, 4);
	ck_assert(tu_diag_has(&d, "annotated.md:24: warning: raw HTML: left out"));
	ck_assert(tu_diag_has(&d, "warning: question 'lonely' is used by no cause"));
	ck_assert(tu_diag_has(&d, "nocause.md: warning: article 'nocause' has no causes"));
	diag_release(&d);

	unlink(out.buf);
	ck_assert_int_eq(tu_compile(out.buf, &d, 1, KB, q, a, NULL), -1);
	ck_assert(tu_diag_has(&d, "--strict"));
	ck_assert_ptr_null(tu_read(out.buf, NULL));
	diag_release(&d);
	free(q);
	free(a);
}
END_TEST

static const struct {
	const char *text;
	const char *want;
} catalog_errors[] = {
	{ "## Q?\n<!-- question: q1 -->\n\n- yes: no backticks\n",
	  "q.md:7:1: error: option of question 'q1' must start with its value in backticks" },
	{ "## Q?\n<!-- question: q1 -->\n\n- `unknown`: ?\n",
	  "option value 'unknown' of question 'q1' is reserved" },
	{ "## Q?\n<!-- question: q1 -->\n\n- `a`: A\n- `a`: again\n",
	  "duplicate option 'a' of question 'q1'" },
	{ "## Q?\n<!-- question: q1 -->\n\nNo options.\n",
	  "q.md:4:1: error: question 'q1' has no options" },
	{ "## Q?\n<!-- question: q1 -->\n- `a`: A\n## Again?\n<!-- question: q1 -->\n- `b`: B\n",
	  "q.md:7:1: error: duplicate question id 'q1'" },
	{ "## Platform?\n<!-- question: platform -->\n\n- `ios`: iOS\n",
	  "question 'platform' takes its options from the articles" },
	{ "## Q?\n<!-- question: q1; applies: nope=x -->\n- `a`: A\n",
	  "unknown question 'nope' in 'applies' of question 'q1'" },
	{ "<!-- cause: c1 -->\n## Q?\n",
	  "q.md:4:1: error: malformed annotation: in a question catalogue" },
};

START_TEST(test_catalog_errors)
{
	struct diag d = DIAG_INIT;
	struct sbuf text = SBUF_INIT;
	char *q;

	sbuf_addf(&text, "---\ntype: questions\n---\n%s", catalog_errors[_i].text);
	q = tu_write(dir, "q.md", text.buf, -1);
	ck_assert_int_eq(tu_compile(out.buf, &d, 0, q, NULL), -1);
	ck_assert(tu_diag_has(&d, catalog_errors[_i].want));
	diag_release(&d);
	sbuf_release(&text);
	free(q);
}
END_TEST

/* A translation says which version of its source it follows (an
 * article's or the catalogue's): by source_version, the source's hash,
 * else by updatedAt. An older one is a warning; a current one none. */
static int compile_pair(const char *src, const char *tr, struct diag *d,
			const char *src_name, const char *tr_name)
{
	char *a = tu_write(dir, src_name, src, -1);
	char *b = tu_write(dir, tr_name, tr, -1);
	int rc;

	diag_release(d);
	rc = tu_compile(out.buf, d, 0, a, b, NULL);
	free(a);
	free(b);
	return rc;
}

START_TEST(test_translation_versions)
{
	static const char article[] =
		"---\ntitle: Silent speaker\nplatform: Android\nupdatedAt: 2026-10-01\n---\n"
		"## Android\n\n### Causes\n\n1. <!-- cause: mute; solutions: up -->\n"
		"   Muted.\n\n### Solutions\n\n1. <!-- solution: up -->\n   Volume up.\n";
	static const char catalog[] =
		"---\ntype: questions\nupdatedAt: 2026-10-01\n---\n"
		"## Does it ring?\n<!-- question: rings -->\n\n- `yes`: Yes\n- `no`: No\n";
	static const char *const older = "follows an older version";
	struct diag d = DIAG_INIT;
	struct sbuf tr = SBUF_INIT;
	char *hash;

	/* Articles, by date. */
	sbuf_adds(&tr, "---\ntitle: Stummer Lautsprecher\ntranslation_of: a\nlang: de\n"
		  "updatedAt: 2026-09-01\n---\n## Android\n\n### Ursachen\n\n"
		  "1. <!-- cause: mute -->\n   Stumm.\n");
	ck_assert_int_eq(compile_pair(article, tr.buf, &d, "a.md", "a.de.md"), 0);
	ck_assert_msg(tu_diag_has(&d, "a.de.md: warning: this translation follows an "
				  "older version of 'a' (the source's updatedAt is later)"),
		      "no outdated warning");
	/* By the source's hash: the one it follows now. */
	ck_assert_int_eq(compile_pair(article, tr.buf, &d, "a.md", "a.de.md"), 0);
	hash = sql_text(out.buf, "SELECT source_hash FROM articles WHERE slug = 'a'");
	sbuf_reset(&tr);
	sbuf_addf(&tr, "---\ntitle: Stummer Lautsprecher\ntranslation_of: a\nlang: de\n"
		  "updatedAt: 2026-09-01\nsource_version: %s\n---\n## Android\n\n"
		  "### Ursachen\n\n1. <!-- cause: mute -->\n   Stumm.\n", hash);
	free(hash);
	ck_assert_int_eq(compile_pair(article, tr.buf, &d, "a.md", "a.de.md"), 0);
	ck_assert_msg(tu_diag_lacks(&d, older), "a current translation warned");
	sbuf_reset(&tr);
	sbuf_adds(&tr, "---\ntitle: Stummer Lautsprecher\ntranslation_of: a\nlang: de\n"
		  "source_version: 0123456789abcdef\n---\n## Android\n\n### Ursachen\n\n"
		  "1. <!-- cause: mute -->\n   Stumm.\n");
	ck_assert_int_eq(compile_pair(article, tr.buf, &d, "a.md", "a.de.md"), 0);
	ck_assert(tu_diag_has(&d, "(source_version differs from the source's hash)"));

	/* The catalogue, the same ways. */
	sbuf_reset(&tr);
	sbuf_adds(&tr, "---\ntype: questions\ntranslation_of: questions\nlang: de\n"
		  "updatedAt: 2026-09-01\n---\n## Klingelt es?\n<!-- question: rings -->\n\n"
		  "- `yes`: Ja\n- `no`: Nein\n");
	ck_assert_int_eq(compile_pair(catalog, tr.buf, &d, "q.md", "q.de.md"), 0);
	ck_assert_msg(tu_diag_has(&d, "q.de.md: warning: this translation follows an "
				  "older version of the catalogue (the catalogue's updatedAt "
				  "is later)"), "no outdated warning for the catalogue");
	hash = meta(out.buf, "questions_hash");
	ck_assert_ptr_nonnull(hash);
	ck_assert_int_eq((int)strlen(hash), 16);
	sbuf_reset(&tr);
	sbuf_addf(&tr, "---\ntype: questions\ntranslation_of: questions\nlang: de\n"
		  "updatedAt: 2026-09-01\nsource_version: %s\n---\n## Klingelt es?\n"
		  "<!-- question: rings -->\n\n- `yes`: Ja\n- `no`: Nein\n", hash);
	free(hash);
	ck_assert_int_eq(compile_pair(catalog, tr.buf, &d, "q.md", "q.de.md"), 0);
	ck_assert_msg(tu_diag_lacks(&d, older), "a current catalogue translation warned");
	/* The catalogue changes: the hash it followed is not its own now. */
	ck_assert_int_eq(compile_pair("---\ntype: questions\n---\n## Does it ring?\n"
				      "<!-- question: rings -->\n\n- `yes`: Yes, it does\n"
				      "- `no`: No\n", tr.buf, &d, "q.md", "q.de.md"), 0);
	ck_assert(tu_diag_has(&d, "(source_version differs from the catalogue's hash, "
			      "meta questions_hash)"));
	diag_release(&d);
	sbuf_release(&tr);
}
END_TEST

/* A label written over two lines keeps the space at the line break. */
START_TEST(test_option_label_spans_lines)
{
	struct diag d = DIAG_INIT;
	char *q = tu_write(dir, "q.md",
			   "---\ntype: questions\n---\n## Gateway?\n"
			   "<!-- question: gw -->\n\n"
			   "- `yes`: Handsfree Audio Gateway or\n  Headset AG is listed\n"
			   "- `no` \u2014 Neither is `listed`\n", -1);
	char *a = tu_write(dir, "a.md",
			   "---\ntitle: T\nplatform: Linux\n---\n## Reasons\n\n"
			   "1. <!-- cause: c1; when: gw=no --> No gateway.\n", -1);
	char *err = NULL;
	struct store *st;
	struct eng_model *m;
	int qi;

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, q, a, NULL), 0);
	st = store_open(out.buf, &err);
	ck_assert_ptr_nonnull(st);
	m = store_load_model(st);
	ck_assert_ptr_nonnull(m);
	qi = eng_model_question(m, "gw");
	ck_assert_int_ge(qi, 0);
	ck_assert_str_eq(m->questions[qi].options[0].label,
			 "Handsfree Audio Gateway or Headset AG is listed");
	ck_assert_str_eq(m->questions[qi].options[1].label, "Neither is listed");
	eng_model_free(m);
	store_free(st);
	free(q);
	free(a);
	diag_release(&d);
}
END_TEST

START_TEST(test_no_sources)
{
	struct diag d = DIAG_INIT;
	char *empty = tu_tmpdir();

	ck_assert_int_eq(tu_compile(out.buf, &d, 0, empty, NULL), -1);
	ck_assert(tu_diag_has(&d, "no sources"));
	tu_rmtree(empty);
	free(empty);
	diag_release(&d);
}
END_TEST

/* The reachability check runs on a model built from the parsed sources
 * (reach.c), not read back from the file: it must be the very model the
 * server loads from the file (store_load_model). */
static void same_links(const struct eng_cause *a, const struct eng_cause *b)
{
	ck_assert_int_eq(a->nr_steps, b->nr_steps);
	for (int i = 0; i < a->nr_steps; i++) {
		ck_assert_int_eq(a->steps[i], b->steps[i]);
		ck_assert_double_eq(a->fix[i], b->fix[i]);
	}
}

static void same_steps(const struct eng_model *a, const struct eng_model *b)
{
	ck_assert_int_eq(a->nr_steps, b->nr_steps);
	for (int i = 0; i < a->nr_steps; i++) {
		const struct eng_step *x = &a->steps[i], *y = &b->steps[i];

		ck_assert_str_eq(x->id, y->id);
		ck_assert_str_eq(x->title, y->title);
		ck_assert_str_eq(x->html, y->html);
		ck_assert_int_eq(x->article, y->article);
		ck_assert_int_eq(x->platform, y->platform);
		ck_assert_double_eq(x->cost, y->cost);
		ck_assert_int_eq(x->nr_causes, y->nr_causes);
		for (int j = 0; j < x->nr_causes; j++) {
			ck_assert_int_eq(x->causes[j], y->causes[j]);
			ck_assert_double_eq(x->fix[j], y->fix[j]);
		}
	}
	for (int i = 0; i <= a->nr_articles; i++)
		ck_assert_int_eq(a->step_start[i], b->step_start[i]);
}

static void same_model(const struct eng_model *a, const struct eng_model *b)
{
	ck_assert_int_eq(a->nr_questions, b->nr_questions);
	ck_assert_int_eq(a->q_problem, b->q_problem);
	ck_assert_int_eq(a->q_platform, b->q_platform);
	for (int i = 0; i < a->nr_questions; i++) {
		const struct eng_question *x = &a->questions[i], *y = &b->questions[i];

		ck_assert_str_eq(x->id, y->id);
		ck_assert_str_eq(x->text, y->text);
		ck_assert_str_eq(x->help, y->help);
		ck_assert_int_eq(x->nr_options, y->nr_options);
		for (int j = 0; j < x->nr_options; j++) {
			ck_assert_str_eq(x->options[j].value, y->options[j].value);
			ck_assert_str_eq(x->options[j].label, y->options[j].label);
		}
		ck_assert_int_eq(x->nr_applies, y->nr_applies);
		for (int j = 0; j < x->nr_applies; j++) {
			ck_assert_int_eq(x->applies[j].q, y->applies[j].q);
			ck_assert_uint_eq(x->applies[j].mask, y->applies[j].mask);
		}
	}
	ck_assert_int_eq(a->nr_articles, b->nr_articles);
	for (int i = 0; i < a->nr_articles; i++) {
		ck_assert_str_eq(a->articles[i].slug, b->articles[i].slug);
		ck_assert_str_eq(a->articles[i].title, b->articles[i].title);
		ck_assert_pstr_eq(a->articles[i].lang, b->articles[i].lang);
		ck_assert_str_eq(a->articles[i].escalation, b->articles[i].escalation);
	}
	ck_assert_int_eq(a->nr_causes, b->nr_causes);
	for (int i = 0; i < a->nr_causes; i++) {
		const struct eng_cause *x = &a->causes[i], *y = &b->causes[i];

		ck_assert_str_eq(x->id, y->id);
		ck_assert_str_eq(x->title, y->title);
		ck_assert_int_eq(x->article, y->article);
		ck_assert_int_eq(x->platform, y->platform);
		ck_assert_double_eq(x->prior, y->prior);
		ck_assert_int_eq(x->check, y->check);
		same_links(x, y);
	}
	same_steps(a, b);
	for (size_t i = 0; i < (size_t)a->nr_causes * (size_t)a->nr_questions; i++)
		ck_assert_uint_eq(a->mask[i], b->mask[i]);
	for (int q = 0; q <= a->nr_questions; q++)
		ck_assert_int_eq(a->named_start[q], b->named_start[q]);
	for (int k = 0; k < a->named_start[a->nr_questions]; k++) {
		ck_assert_int_eq(a->named[k].cause, b->named[k].cause);
		ck_assert_uint_eq(a->named[k].mask, b->named[k].mask);
		ck_assert_double_eq(a->named[k].pa, b->named[k].pa);
		ck_assert_double_eq(a->named[k].pb, b->named[k].pb);
	}
	for (int i = 0; i <= a->nr_articles; i++)
		ck_assert_int_eq(a->article_start[i], b->article_start[i]);
	for (int i = 0; i < a->nr_causes; i++)
		ck_assert_int_eq(a->by_article[i], b->by_article[i]);
}

/* Sources that stress the model: conditions named twice and on 'unknown',
 * a solution named twice, weights, a question whose 'applies' names a
 * later question, an article with no causes, one with a language, causes
 * scoped to no platform. */
static const char *const model_sources[][2] = {
	{ "questions.md",
	  "---\ntype: questions\n---\n\n# Questions\n\n"
	  "## Is it wired?\n<!-- question: wired; applies: size=big, colour=red|blue|red -->\n\n"
	  "- `yes`: Yes\n- `no`: No\n\n"
	  "## What colour is it?\n<!-- question: colour -->\n\n"
	  "Help text *with* emphasis.\n\n"
	  "- `red`: Red\n- `blue`: Blue\n- `green`: Green\n\n"
	  "## How big is it?\n<!-- question: size -->\n\n"
	  "- `big`: Big\n- `small`: Small\n" },
	{ "b-lamp.md",
	  "---\ntitle: The lamp stays dark\nlang: de\nplatform: [Linux, Web]\n---\n"
	  "Intro text.\n\n## Linux\n\n### Causes\n\n"
	  "1. <!-- cause: no-power; when: wired=no, colour=red|red|unknown; solutions: plug-in, plug-in; weight: 3 -->\n"
	  "   The plug is out.\n"
	  "2. <!-- cause: bulb; when: colour=blue -->\n   The bulb is gone.\n"
	  "3. A third cause with no annotation.\n\n"
	  "### Solutions\n\n"
	  "1. <!-- solution: plug-in; fixes: no-power -->\n   Plug it in.\n"
	  "2. Change the bulb.\n\n"
	  "## Web\n\n### Reasons\n\n- The page is stale.\n\n### Fixes\n\n- Reload it.\n" },
	{ "a-notes.md", "---\ntitle: Notes only\n---\nNo causes here.\n" },
	{ "c-any.md",
	  "---\ntitle: Anywhere at all\n---\n## Causes\n\n"
	  "- <!-- cause: anywhere; when: wired=yes -->\n  It happens everywhere.\n\n"
	  "## Solutions\n\n- <!-- solution: shrug; fixes: anywhere -->\n  Shrug.\n" },
};

static void check_models_match(const char *db, const struct eng_model *built)
{
	char *err = NULL;
	struct store *st = store_open(db, &err);
	struct eng_model *loaded;

	ck_assert_msg(st != NULL, "%s", err);
	loaded = store_load_model(st);
	ck_assert_msg(loaded != NULL, "%s", store_errmsg(st));
	same_model(built, loaded);
	eng_model_free(loaded);
	store_free(st);
}

START_TEST(test_reach_model_matches_store)
{
	const char *sets[][4] = {
		{ "kb", "../shared/seed/000_9a239f62ef10e291.txt", NULL, NULL },
		{ KB, "tests/data/faq-plain.md", "tests/data/cjk.md", "tests/data/lang" },
		{ NULL, NULL, NULL, NULL }, /* model_sources, written below */
	};
	char *src = tu_tmpdir();

	for (size_t i = 0; i < sizeof(model_sources) / sizeof(*model_sources); i++)
		free(tu_write(src, model_sources[i][0], model_sources[i][1], -1));
	sets[2][0] = src;
	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
		struct diag d = DIAG_INIT;
		struct eng_model *built = NULL;
		struct compile_opts opts = { out.buf, 0, 2, &built, NULL, 0, NULL };
		size_t n = 0;

		if (i == 0 && access(sets[0][1], R_OK))
			n = 1; /* the seed is beside the checkout only */
		else
			while (n < 4 && sets[i][n])
				n++;
		if (compile_run(sets[i], n, &opts, &d, NULL))
			tu_diag_dump(&d);
		ck_assert_int_eq(d.errors, 0);
		ck_assert_ptr_nonnull(built);
		check_models_match(out.buf, built);
		if (i == 2) {
			ck_assert_int_eq(built->nr_articles, 2);
			ck_assert_int_eq(built->nr_causes, 5);
		}
		eng_model_free(built);
		diag_release(&d);
	}
	tu_rmtree(src);
	free(src);
}
END_TEST

/* The engine keeps a question's options in a 64-bit mask: more is an
 * error that names the question, and nothing is written. */
START_TEST(test_too_many_options)
{
	struct sbuf q = SBUF_INIT;
	struct diag d = DIAG_INIT;
	char *src = tu_tmpdir(), *path;

	sbuf_adds(&q, "---\ntype: questions\n---\n\n## Which one?\n<!-- question: which -->\n\n");
	for (int i = 0; i < 65; i++)
		sbuf_addf(&q, "- `v%d`: Value %d\n", i, i);
	free(tu_write(src, "questions.md", q.buf, -1));
	path = tu_write(src, "thing.md",
			"---\ntitle: Thing\n---\n## Causes\n\n"
			"- <!-- cause: it; when: which=v64 -->\n  It.\n", -1);
	ck_assert_int_ne(tu_compile(out.buf, &d, 0, src, NULL), 0);
	ck_assert(tu_diag_has(&d, "questions.md:5:1: error: question 'which' has "
			      "more than 64 options"));
	ck_assert_int_eq(access(out.buf, F_OK), -1);
	diag_release(&d);
	sbuf_release(&q);
	free(path);
	tu_rmtree(src);
	free(src);
}
END_TEST

Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fixtures_compile);
	tcase_add_test(tc, test_same_sources_same_hash);
	tcase_add_test(tc, test_repeated_paths);
	tcase_add_test(tc, test_output_folders);
	tcase_add_loop_test(tc, test_each_error, 0, sizeof(errors) / sizeof(*errors));
	tcase_add_test(tc, test_duplicate_slug);
	tcase_add_test(tc, test_all_errors_reported_in_one_run);
	tcase_add_test(tc, test_all_errors_of_a_page);
	tcase_add_test(tc, test_header_errors_hide_nothing);
	tcase_add_test(tc, test_links_between_pages);
	tcase_add_test(tc, test_text_stored_once);
	tcase_add_test(tc, test_not_utf8_text);
	tcase_add_test(tc, test_unreachable_cause_warned);
	tcase_add_test(tc, test_applies_cycles);
	tcase_add_test(tc, test_failure_leaves_output_untouched);
	tcase_add_test(tc, test_success_replaces_output);
	tcase_add_test(tc, test_warnings_and_strict);
	tcase_add_loop_test(tc, test_catalog_errors, 0,
			    sizeof(catalog_errors) / sizeof(*catalog_errors));
	tcase_add_test(tc, test_option_label_spans_lines);
	tcase_add_test(tc, test_translation_versions);
	tcase_add_test(tc, test_no_sources);
	tcase_add_test(tc, test_reach_model_matches_store);
	tcase_add_test(tc, test_too_many_options);
	tcase_add_test(tc, test_full_text_tables);
	suite_add_tcase(s, tc);
	return s;
}
